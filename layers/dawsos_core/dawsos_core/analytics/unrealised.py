"""Cost in base and unrealised gain of a valued holding, at the pack's rates.

A holding's cost is its ledger cost basis (Beancount's ``convert.get_cost``) by cost
currency; each part is converted into the base at the pack's rate for that currency, the
same rates its value uses. So the gain is the market gain in base as of the pack: what the
currency did to the holding since its purchase is not in it (attribution measures that).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

UNREALISED_GAIN_CONVENTION = (
    "cost: the ledger's cost basis of the units held (lots at their booked cost, cash at its "
    "units), in the cost currency; cost_base: each cost currency's part times the pack's "
    "rate for that currency in the base (the rates the values use), summed when a holding "
    "was bought in several cost currencies (cost and cost_currency are then null); "
    "unrealised_gain_base = value_base - cost_base, the market gain in base at the pack's "
    "rates: the currency's part since purchase is not in it but in attribution (fx); "
    "unrealised_gain_pct = unrealised_gain_base / cost_base as a fraction, null for cash and "
    "when cost_base is zero; all four null for a holding the ledger holds without cost"
)


@dataclass(frozen=True)
class HoldingGain:
    """The cost fields of one valuation holding (decimal amounts, pct a float fraction)."""

    cost: Decimal | None
    cost_currency: str | None
    cost_base: Decimal | None
    unrealised_gain_base: Decimal | None
    unrealised_gain_pct: float | None


NO_COST = HoldingGain(None, None, None, None, None)


def holding_gain(
    commodity: str,
    value_base: Decimal,
    cost: Mapping[str, Decimal],
    *,
    cash: bool,
    rates: Mapping[str, Decimal],
) -> HoldingGain:
    """The gain of ``commodity`` worth ``value_base`` with ``cost`` by cost currency.

    ``rates`` holds the pack's rate into the base of every currency in ``cost``; a missing
    one is a KeyError (the caller names it). A non-cash holding whose cost is in its own
    units (held without cost, in whole or in part) has no cost: ``NO_COST``."""
    if not cost or (not cash and commodity in cost):
        return NO_COST
    cost_base = sum((amount * rates[currency] for currency, amount in cost.items()), Decimal(0))
    gain = value_base - cost_base
    single = next(iter(cost.items())) if len(cost) == 1 else None
    return HoldingGain(
        cost=single[1] if single else None,
        cost_currency=single[0] if single else None,
        cost_base=cost_base,
        unrealised_gain_base=gain,
        unrealised_gain_pct=None if cash or not cost_base else float(gain / cost_base),
    )
