"""Reconciliation: a pack may become fresh only when every valuation it prewarms agrees
with Beancount:

(a) units per commodity of our valuation equal Beancount's inventory at the date, exactly;
(b) our value equals an independent valuation of Beancount's inventory with the pack's
    prices and rates (Beancount's own price map and conversion, the rates crossed to the
    portfolio's base in Decimal from the pack's fixings) within 1 basis point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import CommitRecord
from dawsos_core.db.repositories.packs import pack_fixings, pack_prices
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.db.repositories.valuations import holding_units, valuation_points
from dawsos_core.errors import MissingObservations, Unprocessable
from dawsos_core.ledger.snapshot import commit_entries, inventory_units
from dawsos_core.pricing.fx import cross_rates
from dawsos_core.pricing.policies import Policy

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


def reconcile_valuation(
    conn: Connection,
    portfolio: PortfolioRecord,
    commit: CommitRecord,
    pack_id: str,
    on: dt.date,
    policy: Policy,
) -> PortfolioReconciliation:
    """Our stored valuation of the portfolio at the commit with the pack, against
    Beancount's inventory of the commit's stored files."""
    ours = holding_units(conn, portfolio.id, commit.commit_hash, pack_id)
    (point,) = valuation_points(conn, portfolio.id, commit.commit_hash, [pack_id])
    theirs = inventory_units(commit_entries(conn, commit), portfolio.account_prefixes, on)
    prices = {c: (q, p) for c, q, p, _, _ in pack_prices(conn, pack_id)}
    fixings = {c: r for c, _, _, r, _, _ in pack_fixings(conn, pack_id)}
    rates = cross_rates(fixings, policy.pivot, policy.quoted, portfolio.base_currency)
    return PortfolioReconciliation(
        portfolio.id,
        unit_differences(portfolio.id, ours, theirs),
        point.value_base,
        independent_value(theirs, prices, rates, portfolio.base_currency, on),
    )


def unit_differences(
    portfolio_id: str, ours: dict[str, Decimal], beancount: dict[str, Decimal]
) -> list[str]:
    return [
        f"{portfolio_id} {c}: ours {ours.get(c, 0)}, beancount {beancount.get(c, 0)}"
        for c in sorted(set(ours) | set(beancount))
        if ours.get(c, Decimal(0)) != beancount.get(c, Decimal(0))
    ]


def independent_value(
    units: dict[str, Decimal],
    prices: dict[str, tuple[str, Decimal]],
    rates: dict[str, Decimal],
    base: str,
    on: dt.date,
) -> Decimal:
    """Beancount's conversion of the inventory to ``base``, fed only the pack's prices and
    the rates to base (base units per unit of each currency)."""
    from beancount.core import convert, data
    from beancount.core import prices as price_maps
    from beancount.core.amount import Amount

    meta = data.new_metadata("<pack>", 0)
    entries: list[Any] = [
        data.Price(meta, on, commodity, Amount(price, quote))
        for commodity, (quote, price) in prices.items()
    ]
    entries += [
        data.Price(meta, on, currency, Amount(rate, base))
        for currency, rate in rates.items()
        if currency != base
    ]
    price_map = price_maps.build_price_map(entries)
    total = Decimal(0)
    for currency, number in units.items():
        if currency == base:
            total += number
            continue
        via = [prices[currency][0]] if currency in prices else None
        converted = convert.convert_amount(
            Amount(number, currency), base, price_map, date=on, via=via
        )
        if converted.currency != base:
            raise MissingObservations([f"beancount cannot value {currency} in {base}"])
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
