"""Statements as values: a read is its SQL, its parameters and how its rows become a value,
so it can run alone or be sent with others in one round trip (pipeline mode)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from psycopg.rows import DictRow

if TYPE_CHECKING:
    from dawsos_core.db.connection import Connection

T = TypeVar("T")
Params = Sequence[Any] | Mapping[str, Any]


@dataclass(frozen=True)
class Write:
    sql: str
    params: Params = ()


@dataclass(frozen=True)
class Read(Generic[T]):
    sql: str
    params: Params
    parse: Callable[[list[DictRow]], T]

    def run(self, conn: Connection) -> T:
        return self.parse(conn.execute(self.sql, self.params).fetchall())
