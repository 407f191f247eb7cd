"""Reads of prewarmed valuations: a portfolio's window in one indexed query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from dawsos_core.db.connection import Connection, in_transaction


def _live_window(join: str = "") -> str:
    """FROM/WHERE of a portfolio's valuations in a window, each from the live (fresh,
    unsuperseded) pack of its date under a policy. Parameters: portfolio, start, end, policy."""
    return (
        f"FROM pack_valuations v JOIN pricing_packs p ON p.id = v.pack_id{join}"
        " WHERE v.portfolio_id = %s AND v.date BETWEEN %s AND %s AND p.policy = %s"
        " AND p.is_fresh AND p.superseded_by IS NULL"
    )


@dataclass(frozen=True)
class ValuationPoint:
    date: dt.date
    pack_id: str
    value_base: Decimal
    flow_in_base: Decimal
    flow_out_base: Decimal


def valuation_window(
    conn: Connection, portfolio_id: str, policy: str, start: dt.date, end: dt.date
) -> list[ValuationPoint]:
    """One point per weekday that has a fresh, unsuperseded pack of the policy."""
    rows = conn.execute(
        "SELECT v.date, v.pack_id, v.value_base, v.flow_in_base, v.flow_out_base"
        f" {_live_window()} ORDER BY v.date",
        (portfolio_id, start, end, policy),
    ).fetchall()
    return [ValuationPoint(**r) for r in rows]


@dataclass(frozen=True)
class HoldingSeries:
    """One holding's prewarmed valuations over a window: ``days`` are offsets in days from
    the window's start, the other arrays (float64) are aligned with them."""

    commodity: str
    days: np.ndarray
    price: np.ndarray
    fx_rate: np.ndarray
    value_base: np.ndarray


# One holding on one day, as the window's aggregate packs it: big-endian, unaligned.
_HOLDING_DAY = np.dtype(
    [("day", ">i4"), ("price", ">f8"), ("fx_rate", ">f8"), ("value_base", ">f8")]
)


def holding_window(
    conn: Connection, portfolio_id: str, policy: str, start: dt.date, end: dt.date
) -> list[HoldingSeries]:
    """Every holding's window in one row each, aggregated in SQL as packed big-endian
    binary (``int4send``/``float8send``) and read straight into numpy: ten years of 500
    holdings is 500 rows, not 1.3 million rows of Decimals. Floats are what the attribution
    computes with (float64, as the pinned conventions say), converted from the numeric
    record when the pack was written (migration 0015). A day's four values are packed
    together into one aggregate: serially, 40% less work than an aggregate for each."""
    with in_transaction(conn):
        # The aggregate of a long window outgrows the default 4 MB and spills to disk.
        conn.execute("SELECT set_config('work_mem', '64MB', true)")
        rows = conn.execute(
            # No ORDER BY (and no sort): ``day`` places each value.
            "SELECT h.commodity, string_agg(int4send(v.date - %s::date)"
            " || float8send(h.price_f8) || float8send(h.fx_rate_f8)"
            " || float8send(h.value_base_f8), ''::bytea) AS packed"
            " "
            + _live_window(
                " JOIN pack_holding_valuations h ON h.pack_id = v.pack_id"
                " AND h.portfolio_id = v.portfolio_id"
            )
            + " GROUP BY h.commodity ORDER BY h.commodity",
            (start, portfolio_id, start, end, policy),
            binary=True,
        ).fetchall()
    series = []
    for r in rows:
        packed = np.frombuffer(r["packed"], dtype=_HOLDING_DAY)
        series.append(
            HoldingSeries(
                commodity=r["commodity"],
                days=packed["day"].astype(np.int64),
                price=packed["price"].astype(np.float64),
                fx_rate=packed["fx_rate"].astype(np.float64),
                value_base=packed["value_base"].astype(np.float64),
            )
        )
    return series


def window_provenance(
    conn: Connection, portfolio_id: str, policy: str, start: dt.date, end: dt.date
) -> dict[str, object]:
    row = conn.execute(
        "SELECT count(*) AS packs, array_agg(DISTINCT v.ledger_commit_hash) AS commits,"
        " min(v.pack_id) FILTER (WHERE v.date = %s) AS first_pack,"
        " max(v.pack_id) FILTER (WHERE v.date = %s) AS last_pack"
        f" {_live_window()}",
        (start, end, portfolio_id, start, end, policy),
    ).fetchone()
    assert row is not None
    return dict(row)


def pack_holdings(conn: Connection, pack_id: str, portfolio_id: str) -> list[dict[str, object]]:
    rows = conn.execute(
        "SELECT commodity, units, price_currency, price, value_local, fx_rate, value_base"
        " FROM pack_holding_valuations WHERE pack_id = %s AND portfolio_id = %s"
        " ORDER BY commodity",
        (pack_id, portfolio_id),
    ).fetchall()
    return [dict(r) for r in rows]
