"""What a named figure is (a fraction, an amount, a rate, a date, ...) and the order a person
reads an answer's sections and columns in.

Stored answers have their keys in alphabetical order; the human formats (PDF, XLSX, text)
show them in reading order and format each kind of figure by its name. CSV and JSON keep
every value exactly as stored, whatever its kind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Literal

Kind = Literal["percent", "ratio", "amount", "rate", "units", "count", "text"]

# The return decomposition's effects, in reading order (attribution answers).
RETURN_EFFECTS = ("local", "fx", "interaction", "trading", "income", "costs", "other", "total")

# Fractions shown as percentages (0.0123 is 1.23%).
_PERCENT = frozenset(
    {
        "weight",
        "twr",
        "twr_annualized",
        "mwr",
        "mwr_annualized",
        "volatility",
        "max_drawdown",
        "unrealised_gain_pct",
        "cumulative_twr",
        "drawdown",
        *RETURN_EFFECTS,
        "dividends",
        "interest",
        "commissions",
        "fees",
        "withholding",
        "tracking_error",
        "alpha",
        "annual_risk_free",
        "up_capture",
        "down_capture",
        "herfindahl",
    }
)
_RATIO = frozenset({"sharpe", "sortino", "beta", "information_ratio", "correlation"})
_AMOUNT = frozenset(
    {
        "value",
        "value_base",
        "value_local",
        "cost",
        "cost_base",
        "unrealised_gain_base",
        "price",
        "flow_in",
        "flow_out",
    }
)
_COUNT = frozenset({"returns", "packs", "ddof", "periods_per_year", "pattern_version"})

# Reading order of sections and of a table's columns; names not listed follow, as stored.
SECTION_ORDER = ("valuation", "periods", "metrics", "attribution", "positions", "chart")
COLUMN_ORDER = (
    "key",
    "period",
    "commodity",
    "account",
    "date",
    "dates",
    "start",
    "end",
    "units",
    "price",
    "price_currency",
    "value_local",
    "fx_rate",
    "value",
    "value_base",
    "cost",
    "cost_currency",
    "cost_base",
    "unrealised_gain_base",
    "unrealised_gain_pct",
    "weight",
    "cash",
    "last_price_date",
    "returns",
    "twr",
    "twr_annualized",
    "mwr",
    "mwr_annualized",
    "volatility",
    "sharpe",
    "sortino",
    "max_drawdown",
    *RETURN_EFFECTS,
    "cumulative_twr",
    "drawdown",
    "flow_in",
    "flow_out",
    "reason",
    "note",
)
_RANK = {name: i for i, name in enumerate(COLUMN_ORDER)}
_SECTION_RANK = {name: i for i, name in enumerate(SECTION_ORDER)}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def kind_of(name: str) -> Kind:
    """The kind of the figure a column or summary key names: by its last dotted part, the
    part before it for a map of amounts (``cost.USD`` is an amount)."""
    parts = name.split(".")
    last = parts[-1]
    if last == "fx_rate":
        return "rate"
    if last == "units":
        return "units"
    for part in (last, parts[-2] if len(parts) > 1 else last):
        if part in _PERCENT:
            return "percent"
        if part in _RATIO:
            return "ratio"
        if part in _AMOUNT:
            return "amount"
        if part in _COUNT:
            return "count"
    return "text"


def row_kinds(table: str, columns: Sequence[str], row: Sequence[object]) -> list[Kind]:
    """The kind of each cell of a table's row: by its column's name, except in a two-column
    map of figures (``key``, ``value``), where the key names the figure
    (``attribution.by_class``'s ``dividends`` is a fraction)."""
    if tuple(columns) == ("key", "value"):
        return ["text", kind_of(f"{table}.{row[0]}")]
    return [kind_of(c) for c in columns]


def as_date(text: str) -> dt.date | None:
    """The date an ISO ``YYYY-MM-DD`` text spells, else None."""
    if _ISO_DATE.match(text) is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def reading_order(names: Iterable[str]) -> list[str]:
    """Column names in reading order (``cost.USD`` ranks as ``cost``), stable otherwise."""
    ranked = sorted(
        enumerate(names), key=lambda item: (_RANK.get(item[1].split(".")[0], len(_RANK)), item[0])
    )
    return [name for _, name in ranked]


def section_rank(key: str) -> int:
    """Where a top-level section of an answer comes in reading order."""
    return _SECTION_RANK.get(key, len(_SECTION_RANK))
