"""PDF report (fpdf2, imported here only), laid out like a broker's statement.

A portfolio overview reads: page one, the summary (``exports.summary_page``: portfolio,
as-of date, market value and unrealised gain in base, the window's returns, period returns,
headline risk, the value chart with flows marked, the largest holdings); then the
performance charts (value, cumulative TWR over drawdown, the return decomposition in a fixed
order, drawn as vector graphics by ``exports.plots``: no plotting library is imported) and
its table; the holdings with units, price, FX rate, value, cost, cost in base, unrealised
gain and weight, with totals; the attribution by holding when the answer has one; last, the
conventions, the provenance, the attributions and how to verify the file. Any other answer
gets its summary and tables in reading order, then the same closing pages. Figures are shown
at display precision (``exports.numbers``); every page's footer carries the visible
watermark, and the signed token is in the document's metadata.

fpdf2's core fonts are Latin-1, so text outside it is shown with a "?" in its place.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dawsos_core.exports.columns import kind_of, row_kinds
from dawsos_core.exports.document import DISPLAY_CONVENTION, ExportDocument, Table, display
from dawsos_core.exports.numbers import MISSING, long_date, money, percent, rate, shown, units
from dawsos_core.exports.pdf_layout import (
    CELL_PAD,
    GREY,
    INK,
    MARGIN,
    NAVY,
    RULE,
    TABLE_PT,
    Column,
    draw_table,
    labelled_values,
    latin1,
    section_heading,
    text_width_of,
)
from dawsos_core.exports.plots import Box, effects_chart, return_chart, value_chart
from dawsos_core.exports.statement import HoldingLine, Statement, statement_of
from dawsos_core.exports.summary_page import summary_page
from dawsos_core.exports.watermark import Watermark

if TYPE_CHECKING:
    from fpdf import FPDF


def render_pdf(doc: ExportDocument, watermark: Watermark) -> bytes:
    from fpdf import FPDF

    statement = statement_of(doc)
    mark = latin1(watermark.visible_text())
    first, _, rest = mark.partition(" | ")
    running = latin1(
        f"{doc.title} | as of {statement.as_of.isoformat()}" if statement else doc.title
    )

    class Report(FPDF):
        def header(self) -> None:
            if self.page_no() == 1:
                return
            self.set_font("helvetica", "", 7)
            self.set_text_color(*GREY)
            self.cell(self.epw / 2, 4, running)
            self.cell(self.epw / 2, 4, "DawsOS", align="R", new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(*RULE)
            self.line(MARGIN, self.get_y() + 0.5, MARGIN + self.epw, self.get_y() + 0.5)
            self.set_y(self.get_y() + 3)
            self.set_text_color(*INK)

        def footer(self) -> None:
            self.set_y(-13)
            self.set_draw_color(*RULE)
            self.line(MARGIN, self.get_y(), MARGIN + self.epw, self.get_y())
            self.set_y(self.get_y() + 1)
            self.set_font("helvetica", "", 6)
            self.set_text_color(*GREY)
            self.cell(self.epw - 22, 3, first)
            self.cell(22, 3, f"page {self.page_no()} of {{nb}}", align="R")
            self.set_xy(MARGIN, self.get_y() + 3)
            self.cell(self.epw, 3, rest)
            self.set_text_color(*INK)

    pdf = Report(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=17)
    pdf.set_title(latin1(doc.title))
    pdf.set_author("DawsOS")
    pdf.set_creator("DawsOS export")
    pdf.set_subject(mark)
    pdf.set_keywords(watermark.token())
    pdf.set_creation_date(dt.datetime.fromisoformat(watermark.issued_at.replace("Z", "+00:00")))
    pdf.add_page()
    if statement is not None:
        summary_page(pdf, statement)
        _performance_page(pdf, statement)
        _holdings(pdf, statement)
        _by_holding(pdf, statement)
    else:
        _generic(pdf, doc)
    _closing(pdf, doc, mark)
    return bytes(pdf.output())


# The overview's pages ----------------------------------------------------------------------


def _performance_page(pdf: FPDF, s: Statement) -> None:
    if s.series is None and not s.effects:
        return
    pdf.add_page()
    section_heading(pdf, f"Performance, {s.start.isoformat()} to {s.end.isoformat()}")
    top = pdf.get_y() + 1
    if s.series is not None:
        value_chart(
            pdf,
            Box(MARGIN, top, pdf.epw, 68),
            s.series,
            s.base_currency,
            f"Value in {s.base_currency}, external flows marked",
        )
        return_chart(
            pdf, Box(MARGIN, top + 72, pdf.epw, 56), s.series, "Time-weighted return and drawdown"
        )
        top += 132
    if s.effects:
        effects_chart(
            pdf,
            Box(MARGIN, top, pdf.epw, 58),
            [(label, v) for _, label, v in s.effects],
            "Return decomposition over the window (Carino-linked: the effects sum to the TWR)",
        )
        top += 60
    pdf.set_y(top)
    if s.effects:
        section_heading(pdf, "Return decomposition", keep_mm=40)
        top = pdf.get_y()
        draw_table(
            pdf,
            [Column("Effect", 60, "L"), Column("Contribution", 30)],
            [[label, percent(v, signed=True, places=3)] for _, label, v in s.effects[:-1]],
            total=[s.effects[-1][1], percent(s.effects[-1][2], signed=True, places=3)],
        )
        below = pdf.get_y()
        if s.by_class:  # income and costs by class, beside the decomposition
            pdf.set_y(top)
            draw_table(
                pdf,
                [Column("Income and costs by class", 60, "L"), Column("Contribution", 30)],
                [[name, percent(v, signed=True, places=3)] for name, v in s.by_class],
                x=MARGIN + pdf.epw - 90,
            )
        pdf.set_y(max(below, pdf.get_y()))


def _holdings(pdf: FPDF, s: Statement) -> None:
    base = s.base_currency
    pdf.add_page()
    section_heading(pdf, f"Holdings as of {long_date(s.as_of)}, in {base}")
    columns = [
        Column("Holding", 16, "L"),
        Column("Units", 14),
        Column("Price", 21),
        Column("FX rate", 14),
        Column(f"Value ({base})", 22),
        Column("Cost", 23),
        Column(f"Cost ({base})", 21),
        Column(f"Unrealised ({base})", 24),
        Column("Unreal. %", 14),
        Column("Weight", pdf.epw - 169),
    ]
    rows = [
        [
            h.commodity,
            units(h.units),
            f"{money(h.price)} {h.price_currency}",
            rate(h.fx_rate),
            money(h.value_base),
            _cost(h),
            money(h.cost_base),
            money(h.gain_base, signed=True),
            percent(h.gain_pct, signed=True),
            percent(h.weight),
        ]
        for h in s.holdings
    ]
    total = [
        "Total",
        "",
        "",
        "",
        money(s.value_base),
        "",
        money(s.cost_base),
        money(s.gain_base, signed=True),
        percent(s.gain_pct, signed=True),
        "100.00%",
    ]
    draw_table(pdf, columns, rows, total=total)
    pdf.set_font("helvetica", "", 6.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        3,
        latin1(
            f"Value = units x price x FX rate into {base}, from the pricing pack. Cost is the "
            "ledger's cost basis in its cost currency; cost in base converts it at the same "
            "pack's rate, so the unrealised gain is the market gain in base (what the currency "
            "did since purchase is in the return decomposition). Unrealised % is of the cost in "
            "base; cash has none. Sorted by weight."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(*INK)


def _cost(h: HoldingLine) -> str:
    """The cost in its currency; a holding bought in several shows its cost in base only."""
    if h.cost is not None:
        return f"{money(h.cost)} {h.cost_currency}"
    return "several currencies" if h.cost_base is not None else MISSING


def _by_holding(pdf: FPDF, s: Statement) -> None:
    if not s.by_holding:
        return
    section_heading(pdf, "Return attribution by holding (share of the portfolio's TWR)", keep_mm=30)
    effects = [
        e
        for e in ("local", "fx", "interaction", "total")
        if any(e in row for _, row in s.by_holding)
    ]
    labels = {
        "local": "Market (local)",
        "fx": "Currency (FX)",
        "interaction": "Interaction",
        "total": "Total",
    }
    draw_table(
        pdf,
        [Column("Holding", 40, "L"), *(Column(labels[e], 30) for e in effects)],
        [
            [name, *(percent(row.get(e), signed=True, places=3) for e in effects)]
            for name, row in s.by_holding
        ],
    )


# Any other answer ---------------------------------------------------------------------------


def _generic(pdf: FPDF, doc: ExportDocument) -> None:
    pdf.set_font("helvetica", "B", 16)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 9, latin1(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    section_heading(pdf, "Summary")
    figures = [(k, v) for k, v in doc.summary if ".conventions." not in f".{k}"]
    labelled_values(pdf, [(k, shown(kind_of(k), v)) for k, v in figures])
    for table in doc.tables:
        if doc.chart is not None and table.name == "chart":
            continue
        section_heading(pdf, table.name)
        _generic_table(pdf, table)


def _generic_table(pdf: FPDF, table: Table) -> None:
    order = table.columns
    rows = [
        [shown(k, v) for k, v in zip(row_kinds(table.name, order, row), row, strict=True)]
        for row in table.rows
    ]
    sample = [[latin1(t) for t in r] for r in rows[:200]]  # widths from the first rows
    pdf.set_font("helvetica", "B", TABLE_PT)
    bold = text_width_of(pdf)
    pdf.set_font("helvetica", "", TABLE_PT)
    plain = text_width_of(pdf)
    natural = [
        max(bold(latin1(c)), *(plain(r[j]) for r in sample)) + 2 * CELL_PAD + 3
        for j, c in enumerate(order)
    ]
    scale = min(1.0, pdf.epw / sum(natural)) if natural else 1.0
    numeric = [all(_numeric(r[j]) for r in sample if r[j] != MISSING) for j in range(len(order))]
    columns = [
        Column(c, w * scale, "R" if n else "L")
        for c, w, n in zip(order, natural, numeric, strict=True)
    ]
    draw_table(pdf, columns, rows)


def _numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace("%", "").lstrip("+-")
    return stripped.replace(".", "", 1).isdigit()


# Closing pages -----------------------------------------------------------------------------


def _conventions(doc: ExportDocument) -> list[tuple[str, str]]:
    """Each section's stated conventions once: a convention two steps state alike (periods
    restate the metrics') is listed under its name alone."""
    rows: dict[str, str] = {}
    for key, value in doc.summary:
        section, _, name = key.partition(".conventions.")
        if not name and key.startswith("conventions."):
            name = key.removeprefix("conventions.")
        if not name:
            continue
        text = display(value)
        if rows.get(name, text) == text:
            rows[name] = text
        else:
            rows[f"{section}: {name}"] = text
    return [*rows.items(), ("display", DISPLAY_CONVENTION)]


def _closing(pdf: FPDF, doc: ExportDocument, mark: str) -> None:
    section_heading(pdf, "Provenance", keep_mm=60)
    labelled_values(pdf, [(k, display(v)) for k, v in doc.provenance])
    section_heading(pdf, "Attributions")
    labelled_values(pdf, list(doc.attributions))
    section_heading(pdf, "Watermark")
    labelled_values(
        pdf, [("notice", mark), ("verify", "dawsos watermark verify FILE (exit 0: authentic)")]
    )
    section_heading(pdf, "Conventions")
    labelled_values(pdf, _conventions(doc))
