"""The return decomposition: units without value give no return, trades at a price other
than the close are trading, income and costs are named and attributed, and the effects sum
to the TWR."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dawsos_core.analytics.attribution import Attribution, carino_factor, decompose, income_class
from dawsos_core.analytics.returns import ValuationSeries
from dawsos_core.db.repositories.moves import Moves
from dawsos_core.db.repositories.valuations import HoldingDays

MON, TUE = dt.date(2025, 3, 3), dt.date(2025, 3, 4)


def _holdings(cells: dict[str, list[tuple[int, float, float, float]]]) -> HoldingDays:
    """{commodity: [(day, price, fx_rate, units)]}"""
    names = sorted(cells)
    rows = [(i, *cell) for i, c in enumerate(names) for cell in cells[c]]
    return HoldingDays(
        commodities=names,
        holding=np.array([r[0] for r in rows], dtype=np.int32),
        day=np.array([r[1] for r in rows], dtype=np.int32),
        price=np.array([r[2] for r in rows]),
        fx_rate=np.array([r[3] for r in rows]),
        value_base=np.array([r[2] * r[3] * r[4] for r in rows]),
    )


def _moves(rows: list[tuple[int, str, str, str, float, float, float]]) -> Moves:
    """[(txn, kind, account, commodity, units, trade_value, market_value)], all on day 1."""
    return Moves(
        day=np.ones(len(rows), dtype=np.int32),
        txn=np.array([r[0] for r in rows], dtype=np.int64),
        kind=[r[1] for r in rows],
        account=[r[2] for r in rows],
        declared_class=[None] * len(rows),
        commodity=[r[3] for r in rows],
        units=np.array([r[4] for r in rows]),
        trade_value=np.array([r[5] for r in rows]),
        market_value=np.array([r[6] for r in rows]),
        currencies=frozenset({"CAD", "USD"}),
    )


def _decompose(
    holdings: HoldingDays, moves: Moves, flow_in: float = 0.0, flow_out: float = 0.0
) -> Attribution:
    values = np.bincount(holdings.day, weights=holdings.value_base, minlength=2)
    series = ValuationSeries(
        [MON, TUE], values, np.array([0.0, flow_in]), np.array([0.0, flow_out])
    )
    return decompose(series, holdings, moves)


def _sums_to_total(a: Attribution) -> None:
    parts = a.local + a.fx + a.interaction + a.trading + a.income + a.costs + a.other
    assert parts == pytest.approx(a.total, abs=1e-12)
    per_holding = sum(h["total"] for h in a.by_holding.values())
    assert per_holding + sum(a.unattributed.values()) + a.other == pytest.approx(a.total, abs=1e-12)


def test_a_two_for_one_split_booked_at_half_cost_is_only_its_price_move() -> None:
    held = _holdings(
        {"XYZ": [(0, 100.0, 1.4, 10), (1, 50.5, 1.4, 20)], "CAD": [(0, 1, 1, 600), (1, 1, 1, 600)]}
    )
    split = _moves(
        [
            (7, "H", "Assets:Broker", "XYZ", -10, -10 * 100.0 * 1.4, np.nan),  # -10 XYZ {100 USD}
            (7, "H", "Assets:Broker", "XYZ", 20, 20 * 50.0 * 1.4, np.nan),  # +20 XYZ {50 USD}
        ]
    )

    a = _decompose(held, split)

    assert a.by_holding["XYZ"]["local"] == pytest.approx(0.01 * 1400 / 2000)  # 50.5 vs 50
    assert a.trading == 0.0
    assert a.other == pytest.approx(0.0, abs=1e-15)
    _sums_to_total(a)


def test_a_split_of_two_lots_whose_legs_net_to_rounding_is_still_no_trade() -> None:
    # summed in this order the four legs leave 2.3e-13, not 0
    held = _holdings({"ACME": [(0, 160.0, 1.0, 30), (1, 81.0, 1.0, 60)]})
    split = _moves(
        [
            (14, "H", "Assets:Broker", "ACME", -20, -3000.0, np.nan),  # -20 ACME {150 USD}
            (14, "H", "Assets:Broker", "ACME", -10, -1807.2, np.nan),  # -10 ACME {180.72 USD}
            (14, "H", "Assets:Broker", "ACME", 40, 3000.0, np.nan),  # +40 ACME {75 USD}
            (14, "H", "Assets:Broker", "ACME", 20, 1807.2, np.nan),  # +20 ACME {90.36 USD}
        ]
    )

    a = _decompose(held, split)

    assert a.trading == 0.0
    assert a.local == pytest.approx((60 * 81.0 - 30 * 160.0) / (30 * 160.0))
    _sums_to_total(a)


def test_a_buy_below_the_close_is_trading_and_the_cash_paid_is_no_return() -> None:
    held = _holdings(
        {
            "XYZ": [(0, 100.0, 1.0, 10), (1, 102.0, 1.0, 15)],
            "CAD": [(0, 1, 1, 1000), (1, 1, 1, 1000 - 5 * 101.0 - 9.95)],
        }
    )
    buy = _moves(
        [
            (3, "H", "Assets:Broker", "XYZ", 5, 5 * 101.0, np.nan),  # 5 XYZ {101 CAD}
            (3, "H", "Assets:Broker", "CAD", -(5 * 101.0 + 9.95), -(5 * 101.0 + 9.95), np.nan),
            (3, "I", "Expenses:Broker:Commissions", "CAD", 9.95, 9.95, np.nan),
        ]
    )

    a = _decompose(held, buy)

    start = 1000.0 + 1000.0
    xyz = a.by_holding["XYZ"]
    assert xyz["local"] == pytest.approx(10 * 2.0 / start)
    assert xyz["trading"] == pytest.approx(5 * (102.0 - 101.0) / start)
    assert xyz["commissions"] == pytest.approx(-9.95 / start)  # the one security it trades
    assert "CAD" not in a.by_holding  # cash paid at its own value is no return
    _sums_to_total(a)


def test_a_round_trip_within_the_day_is_all_trading() -> None:
    held = _holdings({"CAD": [(0, 1, 1, 1000), (1, 1, 1, 1000 + 4 * 3.0)]})
    trip = _moves(
        [
            (1, "H", "Assets:Broker", "XYZ", 4, 4 * 100.0, np.nan),
            (1, "H", "Assets:Broker", "CAD", -400, -400.0, np.nan),
            (2, "H", "Assets:Broker", "XYZ", -4, -4 * 103.0, np.nan),
            (2, "H", "Assets:Broker", "CAD", 412, 412.0, np.nan),
        ]
    )

    a = _decompose(held, trip)

    assert a.by_holding["XYZ"]["trading"] == pytest.approx(12.0 / 1000)
    assert a.local == a.fx == 0.0
    _sums_to_total(a)


def test_a_dividend_with_withholding_is_income_and_cost_of_the_holding_its_account_names() -> None:
    held = _holdings(
        {
            "GLD": [(0, 200.0, 1.4, 10), (1, 200.0, 1.4, 10)],
            "USD": [(1, 1, 1.4, 8.5)],
        }
    )
    dividend = _moves(
        [
            (5, "H", "Assets:Broker:Cash", "USD", 8.5, 8.5 * 1.4, np.nan),
            (5, "I", "Expenses:Taxes:Withholding", "USD", 1.5, 1.5 * 1.4, np.nan),
            (5, "I", "Income:Broker:GLD:Dividend", "USD", -10, -10 * 1.4, np.nan),
        ]
    )

    a = _decompose(held, dividend)

    start = 2800.0
    assert a.by_class["dividends"] == pytest.approx(14.0 / start)
    assert a.by_class["withholding"] == pytest.approx(-2.1 / start)
    assert a.by_holding["GLD"]["dividends"] == pytest.approx(14.0 / start)
    assert a.unattributed["withholding"] == pytest.approx(-2.1 / start)  # names no holding
    assert a.total == pytest.approx(8.5 * 1.4 / start)
    _sums_to_total(a)


def test_a_security_moved_in_at_cost_is_a_flow_at_market_with_no_trading() -> None:
    held = _holdings({"XYZ": [(0, 100.0, 1.0, 10), (1, 101.0, 1.0, 15)]})
    transfer = _moves(
        [
            (9, "H", "Assets:Broker", "XYZ", 5, 5 * 80.0, np.nan),  # 5 XYZ {80 CAD}
            (9, "O", "Assets:Other", "XYZ", -5, -5 * 80.0, -5 * 101.0),
        ]
    )

    a = _decompose(held, transfer, flow_in=5 * 101.0)

    assert a.trading == pytest.approx(0.0, abs=1e-15)
    assert a.local == pytest.approx(10 * 1.0 / (1000 + 505))
    _sums_to_total(a)


def test_a_sale_without_its_price_is_a_trade_at_cost_and_its_booked_gain_other() -> None:
    held = _holdings(
        {"XYZ": [(0, 120.0, 1.0, 10), (1, 120.0, 1.0, 5)], "CAD": [(0, 1, 1, 0), (1, 1, 1, 600)]}
    )
    sale = _moves(
        [
            (4, "H", "Assets:Broker", "XYZ", -5, -5 * 100.0, np.nan),  # -5 XYZ {100 CAD}
            (4, "H", "Assets:Broker", "CAD", 600, 600.0, np.nan),
            (4, "I", "Income:Broker:PnL", "CAD", -100, -100.0, np.nan),
        ]
    )

    a = _decompose(held, sale)

    assert a.total == 0.0
    assert a.other == pytest.approx(100.0 / 1200)  # the gain the PnL account books
    assert a.by_holding["XYZ"]["trading"] == pytest.approx(-100.0 / 1200)  # sold at 100
    assert a.by_holding["XYZ"]["local"] == 0.0
    _sums_to_total(a)


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("Income:US:ETrade:GLD:Dividend", "dividends"),
        ("Income:Broker:Interest", "interest"),
        ("Expenses:Financial:Commissions", "commissions"),
        ("Expenses:Financial:Fees", "fees"),
        ("Expenses:Taxes:Y2025:Withholding", "withholding"),
        ("Expenses:Tax:Foreign", "withholding"),
        ("Income:Broker:PnL", None),
    ],
)
def test_internal_accounts_are_classified_by_their_names(
    account: str, expected: str | None
) -> None:
    assert income_class(account) == expected


@given(arrays(np.float64, 5, elements=st.floats(-0.9, 5.0)))
def test_carino_factor_is_continuous_at_zero(r: np.ndarray) -> None:
    k = carino_factor(r)
    assert np.all(np.isfinite(k))
    assert float(carino_factor(0.0)) == 1.0
    assert float(carino_factor(1e-13)) == pytest.approx(1.0)
