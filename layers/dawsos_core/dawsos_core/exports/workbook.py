"""XLSX rendering (xlsxwriter, imported here only).

The Summary sheet comes first: for a portfolio overview the statement (value, cost and
unrealised gain in base, the window's returns and risk, period returns, the return
decomposition), else every summary figure. Then a sheet per table, columns in reading
order, then (for an overview) every summary figure, and the Provenance sheet with the
attributions and the watermark. Every number is an Excel number (15 significant digits)
with a number format for its kind (percent, currency amount, ratio, FX rate), ISO dates
are date cells, and each sheet's first cell is the visible watermark.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict
from typing import Any

from dawsos_core.exports.columns import Kind, as_date, kind_of, row_kinds
from dawsos_core.exports.document import DISPLAY_CONVENTION, Cell, ExportDocument, is_decimal_text
from dawsos_core.exports.statement import Statement, statement_of
from dawsos_core.exports.watermark import Watermark

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

# Sheet names a person reads, for the tables of the usual answers.
SHEET_NAMES = {
    "valuation.holdings": "Holdings",
    "periods.periods": "Periods",
    "attribution.by_holding": "Attribution by holding",
    "attribution.by_class": "Income and costs",
    "positions.positions": "Positions",
    "chart": "Daily series",
}
_NUMBER_FORMATS: dict[Kind, str] = {
    "percent": "0.00%",
    "ratio": "0.00",
    "amount": "#,##0.00",
    "rate": "0.000000",
    "count": "0",
}
_WIDTHS: dict[Kind, int] = {"percent": 11, "ratio": 9, "amount": 16, "rate": 11, "count": 8}


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("_", SHEET_NAMES.get(name, name))[:28] or "table"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base[:25]}~{n}", n + 1
    taken.add(candidate.lower())
    return candidate


class _Formats:
    """The workbook's cell formats, made once each."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.bold = book.add_format({"bold": True})
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1f3b5c"})
        self.section = book.add_format({"bold": True, "font_size": 11, "font_color": "#1f3b5c"})
        self.header = book.add_format(
            {"bold": True, "font_color": "#ffffff", "bg_color": "#1f3b5c", "text_wrap": True}
        )
        self.mark = book.add_format({"italic": True, "font_color": "#808080"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        self.kinds = {k: book.add_format({"num_format": f}) for k, f in _NUMBER_FORMATS.items()}

    def of(self, kind: Kind) -> Any:
        return self.kinds.get(kind)


def _write(ws: Any, row: int, col: int, value: Cell, formats: _Formats, kind: Kind) -> None:
    """Typed writes: numbers (and decimal text) as numbers in their kind's format, ISO dates
    as dates; a string is never taken for a formula, whatever it starts with."""
    if value is None:
        ws.write_blank(row, col, None)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, formats.of(kind))
    elif is_decimal_text(value):
        ws.write_number(row, col, float(value), formats.of(kind))
    elif (day := as_date(value)) is not None:
        ws.write_datetime(row, col, day, formats.date)
    else:
        ws.write_string(row, col, value)


def render_xlsx(doc: ExportDocument, watermark: Watermark) -> bytes:
    import xlsxwriter  # type: ignore[import-untyped]

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties(
        {
            "title": doc.title,
            "author": "DawsOS",
            "comments": watermark.visible_text(),
            "keywords": watermark.token(),
        }
    )
    formats = _Formats(book)
    footer = "&L&8" + watermark.visible_text().replace("&", "&&")[:250]
    taken: set[str] = set()

    def sheet(name: str) -> Any:
        ws = book.add_worksheet(_sheet_name(name, taken))
        ws.set_footer(footer)
        ws.write_string(0, 0, watermark.visible_text(), formats.mark)
        return ws

    statement = statement_of(doc)
    if statement is not None:
        _statement_sheet(sheet("Summary"), doc, statement, formats)
    else:
        _figures_sheet(sheet("Summary"), doc, formats)
    for table in doc.tables:
        ws = sheet(table.name)
        ws.write_string(1, 0, table.name, formats.section)
        for j, column in enumerate(table.columns):
            ws.write_string(2, j, column, formats.header)
            width = _WIDTHS.get(kind_of(column), max(10, min(len(column) + 2, 28)))
            ws.set_column(j, j, width)
        for i, cells in enumerate(table.rows, start=3):
            kinds = row_kinds(table.name, table.columns, cells)
            for j, value in enumerate(cells):
                _write(ws, i, j, value, formats, kinds[j])
        ws.freeze_panes(3, 1)
        ws.autofilter(2, 0, 2 + len(table.rows), len(table.columns) - 1)
    if statement is not None:
        _figures_sheet(sheet("All figures"), doc, formats)

    ws = sheet("Provenance")
    row = 2
    for title, pairs in (
        ("Provenance", list(doc.provenance)),
        ("Attributions", list(doc.attributions)),
        ("Watermark", [*asdict(watermark).items(), ("token", watermark.token())]),
        ("Display", [("convention", DISPLAY_CONVENTION)]),
    ):
        ws.write_string(row, 0, title, formats.section)
        for key, value in pairs:
            row += 1
            ws.write_string(row, 0, key)
            _write(ws, row, 1, value, formats, kind_of(key))
        row += 2
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 90)
    book.close()
    return out.getvalue()


