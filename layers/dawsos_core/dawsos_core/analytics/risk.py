"""Risk of a daily return series: volatility, Sharpe, Sortino, maximum drawdown."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from dawsos_core.analytics.conventions import DDOF, PERIODS_PER_YEAR
from dawsos_core.analytics.returns import Floats

SQRT_PERIODS = math.sqrt(PERIODS_PER_YEAR)


def daily_risk_free(annual_rate: float) -> float:
    return float((1.0 + annual_rate) ** (1.0 / PERIODS_PER_YEAR) - 1.0)


def volatility(returns: Floats) -> float | None:
    if len(returns) <= DDOF:
        return None
    return float(np.std(returns, ddof=DDOF) * SQRT_PERIODS)


def sharpe(returns: Floats, annual_risk_free: float = 0.0) -> float | None:
    if len(returns) <= DDOF:
        return None
    excess = returns - daily_risk_free(annual_risk_free)
    spread = np.std(excess, ddof=DDOF)
    return None if spread == 0 else float(np.mean(excess) / spread * SQRT_PERIODS)


def sortino(returns: Floats, annual_risk_free: float = 0.0) -> float | None:
    """Null below two returns, as volatility and Sharpe (where empyrical gives NaN)."""
    if len(returns) <= DDOF:
        return None
    excess = returns - daily_risk_free(annual_risk_free)
    downside = math.sqrt(float(np.mean(np.square(np.minimum(excess, 0.0))))) * SQRT_PERIODS
    return None if downside == 0 else float(np.mean(excess) * PERIODS_PER_YEAR / downside)


@dataclass(frozen=True)
class Drawdown:
    max_drawdown: float  # a negative fraction, 0.0 when the index never fell
    peak_date: dt.date | None
    trough_date: dt.date | None
    recovery_date: dt.date | None  # first day back at the peak, None if not yet


def max_drawdown(start: dt.date, dates: list[dt.date], returns: Floats) -> Drawdown:
    """On the wealth index that starts at 1.0 on ``start``, before the first return."""
    wealth = np.concatenate(([1.0], np.cumprod(1.0 + returns)))
    days = [start, *dates]
    peaks = np.maximum.accumulate(wealth)
    drawdowns = wealth / peaks - 1.0
    trough = int(np.argmin(drawdowns))
    worst = float(drawdowns[trough])
    if worst >= 0:
        return Drawdown(0.0, None, None, None)
    peak = int(np.argmax(wealth[: trough + 1]))
    after = np.nonzero(wealth[trough:] >= wealth[peak])[0]
    recovery = days[trough + int(after[0])] if len(after) else None
    return Drawdown(worst, days[peak], days[trough], recovery)
