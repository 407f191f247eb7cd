"""Reads of the pricing_packs table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dawsos_core.db.connection import Connection
from dawsos_core.db.copy import copy_rows


@dataclass(frozen=True)
class PackRecord:
    id: str
    date: dt.date
    policy: str
    hash: str
    superseded_by: str | None
    status: str
    is_fresh: bool
    prewarm_done: bool
    reconciliation_passed: bool
    reconciliation_error_bps: Decimal | None
    error_message: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    base_currency: str | None
    ledger_commit_hash: str | None


_COLUMNS = (
    "id, date, policy, hash, superseded_by, status, is_fresh, prewarm_done, "
    "reconciliation_passed, reconciliation_error_bps, error_message, created_at, updated_at, "
    "base_currency, ledger_commit_hash"
)


def pack_by_id(conn: Connection, pack_id: str) -> PackRecord | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM pricing_packs WHERE id = %s", (pack_id,)).fetchone()
    return None if row is None else PackRecord(**row)


def packs_for(conn: Connection, on: dt.date, policy: str) -> list[PackRecord]:
    """Every pack of a date and policy, oldest first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM pricing_packs WHERE date = %s AND policy = %s ORDER BY created_at",
        (on, policy),
    ).fetchall()
    return [PackRecord(**r) for r in rows]


def list_packs(conn: Connection, policy: str | None, limit: int) -> list[PackRecord]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM pricing_packs WHERE (%s::text IS NULL OR policy = %s)"
        " ORDER BY date DESC, created_at DESC LIMIT %s",
        (policy, policy, limit),
    ).fetchall()
    return [PackRecord(**r) for r in rows]


def lock_pack_build(conn: Connection, on: dt.date, policy: str) -> None:
    """Serialise builds of one date and policy across processes (a session lock)."""
    conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 7))", (f"pack:{policy}:{on}",))


def unlock_pack_build(conn: Connection, on: dt.date, policy: str) -> None:
    conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 7))", (f"pack:{policy}:{on}",))


PriceRow = tuple[str, str, Decimal, str, dt.date]  # commodity, quote, price, source, observed
FxRow = tuple[str, str, Decimal, str, dt.date]  # currency, base, rate, source, observed


def insert_pack(
    conn: Connection,
    pack_id: str,
    on: dt.date,
    policy: str,
    digest: str,
    base_currency: str,
    ledger_commit_hash: str,
    prices: list[PriceRow],
    fx_rates: list[FxRow],
) -> None:
    """A warming pack and its content, in the caller's transaction."""
    conn.execute(
        "INSERT INTO pricing_packs (id, date, policy, hash, base_currency, ledger_commit_hash)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (pack_id, on, policy, digest, base_currency, ledger_commit_hash),
    )
    copy_rows(
        conn,
        "pack_prices",
        ("pack_id", "commodity", "quote_currency", "price", "source", "observed_on"),
        ((pack_id, *row) for row in prices),
    )
    copy_rows(
        conn,
        "pack_fx_rates",
        ("pack_id", "currency", "base_currency", "rate", "source", "observed_on"),
        ((pack_id, *row) for row in fx_rates),
    )


def mark_pack_error(conn: Connection, pack_id: str, message: str) -> None:
    conn.execute(
        "UPDATE pricing_packs SET status = 'error', error_message = %s"
        " WHERE id = %s AND status = 'warming'",
        (message[:4000], pack_id),
    )


ValuationRow = tuple[str, Decimal, Decimal, Decimal]  # portfolio, value, flow in, flow out
HoldingValuationRow = tuple[str, str, Decimal, str, Decimal, Decimal, Decimal, Decimal]


