"""SQL of the pricing packs: a pack's record, its content (prices and FX fixings), the
packs live at an instant, and the build's lock."""

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
    fresh_at: dt.datetime | None  # when it became live
    superseded_at: dt.datetime | None  # when it stopped being live


_COLUMNS = (
    "id, date, policy, hash, superseded_by, status, is_fresh, prewarm_done, "
    "reconciliation_passed, reconciliation_error_bps, error_message, created_at, updated_at, "
    "fresh_at, superseded_at"
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


def list_packs(
    conn: Connection,
    policy: str | None,
    limit: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[PackRecord]:
    """The newest packs first, of a policy (any for None) dated ``start`` to ``end``."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM pricing_packs WHERE (%(policy)s::text IS NULL OR policy ="
        " %(policy)s) AND date BETWEEN coalesce(%(start)s::date, '-infinity'::date)"
        " AND coalesce(%(end)s::date, 'infinity'::date)"
        " ORDER BY date DESC, created_at DESC LIMIT %(limit)s",
        {"policy": policy, "start": start, "end": end, "limit": limit},
    ).fetchall()
    return [PackRecord(**r) for r in rows]


def lock_pack_build(conn: Connection, on: dt.date, policy: str) -> None:
    """Serialise builds of one date and policy across processes (a session lock)."""
    conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 7))", (f"pack:{policy}:{on}",))


def unlock_pack_build(conn: Connection, on: dt.date, policy: str) -> None:
    conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 7))", (f"pack:{policy}:{on}",))


PriceRow = tuple[str, str, Decimal, str, dt.date]  # commodity, quote, price, source, observed
FixingRow = tuple[str, str, str, Decimal, str, dt.date]  # currency, pivot, quoted, rate, ...


def insert_pack(
    conn: Connection,
    pack_id: str,
    on: dt.date,
    policy: str,
    digest: str,
    prices: list[PriceRow],
    fixings: list[FixingRow],
) -> None:
    """A warming pack and its content, in the caller's transaction."""
    conn.execute(
        "INSERT INTO pricing_packs (id, date, policy, hash) VALUES (%s, %s, %s, %s)",
        (pack_id, on, policy, digest),
    )
    copy_rows(
        conn,
        "pack_prices",
        ("pack_id", "commodity", "quote_currency", "price", "source", "observed_on"),
        ((pack_id, *row) for row in prices),
    )
    copy_rows(
        conn,
        "pack_fixings",
        ("pack_id", "currency", "pivot", "quoted", "rate", "source", "observed_on"),
        ((pack_id, *row) for row in fixings),
    )


def mark_pack_error(conn: Connection, pack_id: str, message: str) -> None:
    conn.execute(
        "UPDATE pricing_packs SET status = 'error', error_message = %s"
        " WHERE id = %s AND status = 'warming'",
        (message[:4000], pack_id),
    )


def finish_pack(
    conn: Connection, pack_id: str, on: dt.date, policy: str, error_bps: Decimal
) -> list[str]:
    """Record reconciliation, then make the pack fresh and supersede the earlier fresh pack
    of its date and policy (the database stamps when); returns the superseded ids."""
    conn.execute(
        "UPDATE pricing_packs SET reconciliation_passed = true, reconciliation_error_bps = %s,"
        " prewarm_done = true WHERE id = %s",
        (error_bps, pack_id),
    )
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


def callers_pack_prices(conn: Connection, pack_id: str, user_sub: str) -> list[PriceRow]:
    """The pack's prices of what the caller's own books name: every commodity the ledgers
    of its portfolios post (at any synced commit) and its portfolios' benchmarks. The rest
    of the pack's universe is other tenants' holdings, never shown."""
    rows = conn.execute(
        "WITH mine AS (SELECT ledger_id, benchmarks FROM portfolios"
        "  WHERE owner_sub = %(sub)s AND deleted_at IS NULL),"
        " named AS ("
        "  SELECT DISTINCT l.currency AS commodity FROM ledger_postings l"
        "  JOIN ledger_commits c USING (commit_hash)"
        "  WHERE c.ledger_id IN (SELECT ledger_id FROM mine)"
        "  UNION SELECT unnest(benchmarks) FROM mine)"
        " SELECT commodity, quote_currency, price, source, observed_on FROM pack_prices"
        " WHERE pack_id = %(pack)s AND commodity IN (SELECT commodity FROM named)"
        " ORDER BY commodity",
        {"sub": user_sub, "pack": pack_id},
    ).fetchall()
    return [
        (r["commodity"], r["quote_currency"], r["price"], r["source"], r["observed_on"])
        for r in rows
    ]


def pack_fixings(conn: Connection, pack_id: str) -> list[FixingRow]:
    rows = conn.execute(
        "SELECT currency, pivot, quoted, rate, source, observed_on FROM pack_fixings"
        " WHERE pack_id = %s ORDER BY currency",
        (pack_id,),
    ).fetchall()
    return [
        (r["currency"], r["pivot"], r["quoted"], r["rate"], r["source"], r["observed_on"])
        for r in rows
    ]


def fixing_sources(conn: Connection, pack_ids: list[str]) -> list[str]:
    """The sources of the packs' FX fixings (each a public reference rate)."""
    rows = conn.execute(
        "SELECT DISTINCT source FROM pack_fixings WHERE pack_id = ANY(%s) ORDER BY source",
        (pack_ids,),
    ).fetchall()
    return [r["source"] for r in rows]


def pack_commodities(conn: Connection, pack_id: str) -> list[str]:
    """The commodities a pack prices (currencies are in its FX rates instead)."""
    rows = conn.execute(
        "SELECT commodity FROM pack_prices WHERE pack_id = %s ORDER BY commodity", (pack_id,)
    ).fetchall()
    return [r["commodity"] for r in rows]


def pack_sources(conn: Connection, pack_id: str) -> set[str]:
    rows = conn.execute(
        "SELECT source FROM pack_prices WHERE pack_id = %(p)s"
        " UNION SELECT source FROM pack_fixings WHERE pack_id = %(p)s"
        " UNION SELECT source FROM pack_fx_rates WHERE pack_id = %(p)s",
        {"p": pack_id},
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


@dataclass(frozen=True)
class PackDay:
    id: str
    date: dt.date


def live_packs(
    conn: Connection, policy: str, start: dt.date, end: dt.date, at: dt.datetime
) -> list[PackDay]:
    """The pack of each date from ``start`` to ``end`` that was live at the instant ``at``:
    fresh by then and not yet superseded."""
    rows = conn.execute(
        "SELECT DISTINCT ON (date) id, date FROM pricing_packs"
        " WHERE policy = %s AND date BETWEEN %s AND %s AND is_fresh AND fresh_at <= %s"
        " AND (superseded_at IS NULL OR superseded_at > %s)"
        " ORDER BY date, fresh_at DESC",
        (policy, start, end, at, at),
    ).fetchall()
    return [PackDay(r["id"], r["date"]) for r in rows]


def database_now(conn: Connection) -> dt.datetime:
    """The database's clock, which stamps when packs become live: the instant an answer's
    packs are taken at."""
    row = conn.execute("SELECT now() AS now").fetchone()
    assert row is not None
    now: dt.datetime = row["now"]
    return now


def earlier_model_packs(conn: Connection) -> tuple[int, int]:
    """(packs built before the valuation model, packs built since): the first carry a ledger
    commit in their content and are history only."""
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE ledger_commit_hash IS NOT NULL) AS earlier,"
        " count(*) FILTER (WHERE ledger_commit_hash IS NULL) AS since FROM pricing_packs"
    ).fetchone()
    assert row is not None
    return int(row["earlier"]), int(row["since"])


def analyze_pack_tables(conn: Connection) -> None:
    """Refresh the planner's statistics after a bulk load: without them the valuation
    windows' joins are planned blind, several times slower, until autovacuum catches up."""
    conn.execute("ANALYZE pricing_packs, pack_prices, pack_fixings, valuations, holding_valuations")


def failed_pack_reasons(conn: Connection, policy: str, dates: list[dt.date]) -> dict[dt.date, str]:
    """The reason of the latest failed pack of each date (it names the instruments)."""
    rows = conn.execute(
        "SELECT DISTINCT ON (date) date, error_message FROM pricing_packs"
        " WHERE policy = %s AND date = ANY(%s) AND status = 'error'"
        " ORDER BY date, created_at DESC",
        (policy, dates),
    ).fetchall()
    return {r["date"]: r["error_message"] for r in rows}
