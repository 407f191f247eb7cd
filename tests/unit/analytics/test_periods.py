"""Returns by period are cut from one series and chain: consecutive periods compound to
their union; a period the series does not cover is null with the reason."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from dawsos_core.analytics.performance import metrics_of
from dawsos_core.analytics.periods import Period, period_figures, periods_of
from dawsos_core.analytics.returns import ValuationSeries
from dawsos_core.calendar import weekdays

AS_OF = dt.date(2026, 10, 30)  # a Friday


def series(start: dt.date, end: dt.date, seed: int = 3) -> ValuationSeries:
    days = weekdays(start, end)
    rng = np.random.default_rng(seed)
    values = 1000 * np.cumprod(1 + rng.normal(0.0003, 0.01, len(days)))
    flow_in = np.zeros(len(days))
    flow_in[len(days) // 2] = 250.0  # a deposit half way
    values[len(days) // 2 :] += 250.0
    return ValuationSeries(days, values, flow_in, np.zeros(len(days)))


def test_the_standard_periods_and_the_calendar_years() -> None:
    periods = {p.name: p for p in periods_of(AS_OF, dt.date(2023, 3, 15))}

    assert periods["MTD"] == Period("MTD", dt.date(2026, 9, 30), AS_OF)
    assert periods["QTD"].opens == dt.date(2026, 9, 30)
    assert periods["YTD"].opens == dt.date(2025, 12, 31)
    assert periods["1y"].opens == dt.date(2025, 10, 30)
    assert periods["5y"].opens == dt.date(2021, 10, 30)
    assert [n for n in periods if n.isdigit()] == ["2025", "2024", "2023"]
    assert periods["2024"] == Period("2024", dt.date(2023, 12, 31), dt.date(2024, 12, 31))
    leap = {p.name: p for p in periods_of(dt.date(2028, 2, 29), dt.date(2027, 1, 1))}
    assert leap["1y"].opens == dt.date(2027, 2, 28)


def test_periods_chain_to_their_union_and_equal_their_own_window() -> None:
    inception = dt.date(2023, 3, 15)
    s = series(inception, AS_OF)

    figures = {f.period.name: f for f in period_figures(s, periods_of(AS_OF, inception), inception)}

    years = [figures[y].metrics.twr for y in ("2023", "2024", "2025")]  # type: ignore[union-attr]
    ytd = figures["YTD"].metrics.twr  # type: ignore[union-attr]
    since = figures["since inception"].metrics.twr  # type: ignore[union-attr]
    assert np.prod([1 + r for r in [*years, ytd]]) - 1 == pytest.approx(since, abs=1e-12)
    i = s.dates.index(dt.date(2025, 12, 31))
    alone, _ = metrics_of(
        ValuationSeries(s.dates[i:], s.values[i:], s.flow_in[i:], s.flow_out[i:]),
        dt.date(2025, 12, 31),
        AS_OF,
    )
    assert figures["YTD"].metrics == alone
    assert figures["2023"].note == "opens where the portfolio's history begins (2023-03-15)"
    assert figures["5y"].metrics.twr == pytest.approx(since, abs=1e-15)  # type: ignore[union-attr]


def test_a_period_before_the_valuations_is_null_with_the_reason() -> None:
    inception = dt.date(2022, 1, 3)
    s = series(dt.date(2025, 10, 30), AS_OF)  # packs only for the last year

    figures = {f.period.name: f for f in period_figures(s, periods_of(AS_OF, inception), inception)}

    assert figures["1y"].metrics is not None
    for name in ("3y", "5y", "since inception", "2024"):
        assert figures[name].metrics is None
        assert figures[name].reason == "no valuation before 2025-10-30: the packs begin there"


def test_the_day_is_the_last_weekdays_return() -> None:
    """Given a Monday as of, the day opens with Friday's valuation: its TWR is Monday's
    daily return."""
    monday = dt.date(2026, 11, 2)
    inception = dt.date(2026, 9, 1)
    s = series(inception, monday)

    figures = {
        f.period.name: f for f in period_figures(s, periods_of(monday, inception), inception)
    }

    day = figures["1d"]
    assert (day.start, day.end, day.returns) == (dt.date(2026, 10, 30), monday, 1)
    expected = (s.values[-1] + s.flow_out[-1]) / (s.values[-2] + s.flow_in[-1]) - 1
    assert day.metrics is not None
    assert day.metrics.twr == pytest.approx(expected, abs=1e-15)
