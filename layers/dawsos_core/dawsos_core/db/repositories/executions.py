"""Reads of the executions audit table, always scoped to the caller."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from dawsos_core.db.connection import Connection


@dataclass(frozen=True)
class ExecutionRef:
    id: uuid.UUID
    pattern_id: str
    pricing_pack_id: str | None
    created_at: dt.datetime


def find_execution(conn: Connection, execution_id: uuid.UUID, user_sub: str) -> ExecutionRef | None:
    """The caller's execution, or None: another user's execution is indistinguishable
    from one that does not exist."""
    row = conn.execute(
        "SELECT id, pattern_id, pricing_pack_id, created_at FROM executions "
        "WHERE id = %s AND user_sub = %s",
        (execution_id, user_sub),
    ).fetchone()
    return None if row is None else ExecutionRef(**row)
