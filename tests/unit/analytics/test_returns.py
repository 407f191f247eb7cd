"""Returns with the pinned flow timing, checked by hand, by property, and against pyxirr's
and numpy-financial's IRR."""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dawsos_core.analytics.returns import (
    ValuationSeries,
    annualised_twr,
    daily_returns,
    money_weighted,
    mwr,
    twr,
    xirr_rates,
)
from dawsos_core.errors import Unprocessable

D0 = dt.date(2024, 1, 1)


def series(
    values: list[float],
    flow_in: list[float] | None = None,
    flow_out: list[float] | None = None,
    step: int = 1,
) -> ValuationSeries:
    n = len(values)
    return ValuationSeries(
        dates=[D0 + dt.timedelta(days=step * i) for i in range(n)],
        values=np.array(values, dtype=float),
        flow_in=np.array(flow_in or [0.0] * n, dtype=float),
        flow_out=np.array(flow_out or [0.0] * n, dtype=float),
    )


def test_hand_computed_returns_with_flows_on_the_first_and_last_day() -> None:
    # Day 1: 50 in at the start; day 2: 30 out at the end (the window's last day).
    s = series([100.0, 160.0, 140.0], flow_in=[0, 50, 0], flow_out=[0, 0, 30])

    r = daily_returns(s).returns

    assert r[0] == pytest.approx(160 / 150 - 1, abs=1e-15)
    assert r[1] == pytest.approx((140 + 30) / 160 - 1, abs=1e-15)
    assert twr(r) == pytest.approx((160 / 150) * (170 / 160) - 1, abs=1e-15)


def test_zero_denominator_follows_the_stated_rule_and_is_flagged() -> None:
    s = series([0.0, 0.0, 100.0, 110.0], flow_in=[0, 0, 100, 0])

    result = daily_returns(s)

    assert list(result.returns) == [0.0, 0.0, pytest.approx(0.1)]
    assert result.zero_denominator_dates == [s.dates[1]]


def test_one_valuation_is_refused() -> None:
    with pytest.raises(Unprocessable, match="two valuations"):
        daily_returns(series([100.0]))


def test_annualised_only_for_a_year_or_more() -> None:
    r = np.full(252, 0.001)
    assert annualised_twr(r, D0, D0 + dt.timedelta(days=364)) is None
    assert annualised_twr(r, D0, D0 + dt.timedelta(days=365)) == pytest.approx(1.001**252 - 1)


@settings(max_examples=200, deadline=None)
@given(
    growth=st.lists(st.floats(-0.2, 0.2), min_size=1, max_size=30),
    flows=st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 0.9)), min_size=30, max_size=30),
)
def test_twr_does_not_depend_on_flow_sizes(
    growth: list[float], flows: list[tuple[float, float]]
) -> None:
    values, ins, outs = [1000.0], [0.0], [0.0]
    for g, (inflow, out_share) in zip(growth, flows, strict=False):
        grown = (values[-1] + inflow) * (1 + g)
        outflow = grown * out_share
        values.append(grown - outflow)
        ins.append(inflow)
        outs.append(outflow)

    r = daily_returns(series(values, ins, outs)).returns

    assert twr(r) == pytest.approx(float(np.prod(1 + np.array(growth)) - 1), rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    start=st.floats(100, 1e6),
    growth=st.floats(-0.5, 1.0),
    inflows=st.lists(st.floats(0, 1e5), min_size=1, max_size=8),
)
def test_xirr_rate_zeroes_the_npv(start: float, growth: float, inflows: list[float]) -> None:
    n = len(inflows) + 2
    ins = [0.0, *inflows, 0.0]
    values = [start] + [start * (1 + growth * i / n) + sum(ins[: i + 1]) for i in range(1, n)]
    s = series(values, ins, step=37)

    rate = mwr(s)

    assert rate is not None
    flows = [(s.dates[0], -values[0])]
    flows += [(d, -i) for d, i in zip(s.dates[1:], ins[1:], strict=True) if i]
    flows.append((s.dates[-1], values[-1]))
    npv = sum(a / (1 + rate) ** ((d - s.dates[0]).days / 365) for d, a in flows)
    assert abs(npv) <= 1e-6 * max(abs(a) for _, a in flows)


def test_xirr_matches_numpy_financial_on_yearly_flows() -> None:
    # 365-day spacing (no leap day between) makes actual/365 XIRR equal the periodic IRR.
    dates = [dt.date(2021, 1, 1), dt.date(2022, 1, 1), dt.date(2023, 1, 1)]
    s = ValuationSeries(
        dates, np.array([1000.0, 1200.0, 1500.0]), np.array([0, 100.0, 0]), np.zeros(3)
    )

    assert mwr(s) == pytest.approx(npf.irr([-1000.0, -100.0, 1500.0]), abs=1e-10)


def yearly(values: list[float], flow_in: list[float], flow_out: list[float]) -> ValuationSeries:
    dates = [dt.date(2021, 1, 1), dt.date(2022, 1, 1), dt.date(2023, 1, 1)]
    return ValuationSeries(dates, np.array(values), np.array(flow_in), np.array(flow_out))


def test_cash_flows_with_two_rates_have_no_mwr_and_say_why() -> None:
    # -100 then +230 then -132: both 10% and 20% a year zero the NPV.
    s = yearly([100.0, 0.0, -132.0], [0, 0, 0], [0, 230.0, 0])

    money = money_weighted(s)

    assert xirr_rates(list(s.dates), [-100.0, 230.0, -132.0]) == pytest.approx([0.1, 0.2], abs=1e-9)
    assert (money.cumulative, money.annualized, mwr(s)) == (None, None, None)
    assert money.reason is not None
    assert money.reason.startswith("several rates solve the cash flows: 0.1, 0.2")


def test_cash_flows_no_rate_can_solve_have_no_mwr_and_say_why() -> None:
    s = yearly([100.0, 0.0, 0.0], [0, 50.0, 0], [0, 0, 0])  # money only ever goes in

    money = money_weighted(s)

    assert (money.cumulative, money.annualized) == (None, None)
    assert money.reason == "no rate solves the cash flows"


def test_mwr_is_annualised_only_over_a_year_and_cumulative_always() -> None:
    long = yearly([1000.0, 1200.0, 1500.0], [0, 100.0, 0], [0, 0, 0])
    short = ValuationSeries(
        [dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
        np.array([100.0, 99.45]),
        np.zeros(2),
        np.zeros(2),
    )

    yearly_rate = npf.irr([-1000.0, -100.0, 1500.0])
    one_day = money_weighted(short)

    assert money_weighted(long).annualized == pytest.approx(yearly_rate, abs=1e-10)
    assert money_weighted(long).cumulative == pytest.approx((1 + yearly_rate) ** 2 - 1, abs=1e-9)
    assert one_day.annualized is None  # a one-day -0.55% is not a -86% year
    assert one_day.cumulative == pytest.approx(-0.0055, abs=1e-12)
