"""PDF report (fpdf2, imported here only): summary, the value and TWR chart, the tables,
provenance and attributions, with the visible watermark in every page's footer and the
signed token in the document's metadata.

fpdf2's core fonts are Latin-1, so text outside it is shown with a "?" in its place.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from dawsos_core.exports.document import (
    DISPLAY_CONVENTION,
    ExportDocument,
    display,
    is_decimal_text,
)
from dawsos_core.exports.watermark import Watermark

_TABLE_PT = 7.0
_MM_PER_PT = 25.4 / 72


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _chart_png(chart: dict[str, Any]) -> bytes:
    from dawsos_core.analytics.charts import OverviewChart, render_png

    return render_png(OverviewChart.model_validate(chart), width_in=9.0, height_in=6.0)


def render_pdf(doc: ExportDocument, watermark: Watermark) -> bytes:
    from fpdf import FPDF

    mark = _latin1(watermark.visible_text())

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("helvetica", "I", 6.5)
            self.set_text_color(110, 110, 110)
            self.multi_cell(0, 3, f"{mark} | page {self.page_no()}", align="L")
            self.set_text_color(0, 0, 0)

    pdf = Report(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_title(_latin1(doc.title))
    pdf.set_author("DawsOS")
    pdf.set_creator("DawsOS export")
    pdf.set_subject(mark)
    pdf.set_keywords(watermark.token())
    pdf.set_creation_date(dt.datetime.fromisoformat(watermark.issued_at.replace("Z", "+00:00")))
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 9, _latin1(doc.title), new_x="LMARGIN", new_y="NEXT")

    def heading(text: str, keep_mm: float = 20) -> None:
        """A heading never ends a page: it moves on with the first ``keep_mm`` below it."""
        if pdf.get_y() + 9 + keep_mm > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font("helvetica", "B", 11)
        pdf.cell(0, 7, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def pairs(rows: list[tuple[str, str]]) -> None:
        pdf.set_font("helvetica", "", 8)
        for key, value in rows:
            pdf.set_font("helvetica", "B", 8)
            pdf.cell(width * 0.35, 4.5, _latin1(key)[:70])
            pdf.set_font("helvetica", "", 8)
            pdf.multi_cell(width * 0.65, 4.5, _latin1(value), new_x="LMARGIN", new_y="NEXT")

    heading("Summary")
    pairs([(k, display(v)) for k, v in doc.summary if not k.startswith("metrics.conventions.")])
    if doc.chart is not None:
        heading("Value and time-weighted return", keep_mm=width * 6 / 9)
        pdf.image(io.BytesIO(_chart_png(doc.chart)), w=width)

    for table in doc.tables:
        if doc.chart is not None and table.name == "chart":
            continue  # drawn above
        heading(table.name)
        pdf.set_font("courier", "", _TABLE_PT)
        for line in _table_lines(
            table.columns,
            [tuple(display(v) for v in r) for r in table.rows],
            int(width / (0.6 * _TABLE_PT * _MM_PER_PT)),
        ):
            pdf.cell(0, 3.4, _latin1(line), new_x="LMARGIN", new_y="NEXT")

    heading("Conventions")
    pairs(
        [
            (k.removeprefix("metrics.conventions."), display(v))
            for k, v in doc.summary
            if k.startswith("metrics.conventions.")
        ]
        + [("display", DISPLAY_CONVENTION)]
    )
    heading("Provenance")
    pairs([(k, display(v)) for k, v in doc.provenance])
    heading("Attributions")
    pairs(list(doc.attributions))
    heading("Watermark")
    pairs([("notice", mark), ("verify", "dawsos watermark verify FILE")])
    return bytes(pdf.output())


def _table_lines(columns: tuple[str, ...], rows: list[tuple[str, ...]], chars: int) -> list[str]:
    """A table as fixed-width lines (one PDF cell each, which is what keeps 500-row tables
    fast): numbers right-aligned, columns cut to share the line, ".." marking a cut."""
    natural = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    room = chars - 2 * (len(columns) - 1)
    widths = list(natural)
    while sum(widths) > room and max(widths) > 6:
        widest = widths.index(max(widths))
        widths[widest] -= 1

    def fit(text: str, w: int, right: bool) -> str:
        text = text if len(text) <= w else text[: max(w - 2, 1)] + ".."
        return text.rjust(w) if right else text.ljust(w)

    numeric = [all(is_decimal_text(r[i]) for r in rows if r[i]) for i in range(len(columns))]
    header = "  ".join(fit(c, w, n) for c, w, n in zip(columns, widths, numeric, strict=True))
    lines = [header, "-" * len(header)]
    lines += [
        "  ".join(fit(v, w, n) for v, w, n in zip(r, widths, numeric, strict=True)).rstrip()
        for r in rows
    ]
    return lines
