"""Bulk writes through COPY: one statement for any number of rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from psycopg import sql

from dawsos_core.db.connection import Connection


def copy_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY ``rows`` (tuples in the order of ``columns``) into ``table``, in the caller's
    transaction. PostgreSQL refuses COPY FROM into a table whose row-level security applies
    to the role (the pack builder's syncs of ledger rows): those rows are INSERTed, in
    one pipelined batch."""
    active = conn.execute("SELECT row_security_active(%s::regclass) AS a", (table,)).fetchone()
    if active is not None and active["a"]:
        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(table),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        batch = [tuple(row) for row in rows]
        if batch:
            with conn.cursor() as cursor:
                cursor.executemany(statement, batch)
        return
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
