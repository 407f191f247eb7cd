"""Statements as values: a read is its SQL, its parameters and how its rows become a value,
so it can run alone or be sent with others in one round trip (pipeline mode).

A request's transaction opens with some reads (the portfolio's ownership, the freshness
gate). Until it ends, the same read on the same connection is answered with the value it
opened with instead of another round trip: the capabilities read the portfolio again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from psycopg.rows import DictRow

if TYPE_CHECKING:
    from dawsos_core.db.connection import Connection

T = TypeVar("T")
Params = Sequence[Any] | Mapping[str, Any]
Key = tuple[str, str]


@dataclass(frozen=True)
class Write:
    sql: str
    params: Params = ()


@dataclass(frozen=True)
class Read(Generic[T]):
    sql: str
    params: Params
    parse: Callable[[list[DictRow]], T]

    @property
    def key(self) -> Key:
        """Equal for the same SQL and parameters (parameters may be a dict: not hashable)."""
        return self.sql, repr(self.params)

    def run(self, conn: Connection) -> T:
        opened = _opened.get()
        if opened is not None and opened.conn is conn:
            key = self.key
            if key in opened.values:
                value: T = opened.values[key]
                return value
        return self.parse(conn.execute(self.sql, self.params).fetchall())


@dataclass(frozen=True)
class _Opened:
    conn: Connection
    values: Mapping[Key, Any]


_opened: ContextVar[_Opened | None] = ContextVar("dawsos_opened_reads", default=None)


@contextmanager
def opened_reads(conn: Connection, values: Mapping[Key, Any]) -> Iterator[None]:
    """While it lasts, ``Read.run`` on ``conn`` answers these reads from ``values``. Step
    threads run in a copy of the request's context, so they see it too."""
    token = _opened.set(_Opened(conn, values))
    try:
        yield
    finally:
        _opened.reset(token)
