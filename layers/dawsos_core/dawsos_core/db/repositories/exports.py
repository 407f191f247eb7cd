"""Exports and rights violations, always scoped to the caller."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from dawsos_core.db.connection import Connection


@dataclass(frozen=True)
class ExportRecord:
    id: uuid.UUID
    user_sub: str
    execution_id: uuid.UUID
    idempotency_key: str
    format: str
    s3_key: str
    sha256: str
    size_bytes: int
    watermark: dict[str, Any]
    request_id: str
    created_at: dt.datetime


_EXPORT_COLUMNS = (
    "id, user_sub, execution_id, idempotency_key, format, s3_key, sha256, size_bytes,"
    " watermark, request_id, created_at"
)


def find_export(conn: Connection, export_id: uuid.UUID, user_sub: str) -> ExportRecord | None:
    """The caller's export, or None: another user's is indistinguishable from none."""
    row = conn.execute(
        f"SELECT {_EXPORT_COLUMNS} FROM exports WHERE id = %s AND user_sub = %s",
        (export_id, user_sub),
    ).fetchone()
    return None if row is None else ExportRecord(**row)


def find_export_by_key(
    conn: Connection, user_sub: str, idempotency_key: str
) -> ExportRecord | None:
    row = conn.execute(
        f"SELECT {_EXPORT_COLUMNS} FROM exports WHERE user_sub = %s AND idempotency_key = %s",
        (user_sub, idempotency_key),
    ).fetchone()
    return None if row is None else ExportRecord(**row)


def lock_idempotency_key(conn: Connection, user_sub: str, idempotency_key: str) -> None:
    """Serialise requests that share a key until the transaction ends: one export each."""
    conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
        (f"export\x1f{user_sub}\x1f{idempotency_key}",),
    )


def insert_export(conn: Connection, record: ExportRecord) -> None:
    conn.execute(
        f"INSERT INTO exports ({_EXPORT_COLUMNS})"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            record.id,
            record.user_sub,
            record.execution_id,
            record.idempotency_key,
            record.format,
            record.s3_key,
            record.sha256,
            record.size_bytes,
            Jsonb(record.watermark),
            record.request_id,
            record.created_at,
        ),
    )


def insert_violation(
    conn: Connection,
    *,
    user_sub: str,
    execution_id: uuid.UUID,
    export_format: str,
    environment: str,
    sources: list[str],
    request_id: str,
) -> uuid.UUID:
    violation_id = uuid.uuid4()
    conn.execute(
        "INSERT INTO rights_violations"
        " (id, user_sub, execution_id, action, format, environment, sources, request_id)"
        " VALUES (%s, %s, %s, 'export', %s, %s, %s, %s)",
        (violation_id, user_sub, execution_id, export_format, environment, sources, request_id),
    )
    return violation_id


def export_owner(conn: Connection, export_id: uuid.UUID) -> str | None:
    """Who an export belongs to, for operators verifying a file (never called by the API)."""
    row = conn.execute("SELECT user_sub FROM exports WHERE id = %s", (export_id,)).fetchone()
    return None if row is None else str(row["user_sub"])
