"""charts.overview: series consistent with the metrics, and a real PNG."""

from __future__ import annotations

import datetime as dt
import struct
import subprocess
import sys

import numpy as np
import pytest

from dawsos_core.analytics.charts import overview_chart, render_png
from dawsos_core.analytics.returns import ValuationSeries, daily_returns, twr
from dawsos_core.analytics.risk import max_drawdown


def make_chart():  # type: ignore[no-untyped-def]
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(6)]
    values = np.array([100.0, 110.0, 88.0, 92.4, 115.5, 116.0])
    zeros = np.zeros(6)
    series = ValuationSeries(dates, values, zeros, zeros)
    daily = daily_returns(series)
    attribution = {"local": 0.12, "fx": 0.03, "interaction": 0.01, "total": 0.16}
    return series, daily, overview_chart("demo", "CAD", series, daily, attribution)


def test_series_agree_with_the_metrics() -> None:
    series, daily, chart = make_chart()

    assert chart.cumulative_twr[0] == 0.0
    assert chart.cumulative_twr[-1] == pytest.approx(twr(daily.returns))
    assert min(chart.drawdown) == pytest.approx(
        max_drawdown(series.dates[0], daily.dates, daily.returns).max_drawdown
    )
    assert len(chart.dates) == len(chart.value) == len(chart.drawdown)


def test_the_flows_are_marked_on_their_days() -> None:
    """Given a deposit counted on the third day and a withdrawal on the fifth, the chart
    carries each on its own day, in base."""
    dates = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(6)]
    flow_in = np.array([0.0, 0.0, 50.0, 0.0, 0.0, 0.0])
    flow_out = np.array([0.0, 0.0, 0.0, 0.0, 20.0, 0.0])
    values = np.array([100.0, 101.0, 152.0, 153.0, 134.0, 135.0])
    series = ValuationSeries(dates, values, flow_in, flow_out)

    chart = overview_chart("demo", "CAD", series, daily_returns(series), {})

    assert chart.flow_in == [0.0, 0.0, 50.0, 0.0, 0.0, 0.0]
    assert chart.flow_out == [0.0, 0.0, 0.0, 0.0, 20.0, 0.0]


def test_png_is_a_real_image() -> None:
    _, _, chart = make_chart()

    png = render_png(chart, width_in=6, height_in=4)

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (600, 400)


def test_matplotlib_is_not_imported_until_a_png_is_drawn() -> None:
    code = (
        "import sys, dawsos_core.analytics.performance, dawsos_core.analytics.charts;"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "False"
