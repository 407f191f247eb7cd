"""SQL of the ledgers table. Reads take the caller's ``sub`` (None: the operator's view);
another owner's ledger is indistinguishable from one that does not exist. The webhook
secret is read only by ``webhook_secret`` (the execute role holds no grant on it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dawsos_core.db.connection import Connection


@dataclass(frozen=True)
class LedgerRecord:
    id: str
    owner_sub: str | None  # None: the operator's ledger
    remote_url: str | None
    remote_ref: str | None
    token_secret_arn: str | None
    local_path: str | None
    webhook_secret_arn: str | None
    created_at: dt.datetime


_COLUMNS = (
    "id, owner_sub, remote_url, remote_ref, token_secret_arn, local_path, webhook_secret_arn,"
    " created_at"
)


def insert_ledger(conn: Connection, record: LedgerRecord, webhook_secret: str | None) -> bool:
    """False (nothing written) when the id is taken."""
    row = conn.execute(
        "INSERT INTO ledgers (id, owner_sub, remote_url, remote_ref, token_secret_arn,"
        " local_path, webhook_secret, webhook_secret_arn)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING id",
        (
            record.id,
            record.owner_sub,
            record.remote_url,
            record.remote_ref,
            record.token_secret_arn,
            record.local_path,
            webhook_secret,
            record.webhook_secret_arn,
        ),
    ).fetchone()
    return row is not None


def ledger_by_id(conn: Connection, ledger_id: str, owner_sub: str | None) -> LedgerRecord | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM ledgers WHERE id = %s AND (%s::text IS NULL OR owner_sub = %s)",
        (ledger_id, owner_sub, owner_sub),
    ).fetchone()
    return None if row is None else LedgerRecord(**row)


def list_ledgers(conn: Connection, owner_sub: str | None) -> list[LedgerRecord]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM ledgers WHERE (%s::text IS NULL OR owner_sub = %s) ORDER BY id",
        (owner_sub, owner_sub),
    ).fetchall()
    return [LedgerRecord(**r) for r in rows]


def webhook_secret(conn: Connection, ledger_id: str) -> str | None:
    """The ledger's webhook secret as stored (not its ARN's); the pack builder's read."""
    row = conn.execute("SELECT webhook_secret FROM ledgers WHERE id = %s", (ledger_id,)).fetchone()
    return None if row is None else row["webhook_secret"]
