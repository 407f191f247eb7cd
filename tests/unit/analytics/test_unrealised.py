"""A holding's cost in base and unrealised gain, at the pack's rates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dawsos_core.analytics.unrealised import NO_COST, holding_gain

RATES = {"USD": Decimal("1.4"), "EUR": Decimal("1.5"), "CAD": Decimal(1)}


def test_one_cost_currency_converts_at_the_packs_rate() -> None:
    gain = holding_gain("ACME", Decimal("1500"), {"USD": Decimal("1000")}, cash=False, rates=RATES)

    assert (gain.cost, gain.cost_currency) == (Decimal("1000"), "USD")
    assert gain.cost_base == Decimal("1400.0")
    assert gain.unrealised_gain_base == Decimal("100.0")
    assert gain.unrealised_gain_pct == pytest.approx(100 / 1400)


def test_several_cost_currencies_convert_each_and_name_no_single_currency() -> None:
    cost = {"USD": Decimal("100"), "EUR": Decimal("10")}

    gain = holding_gain("XYZ", Decimal("200"), cost, cash=False, rates=RATES)

    assert (gain.cost, gain.cost_currency) == (None, None)
    assert gain.cost_base == Decimal("155.0")
    assert gain.unrealised_gain_base == Decimal("45.0")


def test_cash_has_no_gain_percentage_and_zero_cost_none() -> None:
    cash = holding_gain("USD", Decimal("140"), {"USD": Decimal("100")}, cash=True, rates=RATES)
    free = holding_gain("GIFT", Decimal("50"), {"CAD": Decimal("0")}, cash=False, rates=RATES)

    assert (cash.cost_base, cash.unrealised_gain_base) == (Decimal("140.0"), Decimal("0.0"))
    assert cash.unrealised_gain_pct is None
    assert (free.cost_base, free.unrealised_gain_base) == (Decimal(0), Decimal(50))
    assert free.unrealised_gain_pct is None


def test_a_holding_without_cost_has_none() -> None:
    assert holding_gain("GOLD", Decimal(9), {"GOLD": Decimal(2)}, cash=False, rates=RATES) == (
        NO_COST
    )
    assert holding_gain("GOLD", Decimal(9), {}, cash=False, rates=RATES) == NO_COST


def test_a_missing_rate_is_an_error_not_a_rate_of_one() -> None:
    with pytest.raises(KeyError, match="JPY"):
        holding_gain("SONY", Decimal(9), {"JPY": Decimal(2)}, cash=False, rates=RATES)
