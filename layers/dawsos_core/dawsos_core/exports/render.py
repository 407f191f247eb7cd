"""One entry point per format; the heavy writers (xlsxwriter for XLSX, fpdf2 for PDF, which
draws its own charts) are imported only by the format that needs them."""

from __future__ import annotations

from typing import Literal

from dawsos_core.exports.document import ExportDocument
from dawsos_core.exports.watermark import Watermark, sign

ExportFormat = Literal["csv", "json", "xlsx", "pdf", "txt"]

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}


def render(doc: ExportDocument, watermark: Watermark, export_format: str, key: bytes) -> bytes:
    """The signed file: rendered with the watermark token's placeholder, then signed."""
    if export_format == "csv":
        from dawsos_core.exports.text_formats import render_csv as writer
    elif export_format == "json":
        from dawsos_core.exports.text_formats import render_json as writer
    elif export_format == "txt":
        from dawsos_core.exports.text_formats import render_text as writer
    elif export_format == "xlsx":
        from dawsos_core.exports.workbook import render_xlsx as writer
    elif export_format == "pdf":
        from dawsos_core.exports.report import render_pdf as writer
    else:
        raise ValueError(f"unsupported export format {export_format!r}")
    return sign(writer(doc, watermark), key)
