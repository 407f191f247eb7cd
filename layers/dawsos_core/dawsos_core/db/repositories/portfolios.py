"""SQL of the portfolios table. Reads take the caller's ``sub``: another owner's portfolio
is indistinguishable from one that does not exist. A deleted portfolio (``deleted_at``) is
kept for its history but read only by ``deleted_portfolio``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dawsos_core.db.connection import Connection


@dataclass(frozen=True)
class PortfolioRecord:
    id: str
    owner_sub: str
    name: str
    account_prefixes: list[str]
    internal_prefixes: list[str]
    base_currency: str
    created_at: dt.datetime
    ledger_id: str = "default"
    benchmarks: list[str] = field(default_factory=list)


_COLUMNS = (
    "id, owner_sub, name, account_prefixes, internal_prefixes, base_currency, created_at,"
    " ledger_id, benchmarks"
)
_LIVE = "deleted_at IS NULL"


def set_benchmarks(conn: Connection, portfolio_id: str, benchmarks: list[str]) -> None:
    conn.execute(
        "UPDATE portfolios SET benchmarks = %s, updated_at = now() WHERE id = %s",
        (benchmarks, portfolio_id),
    )


def change_portfolio(
    conn: Connection,
    portfolio_id: str,
    owner_sub: str,
    *,
    name: str | None,
    benchmarks: list[str] | None,
) -> PortfolioRecord | None:
    """Rename it and/or replace its benchmarks (None: unchanged); None when the owner has
    no such live portfolio."""
    row = conn.execute(
        "UPDATE portfolios SET name = coalesce(%s, name),"
        " benchmarks = coalesce(%s::text[], benchmarks), updated_at = now()"
        f" WHERE id = %s AND owner_sub = %s AND {_LIVE} RETURNING {_COLUMNS}",
        (name, benchmarks, portfolio_id, owner_sub),
    ).fetchone()
    return None if row is None else PortfolioRecord(**row)


def mark_deleted(conn: Connection, portfolio_id: str, owner_sub: str) -> dt.datetime | None:
    """Mark the owner's live portfolio deleted; when, or None if there is none."""
    row = conn.execute(
        "UPDATE portfolios SET deleted_at = now(), updated_at = now()"
        f" WHERE id = %s AND owner_sub = %s AND {_LIVE} RETURNING deleted_at",
        (portfolio_id, owner_sub),
    ).fetchone()
    return None if row is None else row["deleted_at"]


def deleted_portfolio(
    conn: Connection, portfolio_id: str, owner_sub: str | None
) -> dt.datetime | None:
    """When the portfolio (the owner's; any, for the operator) was deleted, or None."""
    row = conn.execute(
        "SELECT deleted_at FROM portfolios WHERE id = %s AND deleted_at IS NOT NULL"
        " AND (%s::text IS NULL OR owner_sub = %s)",
        (portfolio_id, owner_sub, owner_sub),
    ).fetchone()
    return None if row is None else row["deleted_at"]


def insert_portfolio(conn: Connection, record: PortfolioRecord) -> bool:
    """False (nothing written) when the id is taken."""
    row = conn.execute(
        "INSERT INTO portfolios (id, owner_sub, ledger_id, name, account_prefixes,"
        " internal_prefixes, base_currency, benchmarks) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (id) DO NOTHING RETURNING id",
        (
            record.id,
            record.owner_sub,
            record.ledger_id,
            record.name,
            record.account_prefixes,
            record.internal_prefixes,
            record.base_currency,
            record.benchmarks,
        ),
    ).fetchone()
    return row is not None


def portfolio_by_id(
    conn: Connection, portfolio_id: str, owner_sub: str | None
) -> PortfolioRecord | None:
    """``owner_sub=None`` is the operator's view (CLI); the API always passes the caller."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM portfolios WHERE id = %s AND {_LIVE}"
        " AND (%s::text IS NULL OR owner_sub = %s)",
        (portfolio_id, owner_sub, owner_sub),
    ).fetchone()
    return None if row is None else PortfolioRecord(**row)


def list_portfolios(conn: Connection, owner_sub: str | None) -> list[PortfolioRecord]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM portfolios WHERE {_LIVE}"
        " AND (%s::text IS NULL OR owner_sub = %s) ORDER BY id",
        (owner_sub, owner_sub),
    ).fetchall()
    return [PortfolioRecord(**r) for r in rows]
