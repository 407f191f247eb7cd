"""SQL of the ledger tables: bulk writes of one commit and the reads answered from them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from dawsos_core.db.connection import Connection
from dawsos_core.db.copy import copy_rows

AccountRow = tuple[str, dt.date, dt.date | None, list[str], str | None]  # last: income-class
TransactionRow = tuple[int, dt.date, str, str | None, str, str]
PostingRow = tuple[
    int,
    int,
    dt.date,
    str,
    str,
    Decimal,
    Decimal | None,
    str | None,
    dt.date | None,
    str | None,
    Decimal | None,
    str | None,
]
PriceRow = tuple[int, dt.date, str, str, Decimal]


@dataclass
class LedgerRows:
    cash_currencies: set[str] = field(default_factory=set)
    declared_currencies: set[str] = field(default_factory=set)  # commodity meta currency: TRUE
    accounts: list[AccountRow] = field(default_factory=list)
    transactions: list[TransactionRow] = field(default_factory=list)
    postings: list[PostingRow] = field(default_factory=list)
    prices: list[PriceRow] = field(default_factory=list)
    commodities: dict[str, dict[str, str]] = field(default_factory=dict)  # their metadata


def under_prefixes(prefixes: str, account: str = "account") -> str:
    """SQL: the row's ``account`` column is one of the prefixes (a text[] expression) or
    lies below one."""
    return (
        f"EXISTS (SELECT 1 FROM unnest({prefixes}::text[]) AS under(prefix) "
        f"WHERE {account} = under.prefix OR starts_with({account}, under.prefix || ':'))"
    )


@dataclass(frozen=True)
class CommitRecord:
    commit_hash: str
    ledger_id: str
    main_file: str
    committed_at: dt.datetime
    operating_currencies: list[str]
    cash_currencies: list[str]
    declared_currencies: list[str]  # operating currencies and commodities declared currencies
    transactions: int
    postings: int
    prices: int
    synced_at: dt.datetime


_COMMIT_COLUMNS = (
    "commit_hash, ledger_id, main_file, committed_at, operating_currencies, cash_currencies,"
    " operating_currencies || coalesce(declared_currencies, '{}') AS declared_currencies,"
    " transactions, postings, prices, synced_at"
)

DEFAULT_LEDGER = "default"


def commit_by_hash(conn: Connection, commit_hash: str) -> CommitRecord | None:
    row = conn.execute(
        f"SELECT {_COMMIT_COLUMNS} FROM ledger_commits WHERE commit_hash = %s", (commit_hash,)
    ).fetchone()
    return None if row is None else CommitRecord(**row)


def latest_commit(conn: Connection, ledger_id: str = DEFAULT_LEDGER) -> CommitRecord | None:
    """The ledger's most recently synced commit."""
    row = conn.execute(
        f"SELECT {_COMMIT_COLUMNS} FROM ledger_commits WHERE ledger_id = %s"
        " ORDER BY synced_at DESC LIMIT 1",
        (ledger_id,),
    ).fetchone()
    return None if row is None else CommitRecord(**row)


def recent_commits(conn: Connection, ledger_id: str, limit: int) -> list[CommitRecord]:
    """The ledger's synced commits, the most recent first, at most ``limit``."""
    rows = conn.execute(
        f"SELECT {_COMMIT_COLUMNS} FROM ledger_commits WHERE ledger_id = %s"
        " ORDER BY synced_at DESC LIMIT %s",
        (ledger_id, limit),
    ).fetchall()
    return [CommitRecord(**r) for r in rows]


def previous_commit(conn: Connection, commit: CommitRecord) -> CommitRecord | None:
    """The commit of the same ledger synced last before ``commit``."""
    row = conn.execute(
        f"SELECT {_COMMIT_COLUMNS} FROM ledger_commits WHERE ledger_id = %s AND synced_at < %s"
        " ORDER BY synced_at DESC LIMIT 1",
        (commit.ledger_id, commit.synced_at),
    ).fetchone()
    return None if row is None else CommitRecord(**row)


def commits_with_prefix(conn: Connection, prefix: str, limit: int = 5) -> list[str]:
    """The synced commit hashes that start with ``prefix`` (hex), at most ``limit``."""
    rows = conn.execute(
        "SELECT commit_hash FROM ledger_commits WHERE starts_with(commit_hash, %s)"
        " ORDER BY commit_hash LIMIT %s",
        (prefix, limit),
    ).fetchall()
    return [r["commit_hash"] for r in rows]


