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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from dawsos_core.exports.columns import kind_of, row_kinds
from dawsos_core.exports.document import DISPLAY_CONVENTION, ExportDocument, Table, display
from dawsos_core.exports.numbers import MISSING, money, percent, rate, ratio, shown, units
from dawsos_core.exports.plots import Box, effects_chart, return_chart, value_chart
from dawsos_core.exports.statement import HoldingLine, Statement, statement_of
from dawsos_core.exports.watermark import Watermark

if TYPE_CHECKING:
    from fpdf import FPDF

NAVY = (31, 59, 92)
INK = (17, 24, 39)
GREY = (107, 114, 128)
RULE = (209, 213, 219)
ZEBRA = (243, 244, 246)
TILE = (238, 242, 247)
GREEN = (30, 110, 50)
RED = (170, 45, 60)
MARGIN = 14.0
ROW_MM = 4.2
TABLE_PT = 7.0
_MM_PER_PT = 25.4 / 72


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # mm
    align: Literal["L", "R"] = "R"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def render_pdf(doc: ExportDocument, watermark: Watermark) -> bytes:
    from fpdf import FPDF

    statement = statement_of(doc)
    mark = _latin1(watermark.visible_text())
    first, _, rest = mark.partition(" | ")
    running = _latin1(
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
    pdf.set_title(_latin1(doc.title))
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


# Building blocks -------------------------------------------------------------------------


def _heading(pdf: FPDF, text: str, keep_mm: float = 20) -> None:
    """A section heading; it never ends a page, moving on with the ``keep_mm`` below it."""
    if pdf.get_y() + 9 + keep_mm > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2.5)
    pdf.set_font("helvetica", "B", 10.5)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.35)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + pdf.epw, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.set_text_color(*INK)
    pdf.ln(1.5)


def _table(
    pdf: FPDF,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    total: Sequence[str] | None = None,
    x: float = MARGIN,
) -> None:
    """Rows of cells under a header that repeats on every page the table runs onto, zebra
    striped, with an optional bold total row.

    Drawn with ``text`` and one ``rect`` a striped row, the widths measured from the core
    font's metrics: fpdf2's ``cell`` costs 20 microseconds a figure, which made a 500-holding
    report's tables half its time."""
    width = sum(c.width for c in columns)

    def header() -> float:
        top = pdf.get_y()
        pdf.set_fill_color(*NAVY)
        pdf.rect(x, top, width, ROW_MM + 0.6, style="F")
        pdf.set_font("helvetica", "B", TABLE_PT)
        pdf.set_text_color(255, 255, 255)
        _cells(pdf, columns, [_latin1(c.title) for c in columns], x, top + 0.3)
        pdf.set_text_color(*INK)
        pdf.set_font("helvetica", "", TABLE_PT)
        pdf.set_fill_color(*ZEBRA)
        return top + ROW_MM + 0.6

    y = header()
    for i, row in enumerate(rows):
        if y + ROW_MM > pdf.page_break_trigger:
            pdf.add_page()
            y = header()
        if i % 2 == 1:
            pdf.rect(x, y, width, ROW_MM, style="F")
        _cells(pdf, columns, [_latin1(t) for t in row], x, y)
        y += ROW_MM
    if total is not None:
        if y + ROW_MM > pdf.page_break_trigger:
            pdf.add_page()
            y = header()
        pdf.set_draw_color(*INK)
        pdf.line(x, y, x + width, y)
        pdf.set_font("helvetica", "B", TABLE_PT)
        _cells(pdf, columns, [_latin1(t) for t in total], x, y + 0.2)
        pdf.set_font("helvetica", "", TABLE_PT)
        y += ROW_MM + 0.4
    pdf.set_y(y)


_PAD = 1.2


