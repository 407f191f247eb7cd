"""One PostgreSQL connection per execution environment.

Lambda reuses a process for many requests and may freeze it between them, so the connection
is opened lazily, pinged before use when it has been idle (a frozen sandbox's socket may be
dead), and discarded after any connection-level failure so the next request reconnects.
No client-side pool: RDS Proxy pools in AWS, and reserved concurrency bounds the number of
environments. ``prepare_threshold=None`` keeps the proxy from pinning sessions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

import psycopg
from psycopg.rows import DictRow, dict_row

from dawsos_core.db.statements import Key, Read, Write, opened_reads
from dawsos_core.errors import ConfigurationError, DatabaseUnavailable, DawsosError
from dawsos_core.settings import Settings

Connection = psycopg.Connection[DictRow]
T = TypeVar("T")

# Transaction-local (SET LOCAL): nothing outlives the request's transaction, and RDS Proxy
# keeps the client on one database connection only for that transaction. A Lambda stopped
# at its 29 s timeout leaves the transaction open; the server ends it 30 s later.
_BECOME_TENANT = (
    "SELECT set_config('role', 'dawsos_api', true), set_config('dawsos.user_sub', %s, true),"
    " set_config('idle_in_transaction_session_timeout', '30s', true)"
)


class Database:
    """Lazily opened, self-healing single connection."""

    def __init__(
        self,
        conninfo: Callable[[], str],
        *,
        connect_timeout_seconds: int = 5,
        idle_check_seconds: float = 30.0,
        retry_after_seconds: int = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._conninfo = conninfo
        self._connect_timeout = connect_timeout_seconds
        self._idle_check = idle_check_seconds
        self._retry_after = retry_after_seconds
        self._clock = clock
        self._conn: Connection | None = None
        self._last_used = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        source: Callable[[], str] | None = None

        def conninfo() -> str:  # resolved at the first connection, not at construction
            nonlocal source
            if source is None:
                source = conninfo_source(settings)
            return source()

        return cls(
            conninfo,
            connect_timeout_seconds=settings.db_connect_timeout_seconds,
            idle_check_seconds=settings.db_idle_check_seconds,
            retry_after_seconds=settings.retry_after_seconds,
        )

    def _unavailable(self, exc: BaseException) -> DatabaseUnavailable:
        return DatabaseUnavailable(
            f"PostgreSQL is not reachable ({type(exc).__name__}); retry shortly",
            retry_after_seconds=self._retry_after,
        )

    def _open(self) -> Connection:
        try:
            return psycopg.connect(
                self._conninfo(),
                autocommit=True,
                prepare_threshold=None,
                connect_timeout=self._connect_timeout,
                row_factory=dict_row,
            )
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc

    def _usable(self, conn: Connection) -> bool:
        if conn.closed or conn.broken:
            return False
        if self._clock() - self._last_used < self._idle_check:
            return True
        try:
            conn.execute("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True

    def connection(self) -> Connection:
        """The live connection, reopened if it is closed, broken or fails its idle ping."""
        if self._conn is None or not self._usable(self._conn):
            self.close()
            self._conn = self._open()
        return self._conn

    @contextmanager
    def session(self) -> Iterator[Connection]:
        """The live connection in autocommit: a single statement is one round trip.

        Use it for one-statement reads; connection failures become 503s."""
        conn = self.connection()
        try:
            yield conn
        except psycopg.OperationalError as exc:
            self.close()
            raise self._unavailable(exc) from exc
        finally:
            self._last_used = self._clock()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction on the live connection, for writes that commit or roll back
        together (inside a request's transaction, a savepoint: two more round trips)."""
        with self.session() as conn, conn.transaction():
            yield conn

    @contextmanager
    def tenant(self, user_sub: str, *reads: Read[Any]) -> Iterator[Tenant]:
        """One transaction as role dawsos_api for ``user_sub``: row-level security admits
        only that user's rows, whatever a query forgets.

        ``reads`` go in the round trip that begins the transaction (pipeline mode) and run
        under the role; their values are ``Tenant.result``, and ``Read.run`` answers them
        from memory until the transaction ends. The transaction commits with
        ``Tenant.close``'s write, or at the end; it also commits when the caller is refused
        (a 4xx keeps the audit rows written for it) and rolls back on any other error."""
        tenant = Tenant(self)
        try:
            with self.session() as conn:
                with conn.pipeline():
                    conn.execute("BEGIN")
                    conn.execute(_BECOME_TENANT, (user_sub,))
                    cursors = [conn.execute(r.sql, r.params) for r in reads]
                for read, cursor in zip(reads, cursors, strict=True):
                    tenant.opened(read, read.parse(cursor.fetchall()))
            with opened_reads(conn, tenant.values):
                yield tenant
        except DawsosError as exc:
            self._end(commit=exc.status < 500)
            raise
        except BaseException:
            self._end(commit=False)
            raise
        else:
            self._end(commit=True)

    def _end(self, *, commit: bool) -> None:
        """COMMIT or ROLLBACK what is still open: nothing after ``Tenant.close``, nothing on
        a broken connection."""
        live = self._conn
        if live is None or live.closed or live.broken:
            return
        if live.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            return
        try:
            live.execute("COMMIT" if commit else "ROLLBACK")
        except psycopg.OperationalError:
            self.close()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            # A dead socket may fail on close; there is nothing to release then.
            with suppress(psycopg.Error):
                conn.close()


@contextmanager
def in_transaction(conn: Connection) -> Iterator[Connection]:
    """For reads that need a transaction (a transaction-local setting): the one open on
    ``conn``, a request's, or else a new one. A read has nothing to roll back alone, so
    it takes no savepoint, which would cost two round trips."""
    if conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
        yield conn
    else:
        with conn.transaction():
            yield conn


class Tenant:
    """A request's transaction under the caller's role: its opening reads' values, and
    its closing write."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.values: dict[Key, Any] = {}

    def opened(self, read: Read[Any], value: Any) -> None:
        self.values[read.key] = value

    def result(self, read: Read[T]) -> T:
        value: T = self.values[read.key]
        return value

    def close(self, write: Write) -> None:
        """Run ``write`` and commit in the same round trip. If the write fails, nothing is
        committed and the context's exit rolls back."""
        with self._db.session() as conn, conn.pipeline():
            conn.execute(write.sql, write.params)
            conn.execute("COMMIT")


def conninfo_source(settings: Settings) -> Callable[[], str]:
    """Where the connection string comes from: DATABASE_URL, else a Secrets Manager secret."""
    if settings.database_url is not None:
        url = settings.database_url.get_secret_value()
        return lambda: url
    if settings.db_secret_arn:
        arn, host = settings.db_secret_arn, settings.db_host or None
        return lambda: conninfo_from_secret(arn, host=host)
    raise ConfigurationError("set DATABASE_URL or DB_SECRET_ARN to reach PostgreSQL")


def conninfo_from_secret(arn: str, *, host: str | None = None) -> str:
    """Build a conninfo from an RDS-style secret, cached by Powertools for five minutes."""
    from aws_lambda_powertools.utilities import parameters  # boto3: only on this path

    secret: Any = parameters.get_secret(arn, transform="json", max_age=300)
    missing = [k for k in ("host", "username", "password") if k not in secret]
    if missing:
        raise ConfigurationError(f"database secret {arn} lacks {', '.join(missing)}")
    return psycopg.conninfo.make_conninfo(
        host=host or secret["host"],
        port=str(secret.get("port", 5432)),
        user=secret["username"],
        password=secret["password"],
        dbname=secret.get("dbname", "dawsos"),
        sslmode=secret.get("sslmode", "require"),
    )