def declared_currencies(conn: Connection) -> set[str]:
    """Every commodity a synced commit declares a currency."""
    rows = conn.execute(
        "SELECT DISTINCT unnest(operating_currencies || coalesce(declared_currencies, '{}')) AS c"
        " FROM ledger_commits"
    ).fetchall()
    return {r["c"] for r in rows}


def insert_commit(
    conn: Connection,
    commit_hash: str,
    main_file: str,
    committed_at: dt.datetime,
    operating_currencies: list[str],
    rows: LedgerRows,
    ledger_id: str = DEFAULT_LEDGER,
) -> bool:
    """Write one commit's rows with COPY, each naming the commit's ledger (what row-level
    security admits them by); False (and nothing written) if it is already there.

    A concurrent sync of the same commit waits on the primary key and then finds it."""
    inserted = conn.execute(
        "INSERT INTO ledger_commits (commit_hash, ledger_id, main_file, committed_at,"
        " operating_currencies, declared_currencies, cash_currencies, transactions, postings,"
        " prices)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (commit_hash) DO NOTHING RETURNING commit_hash",
        (
            commit_hash,
            ledger_id,
            main_file,
            committed_at,
            operating_currencies,
            sorted(rows.declared_currencies - set(operating_currencies)),
            sorted(rows.cash_currencies | set(operating_currencies)),
            len(rows.transactions),
            len(rows.postings),
            len(rows.prices),
        ),
    ).fetchone()
    if inserted is None:
        return False
    copy_rows(
        conn,
        "ledger_accounts",
        (
            "commit_hash",
            "ledger_id",
            "account",
            "open_date",
            "close_date",
            "currencies",
            "income_class",
        ),
        ((commit_hash, ledger_id, *row) for row in rows.accounts),
    )
    copy_rows(
        conn,
        "ledger_transactions",
        ("commit_hash", "ledger_id", "txn_id", "date", "flag", "payee", "narration", "source"),
        ((commit_hash, ledger_id, *row) for row in rows.transactions),
    )
    copy_rows(
        conn,
        "ledger_postings",
        (
            "commit_hash",
            "ledger_id",
            "txn_id",
            "posting_no",
            "date",
            "account",
            "currency",
            "units",
            "cost_number",
            "cost_currency",
            "cost_date",
            "cost_label",
            "price_number",
            "price_currency",
        ),
        ((commit_hash, ledger_id, *row) for row in rows.postings),
    )
    copy_rows(
        conn,
        "ledger_prices",
        ("commit_hash", "ledger_id", "price_no", "date", "commodity", "quote_currency", "number"),
        ((commit_hash, ledger_id, *row) for row in rows.prices),
    )
    copy_rows(
        conn,
        "ledger_commodities",
        ("commit_hash", "ledger_id", "commodity", "meta"),
        (
            (commit_hash, ledger_id, c, json.dumps(meta))
            for c, meta in sorted(rows.commodities.items())
        ),
    )
    return True


def commodity_metadata(conn: Connection, commit_hash: str) -> dict[str, dict[str, str]]:
    """The metadata of each commodity directive of the commit (text values)."""
    rows = conn.execute(
        "SELECT commodity, meta FROM ledger_commodities WHERE commit_hash = %s", (commit_hash,)
    ).fetchall()
    return {r["commodity"]: dict(r["meta"]) for r in rows}


def unmatched_prefixes(conn: Connection, commit_hash: str, prefixes: list[str]) -> list[str]:
    """The prefixes under which the commit has no account at all."""
    rows = conn.execute(
        "SELECT p.prefix FROM unnest(%s::text[]) AS p(prefix) WHERE NOT EXISTS ("
        " SELECT 1 FROM ledger_accounts a WHERE a.commit_hash = %s"
        " AND (a.account = p.prefix OR starts_with(a.account, p.prefix || ':')))",
        (prefixes, commit_hash),
    ).fetchall()
    return [r["prefix"] for r in rows]


@dataclass(frozen=True)
class HoldingRow:
    account: str | None
    commodity: str
    cost_currency: str
    units: Decimal
    cost: Decimal


