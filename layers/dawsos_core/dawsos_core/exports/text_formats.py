"""CSV, JSON and plain text renderings of an export document.

CSV is long-form, one value a row under the header ``section,row,column,value``, so every
section (watermark, attributions, provenance, summary, each table) fits one regular file
that any CSV reader loads. Text that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``) gets a leading ``'``; numbers are written as they
are. JSON carries the stored answer and provenance unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from dawsos_core.exports.document import DISPLAY_CONVENTION, Cell, ExportDocument, display
from dawsos_core.exports.watermark import Watermark


def _watermark_fields(watermark: Watermark) -> dict[str, Any]:
    return {**asdict(watermark), "notice": watermark.visible_text(), "token": watermark.token()}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Cell) -> Cell:
    """A text cell that a spreadsheet would run as a formula is quoted with a leading '."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def render_csv(doc: ExportDocument, watermark: Watermark) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "row", "column", "value"))

    def put(section: str, row: int, column: str, value: Cell) -> None:
        writer.writerow((section, row, column, _cell(value)))

    for key, value in _watermark_fields(watermark).items():
        put("watermark", 0, key, value)
    for i, (source, text) in enumerate(doc.attributions):
        put("attribution", i, "source", source)
        put("attribution", i, "text", text)
    for key, value in doc.provenance:
        put("provenance", 0, key, value)
    for key, value in doc.summary:
        put("summary", 0, key, value)
    for table in doc.tables:
        for i, row in enumerate(table.rows):
            for column, value in zip(table.columns, row, strict=True):
                put(table.name, i, column, value)
    return out.getvalue().encode()


def render_json(doc: ExportDocument, watermark: Watermark) -> bytes:
    body = {
        "title": doc.title,
        "pattern_id": doc.pattern_id,
        "watermark": _watermark_fields(watermark),
        "attributions": [{"source": s, "text": t} for s, t in doc.attributions],
        "provenance": doc.raw_provenance,
        "result": doc.result,
    }
    return (json.dumps(body, indent=2, sort_keys=True, allow_nan=False) + "\n").encode()


def _aligned(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return lines


def render_text(doc: ExportDocument, watermark: Watermark) -> bytes:
    mark = watermark.visible_text()
    lines = [doc.title, mark, "=" * min(len(mark), 100), ""]
    lines += ["Summary", *_aligned(("name", "value"), [(k, display(v)) for k, v in doc.summary])]
    for table in doc.tables:
        rows = [tuple(display(v) for v in row) for row in table.rows]
        lines += ["", table.name, *_aligned(table.columns, rows)]
    lines += [
        "",
        "Provenance",
        *_aligned(("name", "value"), [(k, display(v)) for k, v in doc.provenance]),
    ]
    lines += ["", "Attributions", *(f"  {s}: {t}" for s, t in doc.attributions)]
    lines += ["", f"Display: {DISPLAY_CONVENTION}.", "", mark, f"watermark: {watermark.token()}"]
    return ("\n".join(lines) + "\n").encode()
