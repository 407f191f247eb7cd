"""Shared fixtures: a real PostgreSQL server and handler invocation through real events.

The server is the embedded one, started once per test session in a temporary directory,
unless DATABASE_URL is set (its role must be allowed to create databases and roles).
Migrations are applied once to a template database; each test that needs a database gets a
fresh copy. ``logins`` connects to it as each function's own role, as the functions do.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from dawsos_core import resources
from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import migrate
from dawsos_core.db.roles import FUNCTION_ROLES, set_password
from dawsos_local.events import http_api_event
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler
from dawsos_local.postgres import EmbeddedPostgres, drop_database, ensure_database


def with_database(url: str, name: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = name
    return make_conninfo(**params)


# The function roles' passwords for this session (roles belong to the whole server).
ROLE_PASSWORDS = {role: secrets.token_urlsafe(24) for role in FUNCTION_ROLES.values()}


def as_role(url: str, role: str) -> str:
    """``url`` logged in as a function role, with its password."""
    params = conninfo_to_dict(url)
    params["user"] = role
    params["password"] = ROLE_PASSWORDS[role]
    return make_conninfo(**params)


def set_role_passwords(admin_url: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for role, password in ROLE_PASSWORDS.items():
            set_password(conn, role, password)


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg") / "data").start()
    server.require_passwords(FUNCTION_ROLES.values())  # as the local stack's server does
    try:
        yield server.url("postgres")
    finally:
        server.release()


@pytest.fixture(scope="session")
def template_database(pg_admin_url: str) -> Iterator[str]:
    name = f"dawsos_tpl_{uuid.uuid4().hex[:8]}"
    ensure_database(pg_admin_url, name)
    db = Database(lambda: with_database(pg_admin_url, name))
    migrate(db)
    db.close()
    set_role_passwords(pg_admin_url)
    yield name
    drop_database(pg_admin_url, name)


@pytest.fixture
def database_url(pg_admin_url: str, template_database: str) -> Iterator[str]:
    """A freshly migrated database of its own for one test."""
    name = f"dawsos_t_{uuid.uuid4().hex[:10]}"
    ensure_database(pg_admin_url, name, template=template_database)
    yield with_database(pg_admin_url, name)
    drop_database(pg_admin_url, name)


@pytest.fixture
def logins(database_url: str) -> dict[str, str]:
    """The test's database as each function logs in to it: its own role, by service name
    (``execute``, ``export``, ``pack_builder``)."""
    return {service: as_role(database_url, role) for service, role in FUNCTION_ROLES.items()}


@pytest.fixture
def empty_database_url(pg_admin_url: str) -> Iterator[str]:
    """A database with no migrations applied."""
    name = f"dawsos_e_{uuid.uuid4().hex[:10]}"
    ensure_database(pg_admin_url, name)
    yield with_database(pg_admin_url, name)
    drop_database(pg_admin_url, name)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    from psycopg.rows import dict_row

    with psycopg.connect(database_url, autocommit=True, row_factory=dict_row) as connection:
        yield connection


def _function_login_variable(function: str) -> str:
    return f"DAWSOS_TEST_LOGIN_{function.upper()}"


@pytest.fixture
def api_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Point the handlers' cached settings and connection at a database URL (one login for
    every function; see ``as_functions`` for each function's own)."""

    def use(url: str) -> None:
        for function in FUNCTION_ROLES:
            monkeypatch.delenv(_function_login_variable(function), raising=False)
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
        monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
        resources.reset()

    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    yield use
    resources.reset()


@pytest.fixture
def as_functions(
    api_env: Callable[[str], None], logins: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Callable[[], None]:
    """Call to have each handler ``invoke`` runs log in as its function's own role (as in
    AWS: row-level security and its grants apply), until ``api_env`` names one login."""

    def use() -> None:
        api_env(logins["execute"])
        for function, login in logins.items():
            monkeypatch.setenv(_function_login_variable(function), login)

    return use


def _log_in_as(function: str) -> None:
    login = os.environ.get(_function_login_variable(function))
    if login is not None and os.environ.get("DATABASE_URL") != login:
        os.environ["DATABASE_URL"] = login  # restored by api_env's monkeypatch at teardown
        resources.reset()


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: Any


def invoke(
    function: str,
    method: str,
    path: str,
    *,
    sub: str | None = "alice",
    body: str | bytes | None = None,
    query: str = "",
    headers: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
) -> ApiResponse:
    """Run a handler in-process on the event API Gateway would send it."""
    _log_in_as(function)
    handler = load_handler(FUNCTIONS_DIR / function / "app.py")
    claims = None if sub is None else {"sub": sub}
    all_headers = {"content-type": "application/json", **(headers or {})}
    event = http_api_event(
        method,
        path,
        query_string=query,
        headers=all_headers,
        body=body,
        claims=claims,
        path_parameters=path_parameters,
    )
    result = handler(event, LambdaContext(function_name=function))
    raw = result.get("body") or ""
    parsed = json.loads(raw) if raw and "json" in result["headers"].get("Content-Type", "") else raw
    return ApiResponse(result["statusCode"], result["headers"], parsed)


@pytest.fixture
def call_api() -> Callable[..., ApiResponse]:
    return invoke


@pytest.fixture
def repo_root() -> Path:
    return FUNCTIONS_DIR.parent
