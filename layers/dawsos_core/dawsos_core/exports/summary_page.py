"""Page one of an overview's PDF statement: the masthead (portfolio, as-of date, window),
four figure tiles (market value, unrealised gain, TWR, MWR), the period returns beside the
headline risk, the value chart with its external flows marked, and the largest holdings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dawsos_core.exports.numbers import MISSING, long_date, money, percent, ratio
from dawsos_core.exports.pdf_layout import (
    GREY,
    INK,
    MARGIN,
    NAVY,
    ROW_MM,
    TABLE_PT,
    ZEBRA,
    Column,
    draw_table,
    latin1,
    section_heading,
    sign_colour,
    tile,
)
from dawsos_core.exports.plots import Box, value_chart
from dawsos_core.exports.statement import Statement

if TYPE_CHECKING:
    from fpdf import FPDF


def summary_page(pdf: FPDF, s: Statement) -> None:
    """Page one of an overview's statement, top to bottom."""
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
        latin1(f"As of {long_date(s.as_of)}"),
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