def finish_pack(
    conn: Connection,
    pack_id: str,
    on: dt.date,
    policy: str,
    commit_hash: str,
    base_currency: str,
    error_bps: Decimal,
    valuations: list[ValuationRow],
    holdings: list[HoldingValuationRow],
) -> list[str]:
    """Record reconciliation, store the prewarmed valuations, then make the pack fresh and
    supersede the earlier fresh pack of its date and policy; returns the superseded ids."""
    conn.execute(
        "UPDATE pricing_packs SET reconciliation_passed = true, reconciliation_error_bps = %s"
        " WHERE id = %s",
        (error_bps, pack_id),
    )
    copy_rows(
        conn,
        "pack_valuations",
        (
            "pack_id",
            "portfolio_id",
            "date",
            "ledger_commit_hash",
            "base_currency",
            "value_base",
            "flow_in_base",
            "flow_out_base",
        ),
        (
            (pack_id, portfolio_id, on, commit_hash, base_currency, value, flow_in, flow_out)
            for portfolio_id, value, flow_in, flow_out in valuations
        ),
    )
    copy_rows(
        conn,
        "pack_holding_valuations",
        (
            "pack_id",
            "portfolio_id",
            "commodity",
            "units",
            "price_currency",
            "price",
            "value_local",
            "fx_rate",
            "value_base",
        ),
        ((pack_id, *row) for row in holdings),
    )
    conn.execute("UPDATE pricing_packs SET prewarm_done = true WHERE id = %s", (pack_id,))
    superseded = conn.execute(
        "UPDATE pricing_packs SET superseded_by = %s WHERE date = %s AND policy = %s"
        " AND is_fresh AND superseded_by IS NULL AND id <> %s RETURNING id",
        (pack_id, on, policy, pack_id),
    ).fetchall()
    conn.execute(
        "UPDATE pricing_packs SET status = 'fresh', is_fresh = true WHERE id = %s", (pack_id,)
    )
    return [r["id"] for r in superseded]


def pack_prices(conn: Connection, pack_id: str) -> list[PriceRow]:
    rows = conn.execute(
        "SELECT commodity, quote_currency, price, source, observed_on FROM pack_prices"
        " WHERE pack_id = %s ORDER BY commodity",
        (pack_id,),
    ).fetchall()
    return [
        (r["commodity"], r["quote_currency"], r["price"], r["source"], r["observed_on"])
        for r in rows
    ]


def pack_fx_rates(conn: Connection, pack_id: str) -> list[FxRow]:
    rows = conn.execute(
        "SELECT currency, base_currency, rate, source, observed_on FROM pack_fx_rates"
        " WHERE pack_id = %s ORDER BY currency",
        (pack_id,),
    ).fetchall()
    return [
        (r["currency"], r["base_currency"], r["rate"], r["source"], r["observed_on"]) for r in rows
    ]


def pack_commodities(conn: Connection, pack_id: str) -> list[str]:
    """The commodities a pack prices (currencies are in its FX rates instead)."""
    rows = conn.execute(
        "SELECT commodity FROM pack_prices WHERE pack_id = %s ORDER BY commodity", (pack_id,)
    ).fetchall()
    return [r["commodity"] for r in rows]


def pack_sources(conn: Connection, pack_id: str) -> set[str]:
    rows = conn.execute(
        "SELECT source FROM pack_prices WHERE pack_id = %s"
        " UNION SELECT source FROM pack_fx_rates WHERE pack_id = %s",
        (pack_id, pack_id),
    ).fetchall()
    return {r["source"] for r in rows}


def last_fresh_pack(conn: Connection, policy: str, on: dt.date) -> PackRecord | None:
    """The live (fresh, unsuperseded) pack of the latest date on or before ``on``."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM pricing_packs WHERE policy = %s AND date <= %s"
        " AND is_fresh AND superseded_by IS NULL ORDER BY date DESC LIMIT 1",
        (policy, on),
    ).fetchone()
    return None if row is None else PackRecord(**row)


def analyze_pack_tables(conn: Connection) -> None:
    """Refresh the planner's statistics after a bulk load: without them the valuation
    windows' joins are planned blind, several times slower, until autovacuum catches up."""
    conn.execute(
        "ANALYZE pricing_packs, pack_prices, pack_fx_rates, pack_valuations,"
        " pack_holding_valuations"
    )


def failed_pack_reasons(conn: Connection, policy: str, dates: list[dt.date]) -> dict[dt.date, str]:
    """The reason of the latest failed pack of each date (it names the instruments)."""
    rows = conn.execute(
        "SELECT DISTINCT ON (date) date, error_message FROM pricing_packs"
        " WHERE policy = %s AND date = ANY(%s) AND status = 'error'"
        " ORDER BY date, created_at DESC",
        (policy, dates),
    ).fetchall()
    return {r["date"]: r["error_message"] for r in rows}
