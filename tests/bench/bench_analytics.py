"""Analytics: ten years of weekdays for 500 holdings. TWR, risk and currency attribution
together (ours) against empyrical-reloaded computing its metrics (annual return, volatility,
Sharpe, Sortino, max drawdown) on the same returns, in the same run: the 500 holdings'
daily base returns (its 2-D form, a column each). Target: ratio below 1.0, with agreement
within 1e-9 on the portfolio's metrics. Empyrical on the single portfolio series is
reported beside it: no attribution over 500 holdings can be as cheap as that."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
from rich.console import Console
from rich.table import Table

from dawsos_core.analytics.attribution import decompose
from dawsos_core.analytics.returns import ValuationSeries, annualised_twr, daily_returns, twr
from dawsos_core.analytics.risk import max_drawdown, sharpe, sortino, volatility
from dawsos_core.calendar import weekdays
from dawsos_core.db.repositories.moves import no_moves
from dawsos_core.db.repositories.valuations import HoldingDays

TITLE = "analytics: ten years x 500 holdings, ours (with the decomposition) vs empyrical"
REPEAT = 20


def _data(rng: np.random.Generator) -> tuple[ValuationSeries, HoldingDays, np.ndarray]:
    """500 holdings of random units, each priced and converted every weekday for ten
    years: the holding-days, the portfolio's series and each holding's base returns."""
    dates = weekdays(dt.date(2015, 1, 1), dt.date(2024, 12, 31))
    n, h = len(dates), 500
    price = 100 * np.cumprod(1 + rng.normal(0.0003, 0.012, (n, h)), axis=0)
    rate = 1.3 * np.cumprod(1 + rng.normal(0.0, 0.004, (n, h)), axis=0)
    units = rng.uniform(10, 1000, h)
    value = units * price * rate
    offsets = np.array([(d - dates[0]).days for d in dates], dtype=np.int32)
    holdings = HoldingDays(
        commodities=[f"H{i:03d}" for i in range(h)],
        holding=np.repeat(np.arange(h, dtype=np.int32), n),
        day=np.tile(offsets, h),
        price=price.T.ravel(),
        fx_rate=rate.T.ravel(),
        value_base=value.T.ravel(),
    )
    zeros = np.zeros(n)
    series = ValuationSeries(dates, value.sum(axis=1), zeros, zeros)
    return series, holdings, value[1:] / value[:-1] - 1


def _ours(series: ValuationSeries, holdings: HoldingDays) -> dict[str, float]:
    d = daily_returns(series)
    r = d.returns
    a = decompose(series, holdings, no_moves())
    return {
        "twr": twr(r),
        "annual": annualised_twr(r, series.dates[0], series.dates[-1]) or 0.0,
        "vol": volatility(r) or 0.0,
        "sharpe": sharpe(r) or 0.0,
        "sortino": sortino(r) or 0.0,
        "mdd": max_drawdown(series.dates[0], d.dates, r).max_drawdown,
        "attribution_total": a.local + a.fx + a.interaction + a.trading + a.other,
    }


def _empyrical(r: np.ndarray) -> dict[str, float]:
    import empyrical

    return {
        "annual": float(empyrical.annual_return(r)),
        "vol": float(empyrical.annual_volatility(r)),
        "sharpe": float(empyrical.sharpe_ratio(r)),
        "sortino": float(empyrical.sortino_ratio(r)),
        "mdd": float(empyrical.max_drawdown(r)),
    }


def _empyrical_2d(returns: np.ndarray) -> None:
    import empyrical

    empyrical.annual_return(returns)
    empyrical.annual_volatility(returns)
    empyrical.sharpe_ratio(returns)
    empyrical.sortino_ratio(returns)
    empyrical.max_drawdown(returns)


def _empyrical_2d(returns: np.ndarray) -> None:
    import empyrical

    empyrical.annual_return(returns)
    empyrical.annual_volatility(returns)
    empyrical.sharpe_ratio(returns)
    empyrical.sortino_ratio(returns)
    empyrical.max_drawdown(returns)


def _median_seconds(fn: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - started)
    return float(np.median(samples))


def run(console: Console) -> None:
    series, holding_days, holdings = _data(np.random.default_rng(2026))
    r = daily_returns(series).returns
    ours = _ours(series, holding_days)
    theirs = _empyrical(r)
    worst = max(abs(ours[k] - theirs[k]) for k in theirs)
    _empyrical_2d(holdings)  # warm before timing
    ours_s = _median_seconds(lambda: _ours(series, holding_days), REPEAT)
    theirs_s = _median_seconds(lambda: _empyrical_2d(holdings), REPEAT)
    single_s = _median_seconds(lambda: _empyrical(r), REPEAT)
    table = Table("computation", "median")
    table.add_row(
        f"ours: returns, TWR, risk, decomposition ({len(r)} days x 500)", f"{ours_s * 1000:.2f} ms"
    )
    table.add_row(
        "empyrical: its five metrics on the 500 holdings' returns", f"{theirs_s * 1000:.2f} ms"
    )
    table.add_row("empyrical: the same on the single portfolio series", f"{single_s * 1000:.2f} ms")
    console.print(table)
    console.print(
        f"ours / empyrical (500 holdings) = {ours_s / theirs_s:.2f}x (target below 1.0); "
        f"ours / empyrical (one series) = {ours_s / single_s:.0f}x; largest difference "
        f"{worst:.2e} (target within 1e-9); decomposition total "
        f"{ours['attribution_total']:.6f} vs TWR {ours['twr']:.6f}"
    )
