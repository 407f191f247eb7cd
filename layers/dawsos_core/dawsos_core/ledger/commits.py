"""Which ledger commit an answer is pinned to."""

from __future__ import annotations

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import (
    DEFAULT_LEDGER,
    CommitRecord,
    commit_by_hash,
    commits_with_prefix,
    latest_commit,
)
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.errors import BadRequest, NotFound
from dawsos_core.portfolios import check_prefixes, get_portfolio

MIN_PREFIX = 7


def pinned_commit(
    conn: Connection, commit: str | None, ledger_id: str = DEFAULT_LEDGER
) -> CommitRecord:
    """The commit named by a hash or an unambiguous prefix of at least seven hex digits,
    as git takes one, or else the ledger's most recently synced commit."""
    if commit is None:
        latest = latest_commit(conn, ledger_id)
        if latest is None:
            raise NotFound("no ledger has been synced yet: run `dawsos ledger sync` first")
        return latest
    prefix = commit.strip().lower()
    if len(prefix) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
        raise BadRequest(
            f"ledger commit {commit!r} is not a commit hash or a prefix of at least "
            f"{MIN_PREFIX} hex digits"
        )
    found = commits_with_prefix(conn, prefix)
    if not found:
        raise NotFound(f"ledger commit {prefix} has not been synced")
    if len(found) > 1:
        raise BadRequest(
            f"ledger commit {prefix} is ambiguous: it begins "
            + ", ".join(c[:12] for c in found)
            + "; give more digits"
        )
    record = commit_by_hash(conn, found[0])
    assert record is not None
    return record


def portfolio_commit(
    conn: Connection, portfolio: PortfolioRecord, commit: str | None
) -> CommitRecord:
    """The pinned commit (the latest of the portfolio's ledger unless named), in which every
    prefix of the portfolio matches an account (422)."""
    record = pinned_commit(conn, commit, portfolio.ledger_id)
    check_prefixes(conn, record.commit_hash, portfolio)
    return record


def portfolio_at_commit(
    conn: Connection, portfolio_id: str, owner_sub: str | None, commit: str | None
) -> tuple[PortfolioRecord, CommitRecord]:
    """The caller's portfolio and the pinned commit, every prefix matching its accounts."""
    portfolio = get_portfolio(conn, portfolio_id, owner_sub)
    return portfolio, portfolio_commit(conn, portfolio, commit)
