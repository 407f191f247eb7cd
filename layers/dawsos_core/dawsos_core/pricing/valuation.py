"""Valuing a portfolio at a ledger commit with pricing packs (DESIGN section 6), kept once
made: the set-based statement of ``db/repositories/valuations.py``, refused with every
commodity named when a pack cannot value it."""

from __future__ import annotations

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.db.repositories.valuations import insert_valuations, valued_packs
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
        shown = [
            f"{u.commodity} on {u.date} (pack {u.pack_id}: no price, or no {u.price_currency}"
            f" fixing to cross to {portfolio.base_currency})"
            for u in unvalued[:10]
        ]
        more = [f"and {len(unvalued) - 10} more"] if len(unvalued) > 10 else []
        raise MissingObservations(
            [f"portfolio {portfolio.id} cannot be valued: {shown[0]}", *shown[1:], *more]
        )
    return len(missing)