def _figures_sheet(ws: Any, doc: ExportDocument, formats: _Formats) -> None:
    """Every summary figure of the answer, one a row, in reading order."""
    ws.write_string(1, 0, doc.title, formats.title)
    for i, (key, value) in enumerate(doc.summary, start=3):
        ws.write_string(i, 0, key)
        if isinstance(value, str) and len(value) > 60:
            ws.write_string(i, 1, value, formats.wrap)
        else:
            _write(ws, i, 1, value, formats, kind_of(key))
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 60)


def _statement_sheet(ws: Any, doc: ExportDocument, s: Statement, formats: _Formats) -> None:
    """The statement's first page as cells: labels in A, figures in B (and the period
    returns as a small table)."""
    base = s.base_currency
    m = s.metrics
    ws.write_string(1, 0, "Portfolio statement", formats.title)
    rows: list[tuple[str, Cell, Kind]] = [
        ("Portfolio", s.portfolio_id, "text"),
        ("As of", s.as_of.isoformat(), "text"),
        ("Base currency", base, "text"),
        (f"Market value ({base})", str(s.value_base), "amount"),
        (f"Cost ({base})", None if s.cost_base is None else str(s.cost_base), "amount"),
        (f"Unrealised gain ({base})", None if s.gain_base is None else str(s.gain_base), "amount"),
        ("Unrealised gain, % of cost", s.gain_pct, "percent"),
        ("Holdings", len(s.holdings), "count"),
        ("Window from", s.start.isoformat(), "text"),
        ("Window to", s.end.isoformat(), "text"),
        ("Time-weighted return", m.get("twr"), "percent"),
        ("Time-weighted return, annualised", m.get("twr_annualized"), "percent"),
        ("Money-weighted return", m.get("mwr"), "percent"),
        ("Volatility (annualised)", m.get("volatility"), "percent"),
        ("Sharpe ratio", m.get("sharpe"), "ratio"),
        ("Sortino ratio", m.get("sortino"), "ratio"),
        ("Maximum drawdown", m.get("max_drawdown"), "percent"),
        ("Drawdown peak", m.get("max_drawdown_peak"), "text"),
        ("Drawdown trough", m.get("max_drawdown_trough"), "text"),
    ]
    row = 3
    for label, value, kind in rows:
        ws.write_string(row, 0, label, formats.bold)
        _write(ws, row, 1, value, formats, kind)
        row += 1
    row += 1
    ws.write_string(row, 0, "Period returns", formats.section)
    row += 1
    for j, title in enumerate(("Period", "From", "To", "TWR", "MWR", "Volatility", "Note")):
        ws.write_string(row, j, title, formats.header)
    for p in s.periods:
        row += 1
        ws.write_string(row, 0, p.name)
        _write(ws, row, 1, None if p.start is None else p.start.isoformat(), formats, "text")
        _write(ws, row, 2, None if p.end is None else p.end.isoformat(), formats, "text")
        _write(ws, row, 3, p.twr, formats, "percent")
        _write(ws, row, 4, p.mwr, formats, "percent")
        _write(ws, row, 5, p.volatility, formats, "percent")
        _write(ws, row, 6, p.reason, formats, "text")
    row += 2
    ws.write_string(row, 0, "Return decomposition", formats.section)
    for _, label, value in s.effects:
        row += 1
        ws.write_string(row, 0, label, formats.bold if label.startswith("Total") else None)
        _write(ws, row, 1, value, formats, "percent")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 5, 11)
    ws.set_column(6, 6, 40)
