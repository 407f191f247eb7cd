"""XLSX rendering (xlsxwriter, imported here only): a summary sheet, a sheet per table and a
provenance sheet with attributions and the watermark. Numeric strings become Excel numbers.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict
from typing import Any

from dawsos_core.exports.document import DISPLAY_CONVENTION, Cell, ExportDocument, is_decimal_text
from dawsos_core.exports.watermark import Watermark

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("_", name)[:28] or "table"
    candidate, n = base, 2
    while candidate.lower() in taken:
        candidate, n = f"{base[:25]}~{n}", n + 1
    taken.add(candidate.lower())
    return candidate


def _write(ws: Any, row: int, col: int, value: Cell, fmt: Any = None) -> None:
    """Typed writes: a string is never taken for a formula, whatever it starts with."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    elif is_decimal_text(value):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, value, fmt)


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
    bold = book.add_format({"bold": True})
    mark = book.add_format({"italic": True, "font_color": "#808080"})
    footer = "&L&8" + watermark.visible_text().replace("&", "&&")[:250]
    taken: set[str] = set()

    def sheet(name: str) -> Any:
        ws = book.add_worksheet(_sheet_name(name, taken))
        ws.set_footer(footer)
        _write(ws, 0, 0, watermark.visible_text(), mark)
        return ws

    ws = sheet("Summary")
    _write(ws, 1, 0, doc.title, bold)
    for i, (key, value) in enumerate(doc.summary, start=3):
        _write(ws, i, 0, key)
        _write(ws, i, 1, value)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 24)

    for table in doc.tables:
        ws = sheet(table.name)
        _write(ws, 1, 0, table.name, bold)
        for j, column in enumerate(table.columns):
            _write(ws, 2, j, column, bold)
        for i, cells in enumerate(table.rows, start=3):
            for j, value in enumerate(cells):
                _write(ws, i, j, value)
        ws.freeze_panes(3, 0)

    ws = sheet("Provenance")
    row = 2
    for title, pairs in (
        ("Provenance", list(doc.provenance)),
        ("Attributions", list(doc.attributions)),
        ("Watermark", [*asdict(watermark).items(), ("token", watermark.token())]),
        ("Display", [("convention", DISPLAY_CONVENTION)]),
    ):
        _write(ws, row, 0, title, bold)
        for key, value in pairs:
            row += 1
            _write(ws, row, 0, key)
            _write(ws, row, 1, value)
        row += 2
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 90)
    book.close()
    return out.getvalue()
