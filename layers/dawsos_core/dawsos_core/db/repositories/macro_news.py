"""SQL of the stored macro observations and news articles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dawsos_core.db.connection import Connection


def store_observations(
    conn: Connection,
    series_id: str,
    provider: str,
    rows: list[tuple[dt.date, Decimal]],
    *,
    demo: bool = False,
) -> int:
    """How many were new (one pipelined batch: an observation already stored is kept)."""
    cursor = conn.cursor()
    cursor.executemany(
        "INSERT INTO macro_observations (series_id, date, value, provider, demo)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
        [(series_id, day, value, provider, demo) for day, value in rows],
    )
    return max(cursor.rowcount, 0)


def observations(
    conn: Connection, series_ids: list[str], start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT series_id, date, value, provider, demo FROM macro_observations"
        " WHERE series_id = ANY(%s) AND date BETWEEN %s AND %s ORDER BY series_id, date",
        (series_ids, start, end),
    ).fetchall()
    return [dict(r) for r in rows]


def store_articles(conn: Connection, articles: list[dict[str, Any]]) -> int:
    """How many were new (one pipelined batch). An article is keyed by its url's hash and
    the symbol it was found for: one found for two symbols is stored under each, and one
    already stored under a symbol is kept as it was."""
    cursor = conn.cursor()
    cursor.executemany(
        "INSERT INTO news_articles (id, symbol, published_at, title, url, outlet, provider,"
        " demo) VALUES (%(id)s, %(symbol)s, %(published_at)s, %(title)s, %(url)s,"
        " %(outlet)s, %(provider)s, %(demo)s) ON CONFLICT DO NOTHING",
        articles,
    )
    return max(cursor.rowcount, 0)


def articles(
    conn: Connection, symbols: list[str], start: dt.datetime, end: dt.datetime, limit: int
) -> list[dict[str, Any]]:
    """The articles found for any of ``symbols`` published in [start, end), newest first,
    one row per (article, symbol): an article about two of them is listed under each."""
    rows = conn.execute(
        "SELECT symbol, published_at, title, url, outlet, provider, demo FROM news_articles"
        " WHERE symbol = ANY(%s) AND published_at >= %s AND published_at < %s"
        " ORDER BY published_at DESC, id, symbol LIMIT %s",
        (symbols, start, end, limit),
    ).fetchall()
    return [dict(r) for r in rows]
