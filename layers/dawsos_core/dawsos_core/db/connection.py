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
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row

from dawsos_core.errors import ConfigurationError, DatabaseUnavailable, DawsosError
from dawsos_core.settings import Settings

Connection = psycopg.Connection[DictRow]

# Transaction-local (SET LOCAL): nothing outlives the request's transaction, and RDS Proxy
# keeps the client on one database connection only for that transaction. A Lambda stopped
# at its 29 s timeout leaves the transaction open; the server ends it 30 s later.
_BECOME_TENANT = (
    "SELECT set_config('dawsos.user_sub', %s, true),"
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
        """The live connection in autocommit, for the CLI and the pack builder; a
        connection failure inside it closes the connection and becomes a 503."""
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
        together."""
        with self.session() as conn, conn.transaction():
            yield conn

    @contextmanager
    def request_transaction(self, user_sub: str) -> Iterator[Connection]:
        """One request's transaction for ``user_sub``: the function's login role is
        confined by row-level security to that user's rows (``dawsos.user_sub``), whatever
        a query forgets, and it is no owner, so no ``RESET ROLE`` escapes it (a superuser
        or owner login, as in some tests and the operator's CLI, is not confined). Pass the
        connection it yields to everything that runs under the request.

        It commits at the end, and also when the caller is refused (a 4xx keeps the audit
        rows written for it); it rolls back on any other error. The caller and a 30 s idle
        timeout are transaction-local: nothing outlives the request."""
        refusal: DawsosError | None = None
        with self.session() as conn, conn.transaction():
            conn.execute(_BECOME_TENANT, (user_sub,))
            try:
                yield conn
            except DawsosError as exc:
                if exc.status >= 500:
                    raise
                refusal = exc
        if refusal is not None:
            raise refusal

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            # A dead socket may fail on close; there is nothing to release then.
            with suppress(psycopg.Error):
                conn.close()


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