def holdings(
    conn: Connection,
    commit_hash: str,
    on: dt.date,
    prefixes: list[str],
    *,
    by_account: bool = False,
) -> list[HoldingRow]:
    """Units and cost at the end of ``on``, per commodity and cost currency.

    Cost follows Beancount's ``convert.get_cost``: units times the lot's cost, or the units
    themselves for a position held without cost (cash)."""
    account = "account" if by_account else "NULL::text"
    rows = conn.execute(
        f"SELECT {account} AS account, currency AS commodity,"
        " coalesce(cost_currency, currency) AS cost_currency, sum(units) AS units,"
        " sum(coalesce(units * cost_number, units)) AS cost"
        " FROM ledger_postings WHERE commit_hash = %(commit)s AND date <= %(on)s"
        " AND account IN (SELECT account FROM ledger_accounts"
        f"  WHERE commit_hash = %(commit)s AND {under_prefixes('%(prefixes)s')})"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        {"commit": commit_hash, "on": on, "prefixes": prefixes},
    ).fetchall()
    return [HoldingRow(**r) for r in rows]


def last_price_dates(
    conn: Connection, commit_hash: str, on: dt.date, commodities: list[str]
) -> dict[str, dt.date]:
    rows = conn.execute(
        "SELECT commodity, max(date) AS last FROM ledger_prices WHERE commit_hash = %s"
        " AND date <= %s AND commodity = ANY(%s) GROUP BY commodity",
        (commit_hash, on, commodities),
    ).fetchall()
    return {r["commodity"]: r["last"] for r in rows}


@dataclass(frozen=True)
class FlowRow:
    txn_id: int
    date: dt.date
    commodity: str
    units: Decimal
    narration: str
    counter_accounts: list[str]


def external_flows(
    conn: Connection,
    commit_hash: str,
    start: dt.date,
    end: dt.date,
    holdings_prefixes: list[str],
    internal_prefixes: list[str],
) -> list[FlowRow]:
    """Value crossing the portfolio boundary, per transaction and commodity (+ in, - out).

    The portfolio side is its holdings and its internal Income/Expenses accounts; a
    transaction that touches both that side and any other account moves value across the
    boundary, and the flow is measured on its legs outside the portfolio: minus the sum of
    their units (the cash paid in or received, the securities moved in or out)."""
    rows = conn.execute(
        "WITH sided AS ("
        "  SELECT txn_id, date, account, currency, units,"
        f"   ({under_prefixes('%(holdings)s')}"
        f"    OR {under_prefixes('%(internal)s')}) AS inside"
        "  FROM ledger_postings"
        "  WHERE commit_hash = %(commit)s AND date BETWEEN %(start)s AND %(end)s),"
        " crossing AS ("
        "  SELECT txn_id, array_agg(DISTINCT account ORDER BY account)"
        "   FILTER (WHERE NOT inside) AS counter_accounts"
        "  FROM sided GROUP BY txn_id HAVING bool_or(inside) AND bool_or(NOT inside))"
        " SELECT s.txn_id, s.date, s.currency AS commodity, -sum(s.units) AS units,"
        "  t.narration, c.counter_accounts"
        " FROM sided s JOIN crossing c USING (txn_id)"
        " JOIN ledger_transactions t ON t.commit_hash = %(commit)s AND t.txn_id = s.txn_id"
        " WHERE NOT s.inside"
        " GROUP BY s.txn_id, s.date, s.currency, t.narration, c.counter_accounts"
        " HAVING sum(s.units) <> 0"
        " ORDER BY s.date, s.txn_id, s.currency",
        {
            "commit": commit_hash,
            "start": start,
            "end": end,
            "holdings": holdings_prefixes,
            "internal": internal_prefixes,
        },
    ).fetchall()
    return [FlowRow(**r) for r in rows]


@dataclass(frozen=True)
class LedgerPrice:
    commodity: str
    quote_currency: str
    number: Decimal
    date: dt.date


