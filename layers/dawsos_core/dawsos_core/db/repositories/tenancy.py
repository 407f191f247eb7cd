"""SQL of a caller's share of the database: slots held for one request's transaction."""

from __future__ import annotations

from dawsos_core.db.connection import Connection


def claim_request_slot(conn: Connection, user_sub: str, slots: int) -> int | None:
    """Hold one of the caller's ``slots`` until the transaction ends (a transaction-level
    advisory lock on the caller and the slot); None when the caller holds them all."""
    row = conn.execute(
        "SELECT slot FROM generate_series(0, %(slots)s - 1) AS slot"
        " WHERE pg_try_advisory_xact_lock(hashtext('dawsos.request:' || %(sub)s), slot)"
        " LIMIT 1",
        {"slots": slots, "sub": user_sub},
    ).fetchone()
    return None if row is None else int(row["slot"])
