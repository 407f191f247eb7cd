"""Company profiles as of a date, append-only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dawsos_core.db.connection import Connection


def store_profiles(conn: Connection, profiles: list[dict[str, Any]]) -> int:
    """How many were new (one pipelined batch: a profile already stored is kept)."""
    cursor = conn.cursor()
    cursor.executemany(
        "INSERT INTO company_profiles (symbol, as_of, provider, company_name, sector,"
        " industry, currency, market_cap, beta, last_dividend, demo)"
        " VALUES (%(symbol)s, %(as_of)s, %(provider)s, %(company_name)s, %(sector)s,"
        " %(industry)s, %(currency)s, %(market_cap)s, %(beta)s, %(last_dividend)s,"
        " %(demo)s) ON CONFLICT DO NOTHING",
        profiles,
    )
    return max(cursor.rowcount, 0)


def profiles_as_of(conn: Connection, symbols: list[str], on: dt.date) -> list[dict[str, Any]]:
    """The latest profile of each symbol stored on or before ``on``."""
    rows = conn.execute(
        "SELECT DISTINCT ON (symbol) symbol, as_of, provider, company_name, sector, industry,"
        " currency, market_cap, beta, last_dividend, demo FROM company_profiles"
        " WHERE symbol = ANY(%s) AND as_of <= %s ORDER BY symbol, as_of DESC",
        (symbols, on),
    ).fetchall()
    return [dict(r) for r in rows]
