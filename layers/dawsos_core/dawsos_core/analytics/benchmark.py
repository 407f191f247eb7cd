"""A portfolio against a benchmark over the same days, in the portfolio's base.

The benchmark's daily return is the change of one unit's value in base (its price times
its quote currency's rate, from each day's pack): a price return, without its dividends.
With r the portfolio's daily returns, b the benchmark's, a = r - b and rf_d the daily
risk-free rate:

* excess return = TWR(r) - TWR(b);
* tracking error = std(a, ddof=1) * sqrt(252); information ratio = mean(a) / std(a, ddof=1)
  * sqrt(252);
* beta = mean((b - mean(b)) * r) / mean((b - mean(b))^2) (population moments);
  alpha = (1 + mean((r - rf_d) - beta * (b - rf_d)))^252 - 1; correlation: Pearson's;
* up (down) capture: the annualised return of r over the days b rose (fell), over b's
  annualised return on the same days, each (prod(1 + x))^(252 / n) - 1.

These are empyrical's definitions (tests check within 1e-9). Null below two returns, beta
and alpha when b does not vary, a capture with no day of its kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dawsos_core.analytics.conventions import DDOF, PERIODS_PER_YEAR
from dawsos_core.analytics.returns import Floats
from dawsos_core.analytics.risk import daily_risk_free

BENCHMARK_CONVENTION = (
    "benchmark: the daily change of one unit's value in base (price times its quote "
    "currency's rate from each day's pack), a price return without dividends; excess = "
    "TWR - benchmark TWR; tracking error = std(r - b, ddof=1) * sqrt(252); information "
    "ratio = mean(r - b) / std(r - b, ddof=1) * sqrt(252); beta = cov(r, b) / var(b) "
    "(population); alpha = (1 + mean((r - rf_d) - beta (b - rf_d)))^252 - 1; up/down "
    "capture = annualised r over annualised b on the days b rose/fell; empyrical's "
    "definitions"
)


@dataclass(frozen=True)
class Comparison:
    benchmark_twr: float
    excess_return: float
    tracking_error: float | None
    information_ratio: float | None
    beta: float | None
    alpha: float | None
    correlation: float | None
    up_capture: float | None
    down_capture: float | None


def compare(returns: Floats, benchmark: Floats, annual_risk_free: float = 0.0) -> Comparison:
    """``returns`` and ``benchmark``: the daily returns of the same days."""
    r, b = np.asarray(returns, dtype=np.float64), np.asarray(benchmark, dtype=np.float64)
    if r.shape != b.shape:
        raise ValueError("the portfolio's and the benchmark's returns differ in length")
    twr_r, twr_b = float(np.prod(1 + r) - 1), float(np.prod(1 + b) - 1)
    if len(r) < 2:
        return Comparison(twr_b, twr_r - twr_b, None, None, None, None, None, None, None)
    active = r - b
    spread = float(np.std(active, ddof=DDOF))
    tracking = spread * math.sqrt(PERIODS_PER_YEAR)
    information = (
        None if spread == 0 else float(np.mean(active)) / spread * math.sqrt(PERIODS_PER_YEAR)
    )
    centred = b - b.mean()
    variance = float(np.mean(centred**2))
    beta = None if variance < 1e-30 else float(np.mean(centred * r)) / variance
    rf = daily_risk_free(annual_risk_free)
    alpha = (
        None
        if beta is None
        else float((1 + np.mean((r - rf) - beta * (b - rf))) ** PERIODS_PER_YEAR - 1)
    )
    correlation = None if variance < 1e-30 or np.std(r) == 0 else float(np.corrcoef(r, b)[0, 1])
    return Comparison(
        benchmark_twr=twr_b,
        excess_return=twr_r - twr_b,
        tracking_error=tracking,
        information_ratio=information,
        beta=beta,
        alpha=alpha,
        correlation=correlation,
        up_capture=_capture(r, b, b > 0),
        down_capture=_capture(r, b, b < 0),
    )


def _annual(x: Floats) -> float:
    return float(np.prod(1 + x) ** (PERIODS_PER_YEAR / len(x)) - 1)


def _capture(r: Floats, b: Floats, days: np.ndarray) -> float | None:
    if not days.any():
        return None
    theirs = _annual(b[days])
    return None if theirs == 0 else _annual(r[days]) / theirs