def latest_ledger_prices(
    conn: Connection, commit_hash: str, commodities: list[str], on: dt.date
) -> dict[str, LedgerPrice]:
    """Each commodity's latest price directive on or before ``on`` (the last one written,
    when a day has several)."""
    rows = conn.execute(
        "SELECT DISTINCT ON (commodity) commodity, quote_currency, number, date"
        " FROM ledger_prices WHERE commit_hash = %s AND commodity = ANY(%s) AND date <= %s"
        " ORDER BY commodity, date DESC, price_no DESC",
        (commit_hash, commodities, on),
    ).fetchall()
    return {r["commodity"]: LedgerPrice(**r) for r in rows}


def commodities_near(
    conn: Connection, on: dt.date, since: dt.date, holdings: list[str], sides: list[str]
) -> set[str]:
    """Every commodity that a synced commit holds at the end of ``on`` in an account under
    ``holdings``, or that a transaction dated after ``since`` through ``on`` and touching
    an account under ``sides`` moves on any of its legs (a flow is valued on them)."""
    rows = conn.execute(
        "SELECT currency FROM ledger_postings"
        f" WHERE date <= %(on)s AND {under_prefixes('%(holdings)s')}"
        " GROUP BY commit_hash, account, currency HAVING sum(units) <> 0"
        " UNION SELECT p.currency FROM ledger_postings p"
        " WHERE p.date > %(since)s AND p.date <= %(on)s AND EXISTS ("
        "  SELECT 1 FROM ledger_postings q WHERE q.commit_hash = p.commit_hash"
        "  AND q.txn_id = p.txn_id AND q.date = p.date"
        f"  AND {under_prefixes('%(sides)s', 'q.account')})",
        {"on": on, "since": since, "holdings": holdings, "sides": sides},
    ).fetchall()
    return {r["currency"] for r in rows}


def first_difference(conn: Connection, old: str, new: str) -> dt.date | None:
    """The earliest date on which the postings of two commits differ (compared as
    multisets of date, account, units, cost and price), or None when they are the same."""
    columns = (
        "date, account, currency, units, cost_number, cost_currency, cost_date, cost_label,"
        " price_number, price_currency"
    )
    row = conn.execute(
        "SELECT min(date) AS first FROM ("
        f" (SELECT {columns} FROM ledger_postings WHERE commit_hash = %(new)s"
        f"  EXCEPT ALL SELECT {columns} FROM ledger_postings WHERE commit_hash = %(old)s)"
        f" UNION ALL (SELECT {columns} FROM ledger_postings WHERE commit_hash = %(old)s"
        f"  EXCEPT ALL SELECT {columns} FROM ledger_postings WHERE commit_hash = %(new)s)) d",
        {"old": old, "new": new},
    ).fetchone()
    return None if row is None else row["first"]


def insert_files(
    conn: Connection, commit_hash: str, files: dict[str, bytes], ledger_id: str = DEFAULT_LEDGER
) -> None:
    """A commit's files (path -> content) in its ledger, each content stored once by its
    SHA-256."""
    digests = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    conn.cursor().executemany(
        "INSERT INTO ledger_blobs (sha256, content) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        [(digests[path], data) for path, data in files.items()],
    )
    copy_rows(
        conn,
        "ledger_files",
        ("commit_hash", "ledger_id", "path", "sha256"),
        ((commit_hash, ledger_id, path, digest) for path, digest in sorted(digests.items())),
    )


def commit_files(conn: Connection, commit_hash: str) -> dict[str, bytes]:
    """The files stored for a commit at its sync (empty for a commit synced before files
    were stored)."""
    rows = conn.execute(
        "SELECT f.path, b.content FROM ledger_files f JOIN ledger_blobs b USING (sha256)"
        " WHERE f.commit_hash = %s ORDER BY f.path",
        (commit_hash,),
    ).fetchall()
    return {r["path"]: bytes(r["content"]) for r in rows}


def first_holding_date(conn: Connection, commit_hash: str, prefixes: list[str]) -> dt.date | None:
    """The date of the commit's first posting to an account under ``prefixes``."""
    row = conn.execute(
        "SELECT min(date) AS first FROM ledger_postings WHERE commit_hash = %(commit)s"
        " AND account IN (SELECT account FROM ledger_accounts"
        f"  WHERE commit_hash = %(commit)s AND {under_prefixes('%(prefixes)s')})",
        {"commit": commit_hash, "prefixes": prefixes},
    ).fetchone()
    return None if row is None else row["first"]
