"""The local stack's database: each function logs in as its own role with a password kept
in the data dir, the embedded server asks those roles for it, and stopping the stack stops
whichever postmaster runs the data dir, one restarted under it included."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

from dawsos_core.db.roles import FUNCTION_ROLES
from dawsos_local.stack import DataDir, LocalDatabase, LocalStack
from dawsos_local.template import load_api
from tests.conftest import ROLE_PASSWORDS, as_role


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    """A data dir whose role passwords are the test session's (the roles belong to the
    whole server, which the session's other tests log in to)."""
    root = tmp_path / "data"
    (root / "db-roles").mkdir(parents=True)
    for role, password in ROLE_PASSWORDS.items():
        (root / "db-roles" / role).write_text(password)
    return DataDir(root)


@pytest.fixture
def external(
    database_url: str, data_dir: DataDir, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalDatabase]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    local = LocalDatabase(data_dir).start()
    yield local
    local.stop()


def _verifiers(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY(%s)",
            (list(FUNCTION_ROLES.values()),),
        ).fetchall()
    return {name: verifier for name, verifier in rows}


def test_migrating_alone_leaves_the_servers_role_passwords(external: LocalDatabase) -> None:
    before = _verifiers(external.url)

    external.migrate()  # every CLI command does: another data dir's must keep working

    assert _verifiers(external.url) == before


def test_each_routed_function_gets_the_url_of_its_own_role(
    external: LocalDatabase, data_dir: DataDir
) -> None:
    stack = LocalStack(data_dir)
    stack.database = external
    functions = load_api(stack.template).functions
    external.set_role_passwords()

    users = {}
    for name, spec in functions.items():
        url = stack.function_env(spec)["DATABASE_URL"]
        with psycopg.connect(url) as conn:
            users[name] = conn.execute("SELECT current_user").fetchone()
    admin = psycopg.conninfo.conninfo_to_dict(external.url).get("user")

    assert users == {
        "ExecuteFunction": ("dawsos_execute",),
        "ExportFunction": ("dawsos_export",),
        "PackBuilderFunction": ("dawsos_pack_builder",),
        "MigrateFunction": (admin,),
    }


def test_each_role_is_given_the_password_the_data_dir_keeps(external: LocalDatabase) -> None:
    before = _verifiers(external.url)

    external.set_role_passwords()

    after = _verifiers(external.url)
    assert set(after) == set(FUNCTION_ROLES.values())
    for role, verifier in after.items():
        assert verifier != before[role]  # set again: a new salt
        assert verifier.startswith("SCRAM-SHA-256$")
        with psycopg.connect(external.role_url(role)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (role,)


@pytest.mark.skipif("DATABASE_URL" in os.environ, reason="the server's own rules decide")
def test_the_embedded_server_asks_a_function_role_for_its_password(database_url: str) -> None:
    for role in FUNCTION_ROLES.values():
        wrong = psycopg.conninfo.make_conninfo(as_role(database_url, role), password="wrong")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(wrong)
        with psycopg.connect(as_role(database_url, role)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (role,)


def _wait_until_reaped(pid: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while psutil.pid_exists(pid):
        assert time.monotonic() < deadline, f"process {pid} was never reaped"
        time.sleep(0.05)


def _gone(pid: int) -> bool:
    """Exited (a zombie counts: no init reaps it in some containers)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_stopping_stops_a_postmaster_restarted_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    local = LocalDatabase(DataDir(tmp_path / "data")).start()
    assert local.embedded is not None
    server = local.embedded
    first = server.postmaster_pid()
    server.restart()  # as an operator, or another tool, would
    second = server.postmaster_pid()
    try:
        assert first is not None
        assert second is not None
        assert second != first
        _wait_until_reaped(first)  # as it is long before a user stops serve

        local.stop()

        assert server.postmaster_pid() is None
        assert _gone(second)
        assert not (server.pgdata / "postmaster.pid").exists()
    finally:
        if server.postmaster_pid() is not None:  # the bug: it is still running
            server.start()
            server.release()
