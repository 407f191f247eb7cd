"""Reads of the pricing_packs table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dawsos_core.db.connection import Connection


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


_COLUMNS = (
    "id, date, policy, hash, superseded_by, status, is_fresh, prewarm_done, "
    "reconciliation_passed, reconciliation_error_bps, error_message, created_at, updated_at"
)


def latest_pack(conn: Connection, policy: str) -> PackRecord | None:
    """The newest pack of a policy: latest date, a live pack before a superseded one."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM pricing_packs WHERE policy = %s "
        "ORDER BY date DESC, (superseded_by IS NULL) DESC, created_at DESC LIMIT 1",
        (policy,),
    ).fetchone()
    return None if row is None else PackRecord(**row)


def pack_by_id(conn: Connection, pack_id: str) -> PackRecord | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM pricing_packs WHERE id = %s", (pack_id,)).fetchone()
    return None if row is None else PackRecord(**row)
