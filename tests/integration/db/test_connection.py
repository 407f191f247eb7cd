"""The per-process connection survives a database restart without restarting the process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path

import pytest

from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import migrate
from dawsos_core.errors import DatabaseUnavailable
from dawsos_local.postgres import EmbeddedPostgres
from tests.conftest import ApiResponse


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    """A server of this test's own, since the test stops it."""
    server = EmbeddedPostgres(tmp_path / "pg").start()
    try:
        yield server
    finally:
        server.start()  # release() needs it running to stop it cleanly
        server.release()


def test_connection_reopens_after_the_server_restarts(own_server: EmbeddedPostgres) -> None:
    db = Database(lambda: own_server.url("postgres"), retry_after_seconds=7)
    with db.transaction() as conn:
        assert conn.execute("SELECT 1 AS one").fetchone() == {"one": 1}

    own_server.stop()
    with pytest.raises(DatabaseUnavailable) as raised, db.transaction() as conn:
        conn.execute("SELECT 1")
    assert raised.value.retry_after_seconds == 7

    own_server.start()
    with db.transaction() as conn:
        assert conn.execute("SELECT 2 AS two").fetchone() == {"two": 2}
    db.close()


def test_idle_connection_is_pinged_before_use(own_server: EmbeddedPostgres) -> None:
    now = [0.0]
    db = Database(lambda: own_server.url("postgres"), idle_check_seconds=30, clock=lambda: now[0])
    first = db.connection()
    own_server.stop()
    own_server.start()

    now[0] = 31.0  # idle long enough to be checked: the dead socket is noticed and replaced
    second = db.connection()

    assert second is not first
    assert second.execute("SELECT 1 AS one").fetchone() == {"one": 1}
    db.close()


def test_health_answers_503_while_down_and_recovers(
    own_server: EmbeddedPostgres,
    api_env: Callable[[str], None],
    call_api: Callable[..., ApiResponse],
) -> None:
    url = own_server.url("postgres")
    migrate(Database(lambda: url))
    api_env(url)
    assert call_api("execute", "GET", "/health/pack").status == HTTPStatus.OK

    own_server.stop()
    down = call_api("execute", "GET", "/health/pack")

    assert down.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert down.headers["Retry-After"] == "60"
    assert down.body["error"] == "database_unavailable"
    assert "Traceback" not in down.body["message"]

    own_server.start()
    assert call_api("execute", "GET", "/health/pack").status == HTTPStatus.OK
