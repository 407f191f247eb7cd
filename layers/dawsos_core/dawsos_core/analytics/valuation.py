"""Value holdings with one pack's prices and FX rates (DESIGN section 6).

V = units x price in its quote currency x the pack's rate to base; a currency held as cash
is worth its units x its rate (the base currency at 1 exactly). Decimal arithmetic with
28 significant digits, nothing rounded: rounding is for display only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dawsos_core.errors import MissingObservations

ONE = Decimal(1)


@dataclass(frozen=True)
class HoldingValue:
    commodity: str
    units: Decimal
    price_currency: str
    price: Decimal
    value_local: Decimal
    fx_rate: Decimal
    value_base: Decimal


@dataclass(frozen=True)
class PackRates:
    """Prices (commodity -> (quote currency, price)) and rates (currency -> base per unit)."""

    base_currency: str
    prices: dict[str, tuple[str, Decimal]]
    fx: dict[str, Decimal]

    def rate(self, currency: str) -> Decimal:
        if currency == self.base_currency:
            return ONE
        try:
            return self.fx[currency]
        except KeyError:
            raise MissingObservations([f"no {currency}/{self.base_currency} rate"]) from None

    def value(self, commodity: str, units: Decimal) -> HoldingValue:
        if commodity in self.prices:
            quote, price = self.prices[commodity]
        elif commodity == self.base_currency or commodity in self.fx:
            quote, price = commodity, ONE
        else:
            raise MissingObservations([f"no price for {commodity}"])
        rate = self.rate(quote)
        local = units * price
        return HoldingValue(commodity, units, quote, price, local, rate, local * rate)


def value_holdings(units: dict[str, Decimal], rates: PackRates) -> list[HoldingValue]:
    return [rates.value(c, u) for c, u in sorted(units.items()) if u != 0]
