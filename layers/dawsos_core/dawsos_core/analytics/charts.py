"""``charts.overview``: chart-ready series of a window, and the PNG used in reports.

matplotlib (Agg backend) is imported only when a PNG is rendered: it costs a Lambda's init
half a second and only exports draw charts.
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.analytics.returns import DailyReturns, ValuationSeries


class OverviewChart(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    base_currency: str
    dates: list[dt.date]
    value: list[float]
    # The external flows counted on each day, in base: IN_t at its start, OUT_t at its end.
    flow_in: list[float] = Field(default_factory=list)
    flow_out: list[float] = Field(default_factory=list)
    cumulative_twr: list[float]
    drawdown: list[float]
    attribution: dict[str, float]


def overview_chart(
    title: str,
    base_currency: str,
    series: ValuationSeries,
    daily: DailyReturns,
    attribution: dict[str, float],
) -> OverviewChart:
    wealth = np.concatenate(([1.0], np.cumprod(1.0 + daily.returns)))
    drawdown = wealth / np.maximum.accumulate(wealth) - 1.0
    return OverviewChart(
        title=title,
        base_currency=base_currency,
        dates=list(series.dates),
        value=[float(v) for v in series.values],
        flow_in=[float(v) for v in series.flow_in],
        flow_out=[float(v) for v in series.flow_out],
        cumulative_twr=[float(w - 1.0) for w in wealth],
        drawdown=[float(d) for d in drawdown],
        attribution=attribution,
    )


def render_png(chart: OverviewChart, *, width_in: float = 9.0, height_in: float = 7.0) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, middle, bottom) = plt.subplots(
        3, 1, figsize=(width_in, height_in), gridspec_kw={"height_ratios": [3, 2, 2]}
    )
    try:
        top.plot(chart.dates, chart.value, color="#1f4e79")
        top.set_title(chart.title)
        top.set_ylabel(f"value ({chart.base_currency})")
        middle.plot(chart.dates, [100 * x for x in chart.cumulative_twr], label="cumulative TWR")
        middle.fill_between(
            chart.dates,
            [100 * x for x in chart.drawdown],
            0,
            color="#c0392b",
            alpha=0.3,
            label="drawdown",
        )
        middle.set_ylabel("%")
        middle.legend(loc="upper left", fontsize="small")
        names = list(chart.attribution)
        bottom.bar(names, [100 * chart.attribution[n] for n in names], color="#2e86c1")
        bottom.set_ylabel("% of return")
        bottom.set_title("currency attribution (Carino-linked)", fontsize="small")
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
    finally:
        plt.close(fig)