def _measure(pdf: FPDF) -> Callable[[str], float]:
    """The width in mm of a Latin-1 text in the current core font, from its metrics (what
    ``get_string_width`` computes, without its per-call overhead)."""
    widths = cast("dict[str, int]", getattr(pdf.current_font, "cw"))  # noqa: B009
    scale = pdf.font_size_pt / 1000 * _MM_PER_PT

    def width(text: str) -> float:
        return sum(map(widths.__getitem__, text)) * scale

    return width


def _cells(pdf: FPDF, columns: Sequence[Column], texts: Sequence[str], x: float, y: float) -> None:
    """One row's texts in their columns at ``y`` (the row's top), in the current font, each
    cut with ".." where it would overflow its column."""
    measure = _measure(pdf)
    baseline = y + ROW_MM * 0.7
    for column, text in zip(columns, texts, strict=True):
        room = column.width - 2 * _PAD
        shown = text
        used = measure(shown)
        while used > room and len(shown) > 3:
            shown = shown[:-3] + ".."
            used = measure(shown)
        left = x + column.width - _PAD - used if column.align == "R" else x + _PAD
        pdf.text(left, baseline, shown)
        x += column.width


def _pairs(pdf: FPDF, rows: Sequence[tuple[str, str]], key_mm: float = 42) -> None:
    """Labelled values, each value wrapped in the column beside its label (wrapped here
    from the font's metrics: ``multi_cell`` made the closing pages a third of a report's
    time)."""
    line = 3.4
    for key, value in rows:
        pdf.set_font("helvetica", "", 7)
        lines = _wrap(pdf, _latin1(value), pdf.epw - key_mm)
        y = pdf.get_y()
        if y + line * min(len(lines), 3) > pdf.page_break_trigger:
            pdf.add_page()
            y = pdf.get_y()
        pdf.set_font("helvetica", "B", 7)
        pdf.text(MARGIN, y + line * 0.75, _latin1(key)[:40])
        pdf.set_font("helvetica", "", 7)
        for text in lines:
            if y + line > pdf.page_break_trigger:
                pdf.add_page()
                y = pdf.get_y()
            pdf.text(MARGIN + key_mm, y + line * 0.75, text)
            y += line
        pdf.set_y(y + 0.8)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` in the current font (a
    word wider than a line is cut)."""
    measure = _measure(pdf)
    space = measure(" ")
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split(" "):
        size = measure(word)
        if current and used + space + size > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
        while size > width and len(word) > 1:
            cut = max(1, int(len(word) * width / size))
            lines.append(word[:cut])
            word = word[cut:]
            size = measure(word)
        used += (space if current else 0.0) + size
        current.append(word)
    lines.append(" ".join(current))
    return lines


def _tile(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    label: str,
    value: str,
    note: str,
    colour: tuple[int, int, int] = INK,
) -> None:
    pdf.set_fill_color(*TILE)
    pdf.rect(x, y, w, 21, style="F")
    pdf.set_fill_color(*NAVY)
    pdf.rect(x, y, 1.2, 21, style="F")
    pdf.set_xy(x + 4, y + 2.5)
    pdf.set_font("helvetica", "", 7)
    pdf.set_text_color(*GREY)
    pdf.cell(w - 6, 4, _latin1(label.upper()))
    pdf.set_xy(x + 4, y + 7.5)
    size = 13.0
    pdf.set_font("helvetica", "B", size)
    while size > 8 and pdf.get_string_width(_latin1(value)) > w - 6:  # a large value fits
        size -= 0.5
        pdf.set_font("helvetica", "B", size)
    pdf.set_text_color(*colour)
    pdf.cell(w - 6, 6.5, _latin1(value))
    pdf.set_xy(x + 4, y + 14.5)
    pdf.set_font("helvetica", "", 7)
    pdf.set_text_color(*GREY)
    pdf.cell(w - 6, 4, _latin1(note))
    pdf.set_text_color(*INK)


def _sign_colour(value: float | None) -> tuple[int, int, int]:
    if value is None or value == 0:
        return INK
    return GREEN if value > 0 else RED


# The overview's pages ----------------------------------------------------------------------


def _summary_page(pdf: FPDF, s: Statement) -> None:
    base = s.base_currency
    pdf.set_font("helvetica", "B", 19)
    pdf.set_text_color(*NAVY)
    pdf.cell(pdf.epw * 0.6, 10, "Portfolio statement")
    pdf.set_font("helvetica", "B", 10)
    pdf.set_text_color(*INK)
    pdf.cell(
        pdf.epw * 0.4,
        10,
        _latin1(f"As of {_long_date(s.as_of)}"),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("helvetica", "", 8.5)
    pdf.set_text_color(*GREY)
    pdf.cell(pdf.epw * 0.6, 5, _latin1(f"Portfolio {s.portfolio_id}  |  base currency {base}"))
    pdf.cell(
        pdf.epw * 0.4,
        5,
        _latin1(f"Window {s.start.isoformat()} to {s.end.isoformat()}"),
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y() + 1.5, MARGIN + pdf.epw, pdf.get_y() + 1.5)
    pdf.set_line_width(0.2)
    pdf.set_text_color(*INK)

    m = s.metrics
    gap, y = 4.0, pdf.get_y() + 5
    w = (pdf.epw - 3 * gap) / 4
    invested = sum(1 for h in s.holdings if h.gain_pct is not None)
    gain = s.gain_base
    twr_annual = m.get("twr_annualized")
    _tile(
        pdf,
        MARGIN,
        y,
        w,
        "Market value",
        f"{base} {money(s.value_base)}",
        f"{len(s.holdings)} holdings, cash included",
    )
    _tile(
        pdf,
        MARGIN + (w + gap),
        y,
        w,
        "Unrealised gain",
        MISSING if gain is None else f"{base} {money(gain, signed=True)}",
        f"{percent(s.gain_pct, signed=True)} on the cost of {invested} positions"
        if gain is not None
        else "no cost in this answer",
        _sign_colour(None if gain is None else float(gain)),
    )
    _tile(
        pdf,
        MARGIN + 2 * (w + gap),
        y,
        w,
        "Time-weighted return",
        percent(m.get("twr"), signed=True),
        f"annualised {percent(twr_annual, signed=True)}"
        if twr_annual is not None
        else f"over the window, {m.get('returns')} days",
        _sign_colour(m.get("twr")),
    )
    _tile(
        pdf,
        MARGIN + 3 * (w + gap),
        y,
        w,
        "Money-weighted return",
        percent(m.get("mwr"), signed=True),
        "XIRR, over the window",
        _sign_colour(m.get("mwr")),
    )
    pdf.set_y(y + 25)

    left = pdf.epw * 0.58
    top = pdf.get_y()
    _heading(pdf, "Period returns")
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
    _table(
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
            _latin1(f"Not covered by the window's packs: {', '.join(uncovered)}."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*INK)
    after_periods = pdf.get_y()

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
        pdf.cell(width * 0.55, ROW_MM, _latin1(label), fill=i % 2 == 1)
        pdf.set_font("helvetica", "B", TABLE_PT)
        pdf.cell(
            width * 0.45,
            ROW_MM,
            _latin1(value),
            align="R",
            fill=i % 2 == 1,
            new_x="LEFT",
            new_y="NEXT",
        )
        pdf.set_x(x)
    pdf.set_y(max(after_periods, pdf.get_y()))

    if s.series is not None:
        _heading(pdf, f"Value over the window ({base})", keep_mm=55)
        top = pdf.get_y()
        value_chart(pdf, Box(MARGIN, top, pdf.epw, 55), s.series, base, "")
        pdf.set_y(top + 56)
        flows_in, flows_out = sum(s.series.flow_in), sum(s.series.flow_out)
        pdf.set_font("helvetica", "", 6.5)
        pdf.set_text_color(*GREY)
        pdf.cell(
            0,
            3.5,
            _latin1(
                f"External flows over the window: in {base} {money(flows_in)}, out "
                f"{base} {money(flows_out)} (inflows marked with an up triangle, outflows with a "
                "down one). Returns exclude them."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*INK)

    _heading(pdf, "Largest holdings", keep_mm=30)
    top_holdings = s.holdings[:6]
    _table(
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
            _latin1(f"{len(s.holdings) - len(top_holdings)} more holdings on the holdings pages."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(*INK)


def _performance_page(pdf: FPDF, s: Statement) -> None:
    if s.series is None and not s.effects:
        return
    pdf.add_page()
    _heading(pdf, f"Performance, {s.start.isoformat()} to {s.end.isoformat()}")
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
        _heading(pdf, "Return decomposition", keep_mm=40)
        top = pdf.get_y()
        _table(
            pdf,
            [Column("Effect", 60, "L"), Column("Contribution", 30)],
            [[label, percent(v, signed=True, places=3)] for _, label, v in s.effects[:-1]],
            total=[s.effects[-1][1], percent(s.effects[-1][2], signed=True, places=3)],
        )
        below = pdf.get_y()
        if s.by_class:  # income and costs by class, beside the decomposition
            pdf.set_y(top)
            _table(
                pdf,
                [Column("Income and costs by class", 60, "L"), Column("Contribution", 30)],
                [[name, percent(v, signed=True, places=3)] for name, v in s.by_class],
                x=MARGIN + pdf.epw - 90,
            )
        pdf.set_y(max(below, pdf.get_y()))


def _holdings(pdf: FPDF, s: Statement) -> None:
    base = s.base_currency
    pdf.add_page()
    _heading(pdf, f"Holdings as of {_long_date(s.as_of)}, in {base}")
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
    _table(pdf, columns, rows, total=total)
    pdf.set_font("helvetica", "", 6.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        3,
        _latin1(
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
    _heading(pdf, "Return attribution by holding (share of the portfolio's TWR)", keep_mm=30)
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
    _table(
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
    pdf.cell(0, 9, _latin1(doc.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    _heading(pdf, "Summary")
    figures = [(k, v) for k, v in doc.summary if ".conventions." not in f".{k}"]
    _pairs(pdf, [(k, shown(kind_of(k), v)) for k, v in figures])
    for table in doc.tables:
        if doc.chart is not None and table.name == "chart":
            continue
        _heading(pdf, table.name)
        _generic_table(pdf, table)


def _generic_table(pdf: FPDF, table: Table) -> None:
    order = table.columns
    rows = [
        [shown(k, v) for k, v in zip(row_kinds(table.name, order, row), row, strict=True)]
        for row in table.rows
    ]
    sample = [[_latin1(t) for t in r] for r in rows[:200]]  # widths from the first rows
    pdf.set_font("helvetica", "B", TABLE_PT)
    bold = _measure(pdf)
    pdf.set_font("helvetica", "", TABLE_PT)
    plain = _measure(pdf)
    natural = [
        max(bold(_latin1(c)), *(plain(r[j]) for r in sample)) + 2 * _PAD + 3
        for j, c in enumerate(order)
    ]
    scale = min(1.0, pdf.epw / sum(natural)) if natural else 1.0
    numeric = [all(_numeric(r[j]) for r in sample if r[j] != MISSING) for j in range(len(order))]
    columns = [
        Column(c, w * scale, "R" if n else "L")
        for c, w, n in zip(order, natural, numeric, strict=True)
    ]
    _table(pdf, columns, rows)


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
    _heading(pdf, "Provenance", keep_mm=60)
    _pairs(pdf, [(k, display(v)) for k, v in doc.provenance])
    _heading(pdf, "Attributions")
    _pairs(pdf, list(doc.attributions))
    _heading(pdf, "Watermark")
    _pairs(pdf, [("notice", mark), ("verify", "dawsos watermark verify FILE (exit 0: authentic)")])
    _heading(pdf, "Conventions")
    _pairs(pdf, _conventions(doc))
