"""Reconciliation: a pack may become fresh only when, for every portfolio,

(a) units per commodity from our ingest equal Beancount's inventory at the date, exactly;
(b) the value through our valuation path equals an independent valuation of Beancount's
    inventory with the pack's prices and rates (Beancount's own price map and conversion)
    within 1 basis point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dawsos_core.analytics.valuation import PackRates
from dawsos_core.errors import MissingObservations, Unprocessable

TOLERANCE_BPS = Decimal(1)
BPS = Decimal(10_000)


class ReconciliationFailed(Unprocessable):
    code = "reconciliation_failed"


@dataclass(frozen=True)
class PortfolioReconciliation:
    portfolio_id: str
    unit_differences: list[str]
    ours_base: Decimal
    independent_base: Decimal

    @property
    def error_bps(self) -> Decimal:
        if self.independent_base == 0:
            return Decimal(0) if self.ours_base == 0 else Decimal("Infinity")
        return abs(self.ours_base - self.independent_base) / abs(self.independent_base) * BPS

    @property
    def passed(self) -> bool:
        return not self.unit_differences and self.error_bps <= TOLERANCE_BPS


def unit_differences(
    portfolio_id: str, ours: dict[str, Decimal], beancount: dict[str, Decimal]
) -> list[str]:
    return [
        f"{portfolio_id} {c}: ours {ours.get(c, 0)}, beancount {beancount.get(c, 0)}"
        for c in sorted(set(ours) | set(beancount))
        if ours.get(c, Decimal(0)) != beancount.get(c, Decimal(0))
    ]


def independent_value(units: dict[str, Decimal], rates: PackRates, on: dt.date) -> Decimal:
    """Beancount's conversion of the inventory to base, fed only the pack's rows."""
    from beancount.core import convert, data, prices
    from beancount.core.amount import Amount

    meta = data.new_metadata("<pack>", 0)
    entries: list[Any] = [
        data.Price(meta, on, commodity, Amount(price, quote))
        for commodity, (quote, price) in rates.prices.items()
    ]
    entries += [
        data.Price(meta, on, currency, Amount(rate, rates.base_currency))
        for currency, rate in rates.fx.items()
    ]
    price_map = prices.build_price_map(entries)
    total = Decimal(0)
    for currency, number in units.items():
        if currency == rates.base_currency:
            total += number
            continue
        via = [rates.prices[currency][0]] if currency in rates.prices else None
        converted = convert.convert_amount(
            Amount(number, currency), rates.base_currency, price_map, date=on, via=via
        )
        if converted.currency != rates.base_currency:
            raise MissingObservations([f"beancount cannot value {currency} in the pack"])
        total += converted.number
    return total


def require_passed(checks: list[PortfolioReconciliation]) -> Decimal:
    """The largest error in bps, or ReconciliationFailed naming what differs."""
    failed = [c for c in checks if not c.passed]
    if failed:
        reasons = []
        for check in failed:
            reasons.extend(check.unit_differences)
            if check.error_bps > TOLERANCE_BPS:
                reasons.append(
                    f"{check.portfolio_id}: value {check.ours_base} vs beancount "
                    f"{check.independent_base} ({check.error_bps:.4f} bps)"
                )
        raise ReconciliationFailed("reconciliation failed: " + "; ".join(reasons))
    return max((c.error_bps for c in checks), default=Decimal(0))
