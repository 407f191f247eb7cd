"""Returns by period: the last day, month, quarter and year to date, the last one, three and
five years, since inception, and each calendar year, all cut from one valuation series.

The day ("1d", a portfolio's day change) is the last weekday's return: it opens with the
valuation of the weekday before ``as_of`` (Friday's for a Monday) and closes with ``as_of``'s.

A period opens with the valuation at the end of the day before it begins (rolled back to a
weekday) and closes with the valuation at the end of its last day (rolled back to a
weekday): the window convention. A period that opens before the portfolio's history
begins opens where it begins, and says so. Its figures are those of its sub-series, so
they chain: the product of consecutive periods' (1 + TWR) is the (1 + TWR) of their union.
A period the series does not cover has null figures and the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dawsos_core.analytics.performance import Metrics, metrics_of
from dawsos_core.analytics.returns import ValuationSeries
from dawsos_core.calendar import window_start


@dataclass(frozen=True)
class Period:
    name: str
    opens: dt.date  # the day whose closing valuation opens the period
    closes: dt.date


def _years_back(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def periods_of(as_of: dt.date, inception: dt.date) -> list[Period]:
    """The standard periods ending on ``as_of``, then each calendar year from the
    inception's through the last complete one, newest first."""
    month_start = as_of.replace(day=1)
    quarter_start = as_of.replace(month=3 * ((as_of.month - 1) // 3) + 1, day=1)
    year_start = as_of.replace(month=1, day=1)
    standard = [
        Period("1d", as_of - dt.timedelta(days=1), as_of),  # rolled back to a weekday
        Period("MTD", month_start - dt.timedelta(days=1), as_of),
        Period("QTD", quarter_start - dt.timedelta(days=1), as_of),
        Period("YTD", year_start - dt.timedelta(days=1), as_of),
        Period("1y", _years_back(as_of, 1), as_of),
        Period("3y", _years_back(as_of, 3), as_of),
        Period("5y", _years_back(as_of, 5), as_of),
        Period("since inception", inception, as_of),
    ]
    years = [
        Period(str(year), dt.date(year - 1, 12, 31), dt.date(year, 12, 31))
        for year in range(as_of.year - 1, inception.year - 1, -1)
    ]
    return standard + years


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    start: dt.date | None  # the valuations used, when the series covers the period
    end: dt.date | None
    returns: int
    metrics: Metrics | None
    reason: str | None  # why the figures are null
    note: str | None = None  # why the period opens later than it would


def period_figures(
    series: ValuationSeries,
    periods: list[Period],
    inception: dt.date,
    annual_risk_free: float = 0.0,
) -> list[PeriodFigures]:
    index = {day: i for i, day in enumerate(series.dates)}
    first = series.dates[0]
    out = []
    for period in periods:
        note = None
        if period.opens < inception:
            note = f"opens where the portfolio's history begins ({inception})"
        opens = window_start(max(period.opens, inception))
        closes = window_start(period.closes)
        if opens < first:
            reason = f"no valuation before {first}: the packs begin there"
        elif closes not in index or opens not in index or opens >= closes:
            reason = f"no valuation of {closes} after {opens}"
        else:
            reason = None
        if reason is not None:
            out.append(PeriodFigures(period, None, None, 0, None, reason))
            continue
        i, j = index[opens], index[closes] + 1
        sub = ValuationSeries(
            series.dates[i:j], series.values[i:j], series.flow_in[i:j], series.flow_out[i:j]
        )
        metrics, _ = metrics_of(sub, opens, closes, annual_risk_free)
        out.append(PeriodFigures(period, opens, closes, j - i - 1, metrics, None, note))
    return out
