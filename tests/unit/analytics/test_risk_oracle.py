"""Risk metrics against empyrical-reloaded and quantstats on the same returns."""

from __future__ import annotations

import datetime as dt

import empyrical
import numpy as np
import pandas as pd
import pytest
import quantstats as qs

from dawsos_core.analytics.returns import annualised_twr
from dawsos_core.analytics.risk import daily_risk_free, max_drawdown, sharpe, sortino, volatility

SEEDS = [1, 7, 42]


def returns_for(seed: int, n: int = 600) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(0.0004, 0.011, n)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("rf", [0.0, 0.03])
def test_against_empyrical(seed: int, rf: float) -> None:
    r = returns_for(seed)
    rf_d = daily_risk_free(rf)

    assert sharpe(r, rf) == pytest.approx(empyrical.sharpe_ratio(r, risk_free=rf_d), abs=1e-9)
    assert volatility(r) == pytest.approx(empyrical.annual_volatility(r), abs=1e-9)
    assert sortino(r, rf) == pytest.approx(
        empyrical.sortino_ratio(r, required_return=rf_d), abs=1e-9
    )
    dates = [dt.date(2020, 1, 1) + dt.timedelta(days=i + 1) for i in range(len(r))]
    assert max_drawdown(dt.date(2020, 1, 1), dates, r).max_drawdown == pytest.approx(
        empyrical.max_drawdown(r), abs=1e-12
    )
    assert annualised_twr(r, dt.date(2020, 1, 1), dt.date(2022, 6, 1)) == pytest.approx(
        empyrical.annual_return(r), abs=1e-9
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_sortino_against_quantstats(seed: int) -> None:
    r = returns_for(seed)
    index = pd.bdate_range("2020-01-01", periods=len(r))

    assert sortino(r) == pytest.approx(qs.stats.sortino(pd.Series(r, index=index)), abs=1e-9)


def test_drawdown_dates_and_recovery() -> None:
    start = dt.date(2024, 1, 1)
    dates = [start + dt.timedelta(days=i) for i in range(1, 6)]
    r = np.array([0.10, -0.20, 0.05, 0.20, 0.01])

    dd = max_drawdown(start, dates, r)

    assert dd.max_drawdown == pytest.approx(-0.20)
    assert (dd.peak_date, dd.trough_date, dd.recovery_date) == (dates[0], dates[1], dates[3])


def test_first_return_below_the_starting_index_counts() -> None:
    start = dt.date(2024, 1, 1)

    dd = max_drawdown(start, [dt.date(2024, 1, 2)], np.array([-0.05]))

    assert dd.max_drawdown == pytest.approx(-0.05)
    assert dd.peak_date == start
    assert dd.recovery_date is None


@pytest.mark.parametrize("seed", SEEDS)
def test_annualised_twr_against_quantstats_cagr(seed: int) -> None:
    # quantstats counts years as returns / 252, the pinned convention.
    r = returns_for(seed)
    index = pd.bdate_range("2020-01-01", periods=len(r))

    ours = annualised_twr(r, index[0].date(), index[-1].date())

    assert ours == pytest.approx(qs.stats.cagr(pd.Series(r, index=index)), abs=1e-9)


def test_below_two_returns_risk_is_null_where_empyrical_gives_nan() -> None:
    one = np.array([-0.0055])

    ours = (volatility(one), sharpe(one), sortino(one))

    assert ours == (None, None, None)
    assert np.isnan(empyrical.annual_volatility(one))
    assert np.isnan(empyrical.sharpe_ratio(one))
