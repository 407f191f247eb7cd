"""PDF report (fpdf2, imported here only), laid out like a broker's statement.

A portfolio overview reads: page one, the summary (portfolio, as-of date, market value and
unrealised gain in base, the window's returns, period returns, headline risk, the value
chart with flows marked, the largest holdings); then the performance charts (value,
cumulative TWR over drawdown, the return decomposition in a fixed order, drawn as vector
graphics by ``exports.plots``: no plotting library is imported) and its table; the holdings
with units, price, FX rate, value, cost, cost in base, unrealised gain and weight, with
totals; the attribution by holding when the answer has one; last, the conventions, the
provenance, the attributions and how to verify the file. Any other answer gets its
summary and tables in reading order, then the same closing pages. Figures are shown at
display precision (``exports.numbers``); every page's footer carries the visible
watermark, and the signed token is in the document's metadata.

fpdf2's core fonts are Latin-1, so text outside it is shown with a "?" in its place.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dawsos_core.exports.columns import kind_of, row_kinds
from dawsos_core.exports.document import DISPLAY_CONVENTION, ExportDocument, Table, display
from dawsos_core.exports.numbers import MISSING, money, percent, rate, ratio, shown, units
from dawsos_core.exports.pdf_layout import (
    CELL_PAD,
    GREY,
    INK,
    MARGIN,
    NAVY,
    ROW_MM,
    RULE,
    TABLE_PT,
    ZEBRA,
    Column,
    draw_table,
    labelled_values,
    latin1,
    section_heading,
    sign_colour,
    text_width_of,
    tile,
)
from dawsos_core.exports.plots import Box, effects_chart, return_chart, value_chart
from dawsos_core.exports.statement import HoldingLine, Statement, statement_of
from dawsos_core.exports.watermark import Watermark

if TYPE_CHECKING:
    from fpdf import FPDF


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


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
        _summary_page(pdf, statement)
        _performance_page(pdf, statement)
        _holdings(pdf, statement)
        _by_holding(pdf, statement)
    else:
        _generic(pdf, doc)
    _closing(pdf, doc, mark)
    return bytes(pdf.output())


# The overview's pages ----------------------------------------------------------------------


def _summary_page(pdf: FPDF, s: Statement) -> None:
    _masthead(pdf, s)
    _figure_tiles(pdf, s)
    left = pdf.epw * 0.58
    top, after_periods = _period_returns(pdf, s, left)
    after_risk = _risk_panel(pdf, s, left, top)
    pdf.set_y(max(after_periods, after_risk))
    _value_overview(pdf, s)
    _largest_holdings(pdf, s)


def _masthead(pdf: FPDF, s: Statement) -> None:
    """The title, the as-of date, the portfolio and its window, over a rule."""
    pdf.set_font("helvetica", "B", 19)
    pdf.set_text_color(*NAVY)
    pdf.cell(pdf.epw * 0.6, 10, "Portfolio statement")
    pdf.set_font("helvetica", "B", 10)
    pdf.set_text_color(*INK)
    pdf.cell(
        pdf.epw * 0.4,
        10,
        latin1(f"As of {_long_date(s.as_of)}"),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("helvetica", "", 8.5)
    pdf.set_text_color(*GREY)
    subject = f"Portfolio {s.portfolio_id}  |  base currency {s.base_currency}"
    pdf.cell(pdf.epw * 0.6, 5, latin1(subject))
    pdf.cell(
        pdf.epw * 0.4,
        5,
        latin1(f"Window {s.start.isoformat()} to {s.end.isoformat()}"),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y() + 1.5, MARGIN + pdf.epw, pdf.get_y() + 1.5)
    pdf.set_line_width(0.2)
    pdf.set_text_color(*INK)


def _figure_tiles(pdf: FPDF, s: Statement) -> None:
    """Market value, unrealised gain, TWR and MWR, side by side."""
    base = s.base_currency
    m = s.metrics
    gap, y = 4.0, pdf.get_y() + 5
    w = (pdf.epw - 3 * gap) / 4
    invested = sum(1 for h in s.holdings if h.gain_pct is not None)
    gain = s.gain_base
    twr_annual = m.get("twr_annualized")
    tile(
        pdf,
        MARGIN,
        y,
        w,
        "Market value",
        f"{base} {money(s.value_base)}",
        f"{len(s.holdings)} holdings, cash included",
    )
    tile(
        pdf,
        MARGIN + (w + gap),
        y,
        w,
        "Unrealised gain",
        MISSING if gain is None else f"{base} {money(gain, signed=True)}",
        f"{percent(s.gain_pct, signed=True)} on the cost of {invested} positions"
        if gain is not None
        else "no cost in this answer",
        sign_colour(None if gain is None else float(gain)),
    )
    tile(
        pdf,
        MARGIN + 2 * (w + gap),
        y,
        w,
        "Time-weighted return",
        percent(m.get("twr"), signed=True),
        f"annualised {percent(twr_annual, signed=True)}"
        if twr_annual is not None
        else f"over the window, {m.get('returns')} days",
        sign_colour(m.get("twr")),
    )
    tile(
        pdf,
        MARGIN + 3 * (w + gap),
        y,
        w,
        "Money-weighted return",
        percent(m.get("mwr"), signed=True),
        "XIRR, over the window",
        sign_colour(m.get("mwr")),
    )
    pdf.set_y(y + 25)


def _period_returns(pdf: FPDF, s: Statement, left: float) -> tuple[float, float]:
    """The period returns table in the left ``left`` mm; where it began and ended."""
    m = s.metrics
    top = pdf.get_y()
    section_heading(pdf, "Period returns")
    period_rows = [
        [
            p.name,
            MISSING if p.start is None else p.start.isoformat(),
            MISSING if p.end is None else p.end.isoformat(),
            percent(p.twr, signed=True),
            percent(p.mwr, signed=True),
            percent(p.volatility),
        ]
        for p in s.periods
        if p.reason is None
    ]
    draw_table(
        pdf,
        [
            Column("Period", 20, "L"),
            Column("From", 18, "L"),
            Column("To", 18, "L"),
            Column("TWR", 16),
            Column("MWR", 16),
            Column("Volatility", left - 88 - 4),
        ],
        period_rows
        or [
            [
                "window",
                s.start.isoformat(),
                s.end.isoformat(),
                percent(m.get("twr"), signed=True),
                percent(m.get("mwr"), signed=True),
                percent(m.get("volatility")),
            ]
        ],
    )
    uncovered = [p.name for p in s.periods if p.reason is not None]
    if uncovered:
        pdf.set_font("helvetica", "I", 6.5)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(
            left - 4,
            3,
            latin1(f"Not covered by the window's packs: {', '.join(uncovered)}."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*INK)
    return top, pdf.get_y()


def _risk_panel(pdf: FPDF, s: Statement, left: float, top: float) -> float:
    """Headline risk beside the period returns, from ``top``; where it ends."""
    m = s.metrics
    x = MARGIN + left + 2
    width = pdf.epw - left - 2
    pdf.set_xy(x, top + 2.5)
    pdf.set_font("helvetica", "B", 10.5)
    pdf.set_text_color(*NAVY)
    pdf.cell(width, 6, "Risk over the window", new_x="LEFT", new_y="NEXT")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.35)
    pdf.line(x, pdf.get_y(), x + width, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.set_text_color(*INK)
    pdf.ln(1.5)
    peak, trough = m.get("max_drawdown_peak"), m.get("max_drawdown_trough")
    risk = [
        ("Volatility (annualised)", percent(m.get("volatility"))),
        ("Sharpe ratio", ratio(m.get("sharpe"))),
        ("Sortino ratio", ratio(m.get("sortino"))),
        ("Maximum drawdown", percent(m.get("max_drawdown"))),
        ("  peak to trough", f"{peak or MISSING} to {trough or MISSING}"),
        ("  recovered", m.get("max_drawdown_recovery") or "not yet"),
        ("Risk-free rate", percent(m.get("conventions", {}).get("annual_risk_free", 0.0))),
    ]
    for i, (label, value) in enumerate(risk):
        pdf.set_x(x)
        pdf.set_fill_color(*ZEBRA)
        pdf.set_font("helvetica", "", TABLE_PT)
        pdf.cell(width * 0.55, ROW_MM, latin1(label), fill=i % 2 == 1)
        pdf.set_font("helvetica", "B", TABLE_PT)
        pdf.cell(
            width * 0.45,
            ROW_MM,
            latin1(value),
            align="R",
            fill=i % 2 == 1,
            new_x="LEFT",
            new_y="NEXT",
        )
        pdf.set_x(x)
    return pdf.get_y()


def _value_overview(pdf: FPDF, s: Statement) -> None:
    """The value chart with its flows marked, and the flows' totals."""
    if s.series is None:
        return
    base = s.base_currency
    section_heading(pdf, f"Value over the window ({base})", keep_mm=55)
    top = pdf.get_y()
    value_chart(pdf, Box(MARGIN, top, pdf.epw, 55), s.series, base, "")
    pdf.set_y(top + 56)
    flows_in, flows_out = sum(s.series.flow_in), sum(s.series.flow_out)
    pdf.set_font("helvetica", "", 6.5)
    pdf.set_text_color(*GREY)
    pdf.cell(
        0,
        3.5,
        latin1(
            f"External flows over the window: in {base} {money(flows_in)}, out "
            f"{base} {money(flows_out)} (inflows marked with an up triangle, outflows with a "
            "down one). Returns exclude them."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(*INK)


def _largest_holdings(pdf: FPDF, s: Statement) -> None:
    """The six largest holdings by value, with their gains; the rest are counted."""
    base = s.base_currency
    section_heading(pdf, "Largest holdings", keep_mm=30)
    top_holdings = s.holdings[:6]
    draw_table(
        pdf,
        [
            Column("Holding", 40, "L"),
            Column(f"Value ({base})", 36),
            Column("Weight", 24),
            Column(f"Unrealised ({base})", 40),
            Column("Unrealised %", pdf.epw - 140),
        ],
        [
            [
                h.commodity,
                money(h.value_base),
                percent(h.weight),
                money(h.gain_base, signed=True),
                percent(h.gain_pct, signed=True),
            ]
            for h in top_holdings
        ],
    )
    if len(s.holdings) > len(top_holdings):
        pdf.set_font("helvetica", "I", 6.5)
        pdf.set_text_color(*GREY)
        pdf.cell(
            0,
            3.5,
            latin1(f"{len(s.holdings) - len(top_holdings)} more holdings on the holdings pages."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*INK)


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
    section_heading(pdf, f"Holdings as of {_long_date(s.as_of)}, in {base}")
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
