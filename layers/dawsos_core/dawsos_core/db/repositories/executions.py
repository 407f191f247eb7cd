"""SQL of the executions audit table: reads are always scoped to the caller."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from dawsos_core.db.connection import Connection


@dataclass(frozen=True)
class ExecutionRecord:
    """A stored answer with its provenance: what an export is made from."""

    id: uuid.UUID
    request_id: str
    pattern_id: str
    inputs: dict[str, Any]
    portfolio_id: str | None
    pricing_pack_id: str | None
    ledger_commit_hash: str | None
    provenance: dict[str, Any]
    result: dict[str, Any] | None
    result_hash: str | None
    created_at: dt.datetime


def find_execution(
    conn: Connection, execution_id: uuid.UUID, user_sub: str
) -> ExecutionRecord | None:
    """The caller's execution, or None: another user's execution is indistinguishable
    from one that does not exist."""
    row = conn.execute(
        "SELECT id, request_id, pattern_id, inputs, portfolio_id, pricing_pack_id,"
        " ledger_commit_hash, provenance, result, result_hash, created_at"
        " FROM executions WHERE id = %s AND user_sub = %s",
        (execution_id, user_sub),
    ).fetchone()
    return None if row is None else ExecutionRecord(**row)


def insert_execution(
    conn: Connection,
    *,
    execution_id: uuid.UUID,
    request_id: str,
    trace_id: str,
    user_sub: str,
    pattern_id: str,
    inputs: str,
    portfolio_id: str | None,
    pricing_pack_id: str,
    ledger_commit_hash: str | None,
    provenance: str,
    result: str,
    result_hash: str,
) -> None:
    """JSON arguments are passed as text. The result is stored as ``json``, which keeps the
    canonical text byte for byte: its SHA-256 is ``result_hash``."""
    conn.execute(
        "INSERT INTO executions (id, request_id, trace_id, user_sub, pattern_id, inputs,"
        " portfolio_id, pricing_pack_id, ledger_commit_hash, provenance, result, result_hash)"
        " VALUES (%s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s::jsonb, %s::json, %s)",
        (
            execution_id,
            request_id,
            trace_id,
            user_sub,
            pattern_id,
            inputs,
            portfolio_id,
            pricing_pack_id,
            ledger_commit_hash,
            provenance,
            result,
            result_hash,
        ),
    )
