"""Daily returns with the pinned flow timing, TWR, annualisation and MWR (XIRR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dawsos_core.analytics.conventions import ANNUALISE_FROM_DAYS, PERIODS_PER_YEAR
from dawsos_core.errors import Unprocessable

Floats = npt.NDArray[np.float64]
DAYS_PER_YEAR = 365  # XIRR's day count: actual/365


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


def _cash_flows(series: ValuationSeries) -> tuple[list[dt.date], list[float]]:
    """The investor's cash flows: -V_start, -IN and +OUT on their days, +V_end."""
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
    return dates, amounts


# Growth factors (1 + rate) searched for the rates that zero the cash flows' NPV: from a
# loss of 99.99% to a gain of a million percent a year.
_GROWTH_GRID = np.geomspace(1e-4, 1e4, 4001)


def xirr_rates(dates: list[dt.date], amounts: list[float]) -> list[float]:
    """Every annual rate (actual/365) at which the cash flows' NPV is zero, ascending:
    each sign change of the NPV over the growth grid, refined by bisection."""
    years = np.array([(d - dates[0]).days / DAYS_PER_YEAR for d in dates])
    cash = np.array(amounts)

    def npv(growth: Floats) -> Floats:
        return (cash[None, :] * growth[:, None] ** -years[None, :]).sum(axis=1)  # type: ignore[no-any-return]

    values = npv(_GROWTH_GRID)
    signs = np.sign(values)
    rates = [float(g - 1.0) for g in _GROWTH_GRID[signs == 0]]  # a root on the grid itself
    for i in np.nonzero(signs[:-1] * signs[1:] < 0)[0]:
        low, high = _GROWTH_GRID[i], _GROWTH_GRID[i + 1]
        low_sign = np.sign(values[i])
        for _ in range(200):
            middle = (low + high) / 2
            if np.sign(npv(np.array([middle]))[0]) == low_sign:
                low = middle
            else:
                high = middle
        rates.append(float((low + high) / 2 - 1.0))
    return sorted(rates)


@dataclass(frozen=True)
class MoneyWeighted:
    """The money-weighted return of a window (XIRR, actual/365): cumulative over the
    window, and annualised only for windows of 365 days or more, as TWR. Null with the
    reason when no rate, or more than one, solves the cash flows."""

    cumulative: float | None
    annualized: float | None
    reason: str | None


def money_weighted(series: ValuationSeries) -> MoneyWeighted:
    days = (series.dates[-1] - series.dates[0]).days
    rate = mwr(series)
    if rate is None:
        rates = xirr_rates(*_cash_flows(series))
        reason = (
            "no rate solves the cash flows"
            if not rates
            else "several rates solve the cash flows: " + ", ".join(f"{r:.6g}" for r in rates)
        )
        return MoneyWeighted(None, None, reason)
    cumulative = float((1.0 + rate) ** (days / DAYS_PER_YEAR) - 1.0)
    return MoneyWeighted(cumulative, rate if days >= ANNUALISE_FROM_DAYS else None, None)


def mwr(series: ValuationSeries) -> float | None:
    """The annual XIRR (actual/365) of the investor's cash flows: None unless exactly one
    rate solves them."""
    from pyxirr import InvalidPaymentsError, xirr

    dates, amounts = _cash_flows(series)
    rates = xirr_rates(dates, amounts)
    if len(rates) != 1:
        return None
    try:
        rate = xirr(dates, amounts)
    except InvalidPaymentsError:
        rate = None
    # pyxirr's Newton steps land on the one root, more precisely than the bisection
    if rate is None or abs(rate - rates[0]) > 1e-6 * max(1.0, abs(rates[0])):
        return rates[0]
    return float(rate)
