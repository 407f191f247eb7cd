"""An execution's answer as a document: summary values, tables and the overview chart.

Every renderer starts from this one shape, so a CSV and a PDF of the same export hold the
same figures. The walk is generic over patterns: scalars become summary rows, lists of
records and maps of records become tables, and equal-length lists under one key (the chart's
series) become one table with a column each. Sections, keys and columns come in reading
order (``exports.columns``), not the stored alphabetical one. Values keep their stored form
(decimal strings stay strings); only the human formats (PDF, XLSX, text) round for display.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from dawsos_core.exports.columns import reading_order, section_rank

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class ExportDocument:
    title: str
    pattern_id: str
    summary: tuple[tuple[str, Cell], ...]
    tables: tuple[Table, ...]
    provenance: tuple[tuple[str, Cell], ...]
    attributions: tuple[tuple[str, str], ...]
    chart: dict[str, Any] | None
    result: dict[str, Any]
    raw_provenance: dict[str, Any]

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_record(value: Any) -> bool:
    return isinstance(value, dict) and all(
        _is_scalar(v) or (isinstance(v, dict) and all(_is_scalar(x) for x in v.values()))
        for v in value.values()
    )


def _flat_record(record: dict[str, Any]) -> dict[str, Cell]:
    """One level of nesting becomes dotted columns: ``cost: {USD: 1}`` is ``cost.USD``."""
    flat: dict[str, Cell] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for inner, x in value.items():
                flat[f"{key}.{inner}"] = x
        else:
            flat[key] = value
    return flat


def _table(name: str, records: list[dict[str, Cell]]) -> Table:
    """The records as a table, columns in reading order."""
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    columns = dict.fromkeys(reading_order(columns))
    return Table(
        name=name,
        columns=tuple(columns),
        rows=tuple(tuple(r.get(c) for c in columns) for r in records),
    )


def _walk(
    path: str, node: dict[str, Any], summary: list[tuple[str, Cell]], tables: list[Table]
) -> None:
    series: dict[str, list[Any]] = {}
    keys = sorted(node, key=section_rank) if not path else reading_order(node)
    for key in keys:
        value = node[key]
        name = f"{path}.{key}" if path else key
        if _is_scalar(value):
            summary.append((name, value))
        elif isinstance(value, list) and all(isinstance(v, dict) for v in value) and value:
            tables.append(_table(name, [_flat_record(v) for v in value]))
        elif isinstance(value, list) and all(_is_scalar(v) for v in value):
            if len(value) > 1:
                series[key] = value
            else:
                summary.append((name, "; ".join(str(v) for v in value)))
        elif (
            isinstance(value, dict)
            and len(value) > 1
            and all(_is_number(v) for v in value.values())
        ):
            tables.append(_table(name, [{"key": k, "value": v} for k, v in value.items()]))
        elif isinstance(value, dict) and value and all(_is_record(v) for v in value.values()):
            records = [{"key": k, **_flat_record(v)} for k, v in value.items()]
            tables.append(_table(name, records))
        elif isinstance(value, dict):
            _walk(name, value, summary, tables)
        else:
            summary.append((name, str(value)))
    by_length: dict[int, dict[str, list[Any]]] = {}
    for key, values in series.items():
        by_length.setdefault(len(values), {})[key] = values
    for group in by_length.values():
        if len(group) == 1:
            ((key, values),) = group.items()
            name = f"{path}.{key}" if path else key
            summary.append((name, "; ".join(str(v) for v in values)))
            continue
        columns = tuple(group)
        tables.append(
            Table(
                name=path or "series",
                columns=columns,
                rows=tuple(zip(*(group[c] for c in columns), strict=True)),
            )
        )


def build_document(
    *,
    pattern_id: str,
    inputs: dict[str, Any],
    result: dict[str, Any],
    provenance: dict[str, Any],
    attributions: list[tuple[str, str]],
) -> ExportDocument:
    summary: list[tuple[str, Cell]] = []
    tables: list[Table] = []
    _walk("", result, summary, tables)
    subject = inputs.get("portfolio_id")
    title = pattern_id.replace("_", " ") + (f" of {subject}" if subject else "")
    chart = result.get("chart")
    is_overview = isinstance(chart, dict) and {"dates", "value", "cumulative_twr"} <= set(chart)
    flat_provenance: list[tuple[str, Cell]] = []
    _walk("", provenance, flat_provenance, [])
    return ExportDocument(
        title=title,
        pattern_id=pattern_id,
        summary=tuple(summary),
        tables=tuple(tables),
        provenance=tuple(flat_provenance),
        attributions=tuple(attributions),
        chart=chart if is_overview else None,
        result=result,
        raw_provenance=provenance,
    )


DISPLAY_PLACES = 6
DISPLAY_CONVENTION = (
    "PDF shows amounts to 2 decimals, fractions as percentages to 2 decimals, ratios to 2, "
    "FX rates to 6 and units as the ledger holds them; XLSX stores every number as an Excel "
    "number (15 significant digits) formatted the same way, and dates as dates; text rounds "
    f"to {DISPLAY_PLACES} decimal places; CSV and JSON carry the stored values exactly"
)


def display(value: Cell) -> str:
    """A cell as the human formats show it (see DISPLAY_CONVENTION)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        shown_float = f"{value:.{DISPLAY_PLACES}f}".rstrip("0").rstrip(".")
        return "0" if shown_float == "-0" else shown_float
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite() or number.as_tuple().exponent >= -DISPLAY_PLACES:  # type: ignore[operator]
        return value
    shown = number.quantize(Decimal(1).scaleb(-DISPLAY_PLACES))
    return "0" if shown.is_zero() else format(shown.normalize(), "f")


_DECIMAL_TEXT = re.compile(r"^-?\d+(\.\d+)?$")


def is_decimal_text(text: str) -> bool:
    """Text that spells a plain decimal number (amounts are stored as text)."""
    return _DECIMAL_TEXT.match(text) is not None


def issued_at_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
