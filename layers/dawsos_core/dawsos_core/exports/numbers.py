"""Figures as the human formats show them (PDF; the XLSX formats say the same in Excel's
terms): amounts to 2 decimals with thousands separators, fractions as percentages to 2
decimals, ratios to 2, FX rates to 6, units as the ledger holds them. CSV and JSON never
pass through here: they carry the stored values exactly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from dawsos_core.exports.columns import Kind, as_date
from dawsos_core.exports.document import Cell, display

MISSING = "-"


def long_date(day: dt.date) -> str:
    """A date as a statement writes it: 30 October 2026."""
    return f"{day.day} {day:%B %Y}"


def money(value: Decimal | float | None, *, signed: bool = False) -> str:
    if value is None:
        return MISSING
    shown = f"{value:+,.2f}" if signed else f"{value:,.2f}"
    return shown.replace("-0.00", "0.00").replace("+0.00", "0.00")


def percent(value: float | None, *, signed: bool = False, places: int = 2) -> str:
    if value is None:
        return MISSING
    shown = f"{100 * value:+,.{places}f}%" if signed else f"{100 * value:,.{places}f}%"
    zero = f"0.{'0' * places}%"
    return zero if shown.lstrip("+-") == zero else shown


def ratio(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.2f}"


def rate(value: Decimal | float | None) -> str:
    return MISSING if value is None else f"{value:,.6f}"


def units(value: Decimal) -> str:
    """Units at the ledger's own scale, with thousands separators."""
    return f"{value:,f}"


def shown(kind: Kind, value: Cell) -> str:
    """A cell of a generic table or summary, formatted for its kind (``columns.kind_of``)."""
    if value is None:
        return MISSING
    if isinstance(value, bool) or (isinstance(value, str) and as_date(value)):
        return display(value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return display(value)
    if not number.is_finite() or kind == "text":
        return display(value)
    if kind == "percent":
        return percent(float(number))
    if kind == "ratio":
        return ratio(float(number))
    if kind == "amount":
        return money(number)
    if kind == "rate":
        return rate(number)
    if kind == "units":
        return units(number)
    return display(value)
