"""Which ledger commit an answer is pinned to."""

from __future__ import annotations

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import CommitRecord, commit_by_hash, latest_commit
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.errors import NotFound
from dawsos_core.portfolios import check_prefixes, get_portfolio


def pinned_commit(conn: Connection, commit_hash: str | None) -> CommitRecord:
    """The named commit, or the most recently synced one."""
    record = latest_commit(conn) if commit_hash is None else commit_by_hash(conn, commit_hash)
    if record is None:
        raise NotFound(
            "no ledger has been synced yet"
            if commit_hash is None
            else f"ledger commit {commit_hash} has not been synced"
        )
    return record


def portfolio_commit(
    conn: Connection, portfolio: PortfolioRecord, commit_hash: str | None
) -> CommitRecord:
    """The pinned commit, in which every prefix of the portfolio matches an account (422)."""
    commit = pinned_commit(conn, commit_hash)
    check_prefixes(conn, commit.commit_hash, portfolio)
    return commit


def portfolio_at_commit(
    conn: Connection, portfolio_id: str, owner_sub: str | None, commit_hash: str | None
) -> tuple[PortfolioRecord, CommitRecord]:
    """The caller's portfolio and the pinned commit, every prefix matching its accounts."""
    portfolio = get_portfolio(conn, portfolio_id, owner_sub)
    return portfolio, portfolio_commit(conn, portfolio, commit_hash)
