"""The PDF's building blocks on fpdf2: its palette, a section heading that never ends a
page, tables drawn from the core font's metrics (a header repeated on each page they run
onto, zebra rows, a total), labelled values wrapped beside their labels, and the summary's
figure tiles. Text is Latin-1 (fpdf2's core fonts): what lies outside it shows as "?"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

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


def latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # mm
    align: Literal["L", "R"] = "R"


def section_heading(pdf: FPDF, text: str, keep_mm: float = 20) -> None:
    """A section heading; it never ends a page, moving on with the ``keep_mm`` below it."""
    if pdf.get_y() + 9 + keep_mm > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2.5)
    pdf.set_font("helvetica", "B", 10.5)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 6, latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.35)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + pdf.epw, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.set_text_color(*INK)
    pdf.ln(1.5)


def draw_table(
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
        draw_cells(pdf, columns, [latin1(c.title) for c in columns], x, top + 0.3)
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
        draw_cells(pdf, columns, [latin1(t) for t in row], x, y)
        y += ROW_MM
    if total is not None:
        if y + ROW_MM > pdf.page_break_trigger:
            pdf.add_page()
            y = header()
        pdf.set_draw_color(*INK)
        pdf.line(x, y, x + width, y)
        pdf.set_font("helvetica", "B", TABLE_PT)
        draw_cells(pdf, columns, [latin1(t) for t in total], x, y + 0.2)
        pdf.set_font("helvetica", "", TABLE_PT)
        y += ROW_MM + 0.4
    pdf.set_y(y)


CELL_PAD = 1.2


def text_width_of(pdf: FPDF) -> Callable[[str], float]:
    """The width in mm of a Latin-1 text in the current core font, from its metrics (what
    ``get_string_width`` computes, without its per-call overhead)."""
    widths = cast("dict[str, int]", getattr(pdf.current_font, "cw"))  # noqa: B009
    scale = pdf.font_size_pt / 1000 * _MM_PER_PT

    def width(text: str) -> float:
        return sum(map(widths.__getitem__, text)) * scale

    return width


def draw_cells(
    pdf: FPDF, columns: Sequence[Column], texts: Sequence[str], x: float, y: float
) -> None:
    """One row's texts in their columns at ``y`` (the row's top), in the current font, each
    cut with ".." where it would overflow its column."""
    measure = text_width_of(pdf)
    baseline = y + ROW_MM * 0.7
    for column, text in zip(columns, texts, strict=True):
        room = column.width - 2 * CELL_PAD
        shown = text
        used = measure(shown)
        while used > room and len(shown) > 3:
            shown = shown[:-3] + ".."
            used = measure(shown)
        left = x + column.width - CELL_PAD - used if column.align == "R" else x + CELL_PAD
        pdf.text(left, baseline, shown)
        x += column.width


def labelled_values(pdf: FPDF, rows: Sequence[tuple[str, str]], key_mm: float = 42) -> None:
    """Labelled values, each value wrapped in the column beside its label (wrapped here
    from the font's metrics: ``multi_cell`` made the closing pages a third of a report's
    time)."""
    line = 3.4
    for key, value in rows:
        pdf.set_font("helvetica", "", 7)
        lines = wrapped(pdf, latin1(value), pdf.epw - key_mm)
        y = pdf.get_y()
        if y + line * min(len(lines), 3) > pdf.page_break_trigger:
            pdf.add_page()
            y = pdf.get_y()
        pdf.set_font("helvetica", "B", 7)
        pdf.text(MARGIN, y + line * 0.75, latin1(key)[:40])
        pdf.set_font("helvetica", "", 7)
        for text in lines:
            if y + line > pdf.page_break_trigger:
                pdf.add_page()
                y = pdf.get_y()
            pdf.text(MARGIN + key_mm, y + line * 0.75, text)
            y += line
        pdf.set_y(y + 0.8)


def wrapped(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` in the current font (a
    word wider than a line is cut)."""
    measure = text_width_of(pdf)
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


def tile(
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
    pdf.cell(w - 6, 4, latin1(label.upper()))
    pdf.set_xy(x + 4, y + 7.5)
    size = 13.0
    pdf.set_font("helvetica", "B", size)
    while size > 8 and pdf.get_string_width(latin1(value)) > w - 6:  # a large value fits
        size -= 0.5
        pdf.set_font("helvetica", "B", size)
    pdf.set_text_color(*colour)
    pdf.cell(w - 6, 6.5, latin1(value))
    pdf.set_xy(x + 4, y + 14.5)
    pdf.set_font("helvetica", "", 7)
    pdf.set_text_color(*GREY)
    pdf.cell(w - 6, 4, latin1(note))
    pdf.set_text_color(*INK)


def sign_colour(value: float | None) -> tuple[int, int, int]:
    if value is None or value == 0:
        return INK
    return GREEN if value > 0 else RED
