"""Valuing a portfolio at a ledger commit with pricing packs (DESIGN section 6), kept once
made: the set-based statement of ``db/repositories/valuations.py``, refused with every
commodity named when a pack cannot value it."""

from __future__ import annotations

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.db.repositories.valuations import Unvalued, insert_valuations, valued_packs
from dawsos_core.errors import MissingObservations
from dawsos_core.pricing.policies import Policy


def value_with_packs(
    conn: Connection,
    portfolio: PortfolioRecord,
    commit_hash: str,
    pack_ids: list[str],
    policy: Policy,
) -> int:
    """Value the portfolio with each pack not yet valued at the commit; the number valued.
    422 naming each commodity, date and pack that lacks a price or a fixing."""
    valued = valued_packs(conn, portfolio.id, commit_hash, pack_ids)
    missing = [p for p in pack_ids if p not in valued]
    if not missing:
        return 0
    unvalued = insert_valuations(
        conn,
        portfolio_id=portfolio.id,
        base_currency=portfolio.base_currency,
        account_prefixes=portfolio.account_prefixes,
        internal_prefixes=portfolio.internal_prefixes,
        commit_hash=commit_hash,
        pack_ids=missing,
        pivot=policy.pivot,
        quoted=policy.quoted,
    )
    if unvalued:
        problems = [_missing(group, portfolio.base_currency) for group in _by_cause(unvalued)]
        problems[0] = f"portfolio {portfolio.id} cannot be valued: {problems[0]}"
        raise MissingObservations(problems)
    return len(missing)


def _by_cause(unvalued: list[Unvalued]) -> list[list[Unvalued]]:
    """The days a commodity could not be valued, one list per commodity and cause (no price
    at all, or a price in a currency the pack cannot cross), in date order."""
    groups: dict[tuple[str, str], list[Unvalued]] = {}
    for u in sorted(unvalued, key=lambda u: (u.commodity, u.price_currency, u.date)):
        groups.setdefault((u.commodity, u.price_currency), []).append(u)
    return list(groups.values())


def _missing(days: list[Unvalued], base_currency: str) -> str:
    first, last = days[0], days[-1]
    span = (
        f"on {first.date} (pack {first.pack_id})"
        if len(days) == 1
        else f"in {len(days)} packs, {first.date} to {last.date} (the first {first.pack_id})"
    )
    if first.price_currency == first.commodity:  # neither a price nor a fixing of it
        return (
            f"{first.commodity} has no price {span}: add price directives for it to the"
            " ledger, or use a price source that carries it"
        )
    return (
        f"{first.commodity} is priced in {first.price_currency}, which has no fixing to"
        f" cross to {base_currency} {span}: choose a pricing policy whose FX source publishes"
        f" {first.price_currency}"
    )
