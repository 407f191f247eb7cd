"""Positions of a portfolio at the end of a date: units and cost by commodity, cash included.

Cost follows Beancount's ``convert.get_cost``: lots at their booked cost, positions held
without cost (cash) at their units. A commodity the ledger never priced is listed in
``unpriced``, not dropped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.ledger import CommitRecord, holdings, last_price_dates
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.ledger.commits import portfolio_at_commit


class Position(BaseModel):
    model_config = ConfigDict(frozen=True)

    commodity: str
    units: Decimal
    cost: dict[str, Decimal] = Field(description="Cost basis by cost currency")
    cash: bool = Field(description="A currency that prices or costs other commodities")
    last_price_date: dt.date | None = Field(
        description="Latest price directive of the ledger on or before the date"
    )


class PortfolioPositions(BaseModel):
    model_config = ConfigDict(frozen=True)

    portfolio_id: str
    date: dt.date
    ledger_commit_hash: str
    base_currency: str
    positions: list[Position]
    unpriced: list[str] = Field(description="Held commodities the ledger never priced")


def portfolio_positions(
    db: Database,
    portfolio_id: str,
    on: dt.date,
    *,
    owner_sub: str | None = None,
    commit_hash: str | None = None,
) -> PortfolioPositions:
    """The positions of a portfolio (the owner's, when one is named) at a commit, the latest
    synced one unless named."""
    with db.session() as conn:  # no transaction: one ledger commit's rows never change
        portfolio, commit = portfolio_at_commit(conn, portfolio_id, owner_sub, commit_hash)
        return positions_at(conn, portfolio, commit, on)


def positions_at(
    conn: Connection, portfolio: PortfolioRecord, commit: CommitRecord, on: dt.date
) -> PortfolioPositions:
    rows = holdings(conn, commit.commit_hash, on, portfolio.account_prefixes)
    units: dict[str, Decimal] = defaultdict(Decimal)
    cost: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        units[row.commodity] += row.units
        if row.cost:
            cost[row.commodity][row.cost_currency] = row.cost
    held = sorted(c for c, u in units.items() if u != 0)
    money = set(commit.cash_currencies)
    priced = last_price_dates(conn, commit.commit_hash, on, held)
    positions = [
        Position(
            commodity=c,
            units=units[c],
            cost=cost[c],
            cash=c in money,
            last_price_date=priced.get(c),
        )
        for c in held
    ]
    return PortfolioPositions(
        portfolio_id=portfolio.id,
        date=on,
        ledger_commit_hash=commit.commit_hash,
        base_currency=portfolio.base_currency,
        positions=positions,
        unpriced=[p.commodity for p in positions if not p.cash and p.last_price_date is None],
    )
