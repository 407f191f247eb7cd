"""Bulk writes through COPY: one statement for any number of rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from dawsos_core.db.connection import Connection


def copy_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY ``rows`` (tuples in the order of ``columns``) into ``table``, in the caller's
    transaction."""
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
