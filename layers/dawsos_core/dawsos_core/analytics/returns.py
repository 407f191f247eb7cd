"""Daily returns with the pinned flow timing, TWR, annualisation and MWR (XIRR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dawsos_core.analytics.conventions import ANNUALISE_FROM_DAYS, PERIODS_PER_YEAR
from dawsos_core.errors import Unprocessable

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ValuationSeries:
    """End-of-day values in base, with the external flows counted on each day."""

    dates: list[dt.date]
    values: Floats
    flow_in: Floats
    flow_out: Floats

    def __post_init__(self) -> None:
        n = len(self.dates)
        if not (len(self.values) == len(self.flow_in) == len(self.flow_out) == n):
            raise ValueError("valuation series columns differ in length")


@dataclass(frozen=True)
class DailyReturns:
    dates: list[dt.date]  # the day each return ends on
    returns: Floats
    zero_denominator_dates: list[dt.date]


def daily_returns(series: ValuationSeries) -> DailyReturns:
    """r_t = (V_t + OUT_t) / (V_{t-1} + IN_t) - 1 for every day after the first."""
    if len(series.dates) < 2:
        raise Unprocessable("a window needs at least two valuations (one daily return)")
    start = series.values[:-1] + series.flow_in[1:]
    end = series.values[1:] + series.flow_out[1:]
    zero = start == 0
    safe = np.where(zero, 1.0, start)
    returns = np.where(zero, 0.0, end / safe - 1.0)
    flagged = [d for d, z in zip(series.dates[1:], zero, strict=True) if z]
    return DailyReturns(series.dates[1:], returns, flagged)


def twr(returns: Floats) -> float:
    return float(np.prod(1.0 + returns) - 1.0)


def annualised_twr(returns: Floats, start: dt.date, end: dt.date) -> float | None:
    """None for windows under a year: an annualised figure would overstate them."""
    if (end - start).days < ANNUALISE_FROM_DAYS or len(returns) == 0:
        return None
    growth = 1.0 + twr(returns)
    if growth <= 0:
        return -1.0
    return float(growth ** (PERIODS_PER_YEAR / len(returns)) - 1.0)


def mwr(series: ValuationSeries) -> float | None:
    """XIRR (actual/365) of the investor's cash flows; None when it has no solution."""
    from pyxirr import InvalidPaymentsError, xirr

    dates = [series.dates[0]]
    amounts = [-float(series.values[0])]
    for day, inflow, outflow in zip(
        series.dates[1:], series.flow_in[1:], series.flow_out[1:], strict=True
    ):
        if inflow or outflow:
            dates.append(day)
            amounts.append(float(outflow) - float(inflow))
    dates.append(series.dates[-1])
    amounts.append(float(series.values[-1]))
    try:
        rate = xirr(dates, amounts)
    except InvalidPaymentsError:
        return None
    return None if rate is None else float(rate)
