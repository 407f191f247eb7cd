"""The PDF's charts, drawn with matplotlib's object API (imported here only, never pyplot):
a small value chart for the first page and the performance figure (value, cumulative TWR
and drawdown, the return decomposition), external flows marked on the value lines.

Each chart is handed to the PDF as raw RGB pixels (a PIL image), not as a PNG: encoding a
PNG only for fpdf2 to decode it again cost a third of the chart's time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dawsos_core.exports.statement import Series

if TYPE_CHECKING:
    from PIL.Image import Image

NAVY = "#1f3b5c"
TEAL = "#2a7f9e"
GREEN = "#2e7d32"
RED = "#b23a48"
GREY = "#6b7280"
LIGHT = "#e5e7eb"
DPI = 150  # sharp on screen and in print at the PDF's sizes; 200 cost 40% more


def _figure(width_in: float, height_in: float) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), dpi=DPI)
    return figure, FigureCanvasAgg(figure)


def _pixels(canvas: Any) -> Image:
    from PIL import Image

    canvas.draw()
    width, height = canvas.get_width_height()
    rgba = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    return rgba.convert("RGB")  # opaque: no alpha mask for fpdf2 to compress


def _style(axes: Any, *, percent: bool | None = False) -> None:
    """Quiet axes; the y axis formatted as percentages, as amounts, or (None) left alone."""
    from matplotlib.ticker import FuncFormatter

    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GREY)
    axes.tick_params(labelsize=6.5, colors="#374151", length=2.5)
    axes.grid(axis="y", color=LIGHT, linewidth=0.6)
    axes.set_axisbelow(True)
    if percent:
        axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:.0f}%"))
    elif percent is not None:
        axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.0f}"))


def _dates(axes: Any) -> None:
    from matplotlib.dates import AutoDateLocator, DateFormatter

    axes.xaxis.set_major_locator(AutoDateLocator(minticks=4, maxticks=8))  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(DateFormatter("%b %Y"))  # type: ignore[no-untyped-call]


def _value_with_flows(axes: Any, series: Series, base_currency: str, *, legend: bool) -> None:
    axes.plot(series.dates, series.value, color=NAVY, linewidth=1.1)
    axes.fill_between(series.dates, series.value, min(series.value), color=NAVY, alpha=0.06)
    for flows, marker, colour, label in (
        (series.flow_in, "^", GREEN, "inflow"),
        (series.flow_out, "v", RED, "outflow"),
    ):
        days = [i for i, f in enumerate(flows) if f]
        if days:
            axes.scatter(
                [series.dates[i] for i in days],
                [series.value[i] for i in days],
                marker=marker,
                s=18,
                color=colour,
                zorder=3,
                label=label,
            )
    flowed = any(series.flow_in) or any(series.flow_out)
    axes.set_ylabel(f"value ({base_currency})", fontsize=7, color="#374151")
    axes.margins(x=0.01)
    _style(axes)
    _dates(axes)
    if legend and flowed:
        axes.legend(loc="upper left", fontsize=6.5, frameon=False, handletextpad=0.3)


def summary_chart(series: Series, base_currency: str, width_in: float, height_in: float) -> Image:
    """The value over the window, flows marked: the first page's chart."""
    figure, canvas = _figure(width_in, height_in)
    axes = figure.add_subplot()
    _value_with_flows(axes, series, base_currency, legend=True)
    figure.subplots_adjust(left=0.1, right=0.97, top=0.96, bottom=0.14)
    return _pixels(canvas)


def performance_chart(
    series: Series,
    effects: list[tuple[str, float]],
    base_currency: str,
    width_in: float,
    height_in: float,
) -> Image:
    """Value with flows, cumulative TWR over drawdown, and the decomposition as bars in the
    statement's fixed order (``effects``: label and fraction), the total last and dark."""
    figure, canvas = _figure(width_in, height_in)
    grid = figure.add_gridspec(3, 1, height_ratios=[3, 2.2, 2.4], hspace=0.5)
    top, middle, bottom = (figure.add_subplot(grid[i]) for i in range(3))
    _value_with_flows(top, series, base_currency, legend=True)
    top.set_title("Value in base, external flows marked", fontsize=8, loc="left", color=NAVY)

    middle.plot(
        series.dates,
        [100 * x for x in series.cumulative_twr],
        color=TEAL,
        linewidth=1.1,
        label="cumulative TWR",
    )
    middle.fill_between(
        series.dates,
        [100 * x for x in series.drawdown],
        0,
        color=RED,
        alpha=0.25,
        linewidth=0,
        label="drawdown",
    )
    middle.axhline(0, color=GREY, linewidth=0.6)
    middle.margins(x=0.01)
    _style(middle, percent=True)
    _dates(middle)
    middle.legend(loc="upper left", fontsize=6.5, frameon=False, ncols=2)
    middle.set_title("Time-weighted return and drawdown", fontsize=8, loc="left", color=NAVY)

    labels = [label for label, _ in effects]
    values = [100 * value for _, value in effects]
    colours = [
        NAVY if i == len(effects) - 1 else (GREEN if v >= 0 else RED) for i, v in enumerate(values)
    ]
    positions = list(range(len(effects)))[::-1]  # the first effect on top, the total last
    bottom.barh(positions, values, color=colours, height=0.62)
    bottom.set_yticks(positions, labels)
    bottom.axvline(0, color=GREY, linewidth=0.6)
    span = max((abs(v) for v in values), default=1.0) or 1.0
    for y, v in zip(positions, values, strict=True):
        bottom.text(
            v + (0.015 * span if v >= 0 else -0.015 * span),
            y,
            f"{v:+.2f}%",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=6.5,
            color="#111827",
        )
    low, high = min(0.0, *values), max(0.0, *values)
    bottom.set_xlim(low - 0.22 * span, high + 0.22 * span)
    _style(bottom, percent=None)
    bottom.grid(False)
    bottom.grid(axis="x", color=LIGHT, linewidth=0.6)
    from matplotlib.ticker import FuncFormatter

    bottom.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.1f}%"))
    bottom.set_title(
        "Return decomposition over the window (Carino-linked, sums to the TWR)",
        fontsize=8,
        loc="left",
        color=NAVY,
    )
    figure.subplots_adjust(left=0.15, right=0.96, top=0.96, bottom=0.04)
    return _pixels(canvas)
