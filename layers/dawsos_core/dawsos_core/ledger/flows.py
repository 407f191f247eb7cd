"""External flows of a portfolio (../shared/DESIGN.md section 6).

Postings against the portfolio's internal Income and Expenses accounts (dividends, interest,
realised P&L, fees) are return, never a flow. Value moving between the portfolio and any
other account (a transfer, a salary-funded contribution, a withdrawal, a sale whose cash
leaves a sleeve, a security received) is an external flow, measured on the transaction's
legs outside the portfolio, in units of what crossed: positive into the portfolio, negative
out of it. Flows are listed on their ledger date; the analytics calendar moves weekend
flows to the next weekday.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.ledger import external_flows
from dawsos_core.errors import BadRequest
from dawsos_core.ledger.commits import portfolio_at_commit


class ExternalFlow(BaseModel):
    model_config = ConfigDict(frozen=True)

    date: dt.date
    txn_id: int
    commodity: str
    units: Decimal
    direction: Literal["in", "out"]
    narration: str
    counter_accounts: list[str]


class PortfolioFlows(BaseModel):
    model_config = ConfigDict(frozen=True)

    portfolio_id: str
    start: dt.date
    end: dt.date
    ledger_commit_hash: str
    flows: list[ExternalFlow]


def portfolio_flows(
    db: Database,
    portfolio_id: str,
    start: dt.date,
    end: dt.date,
    *,
    owner_sub: str | None = None,
    commit_hash: str | None = None,
) -> PortfolioFlows:
    if start > end:
        raise BadRequest(f"the window starts ({start}) after it ends ({end})")
    with db.session() as conn:  # no transaction: one ledger commit's rows never change
        portfolio, commit = portfolio_at_commit(conn, portfolio_id, owner_sub, commit_hash)
        rows = external_flows(
            conn,
            commit.commit_hash,
            start,
            end,
            portfolio.account_prefixes,
            portfolio.internal_prefixes,
        )
    flows = [
        ExternalFlow(
            date=r.date,
            txn_id=r.txn_id,
            commodity=r.commodity,
            units=r.units,
            direction="in" if r.units > Decimal(0) else "out",
            narration=r.narration,
            counter_accounts=r.counter_accounts,
        )
        for r in rows
    ]
    return PortfolioFlows(
        portfolio_id=portfolio.id,
        start=start,
        end=end,
        ledger_commit_hash=commit.commit_hash,
        flows=flows,
    )
