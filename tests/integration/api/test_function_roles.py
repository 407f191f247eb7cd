"""Each handler does its whole job logged in as its own role, with only that role's grants:
the execute function answers (valuing on demand what no writer valued), the export function
exports and records a refusal, the pack builder builds, values and reports freshness, and
the migrate function migrates and sets the roles' passwords."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import psycopg
import pytest

from dawsos_core import resources
from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.db.roles import FUNCTION_ROLES
from dawsos_core.errors import ConfigurationError
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_local.aws import LOCAL_CREDENTIALS, LocalAws
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler
from tests.conftest import ROLE_PASSWORDS, ApiResponse, as_role
from tests.integration.conftest import FRI, LedgerRepo, rows

pack_builder = load_handler(FUNCTIONS_DIR / "pack_builder" / "app.py")
migrate_function = load_handler(FUNCTIONS_DIR / "migrate" / "app.py")
KEY = "watermark-key-for-tests-" + "y" * 24


def build_packs(logins: dict[str, str]) -> None:
    """The packs of 2024-06-17 to 06-28, built by the pack builder as its role."""
    db = Database(lambda: logins["pack_builder"])
    for day in weekdays(dt.date(2024, 6, 17), FRI):
        job = {"date": day.isoformat(), "policy": "ECB"}
        assert pack_builder(job, LambdaContext("pack_builder"), db=db)["status"] == "fresh"
    db.close()


@pytest.fixture
def as_function(logins: dict[str, str], api_env: Callable[[str], None]) -> Callable[[str], None]:
    """Point the handlers at the database as ``service``'s role logs in to it."""

    def use(service: str) -> None:
        api_env(logins[service])

    return use


def test_the_execute_function_answers_and_values_on_demand_as_its_role(
    setup: tuple[Any, LedgerRepo],
    logins: dict[str, str],
    as_function: Callable[[str], None],
    call_api: Callable[..., ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
) -> None:
    db, _ = setup
    build_packs(logins)
    create_portfolio(  # after the pack: no writer valued it
        db, PortfolioSpec(id="late", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    monkeypatch.setenv("DAWSOS_NOW", "2024-06-28T18:00:00Z")
    as_function("execute")

    inputs = {"portfolio_id": "late", "lookback_days": 5}
    body = json.dumps({"pattern_id": "portfolio_overview", "inputs": inputs})
    answer = call_api("execute", "POST", "/v1/execute", body=body)
    theirs = call_api("execute", "POST", "/v1/execute", body=body, sub="mallory")
    health = call_api("execute", "GET", "/health/pack")

    assert answer.status == HTTPStatus.OK, answer.body
    assert theirs.status == HTTPStatus.NOT_FOUND
    assert health.status == HTTPStatus.OK
    assert health.body["status"] == "fresh"
    written = rows(
        database_url,
        "SELECT (SELECT count(*) FROM valuations WHERE portfolio_id = 'late') AS valuations,"
        " (SELECT count(*) FROM executions WHERE user_sub = 'alice') AS executions",
    )
    assert written == [{"valuations": 6, "executions": 1}]  # the window's six days


@pytest.fixture
def aws() -> Any:
    local = LocalAws("dawsos-exports-roles").start()
    yield local
    local.stop()


def test_the_export_function_exports_and_records_a_refusal_as_its_role(
    setup: tuple[Any, LedgerRepo],
    logins: dict[str, str],
    as_function: Callable[[str], None],
    call_api: Callable[..., ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    aws: LocalAws,
) -> None:
    build_packs(logins)
    monkeypatch.setenv("DAWSOS_NOW", "2024-06-28T18:00:00Z")
    as_function("execute")
    inputs = {"portfolio_id": "p", "lookback_days": 5}
    body = json.dumps({"pattern_id": "portfolio_overview", "inputs": inputs})
    execution = call_api("execute", "POST", "/v1/execute", body=body).body["execution_id"]
    news = str(uuid.uuid4())  # an answer whose lineage forbids export outside development
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO executions (id, request_id, user_sub, pattern_id, provenance)"
            " VALUES (%s, 'r', 'alice', 'news_impact', '{\"sources\": [\"NewsAPI\"]}')",
            (news,),
        )
    for name, value in {
        **LOCAL_CREDENTIALS,
        "S3_ENDPOINT_URL": aws.endpoint_url,
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": aws.endpoint_url,
        "EXPORTS_BUCKET": aws.bucket,
        "WATERMARK_KEY_SECRET_ARN": aws.put_secret("dawsos/roles-watermark-key", KEY),
        "ENVIRONMENT": "staging",
    }.items():
        monkeypatch.setenv(name, value)
    as_function("export")

    def export(execution_id: str, key: str) -> ApiResponse:
        body = json.dumps({"execution_id": execution_id, "format": "csv"})
        return call_api(
            "export", "POST", "/v1/exports", body=body, headers={"Idempotency-Key": key}
        )

    made = export(execution, "k1")
    again = call_api("export", "GET", f"/v1/exports/{made.body.get('export_id')}")
    refused = export(news, "k2")

    assert made.status == HTTPStatus.OK, made.body
    assert again.status == HTTPStatus.OK, again.body
    assert refused.status == HTTPStatus.FORBIDDEN, refused.body
    assert rows(database_url, "SELECT user_sub, sources FROM rights_violations") == [
        {"user_sub": "alice", "sources": ["NewsAPI"]}
    ]


def test_the_pack_builder_builds_values_and_reports_as_its_role(
    setup: tuple[Any, LedgerRepo],
    logins: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
) -> None:
    monkeypatch.setenv("DAWSOS_NOW", "2024-06-28T17:00:00Z")
    resources.reset()
    db = Database(lambda: logins["pack_builder"])

    built = pack_builder({"scheduled_time": "2024-06-28T15:30:00Z"}, LambdaContext("pb"), db=db)
    again = pack_builder({"date": "2024-06-28", "policy": "ECB"}, LambdaContext("pb"), db=db)
    checked = pack_builder({"action": "check_freshness"}, LambdaContext("pb"), db=db)
    db.close()

    assert (built["status"], again["status"]) == ("fresh", "unchanged")
    assert checked["fresh"] is True
    assert rows(database_url, "SELECT count(*) AS n FROM valuations") == [{"n": 1}]


def test_migrations_are_not_the_pack_builders_job(logins: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="action"):
        pack_builder(
            {"action": "migrate"},
            LambdaContext("pb"),
            db=Database(lambda: logins["pack_builder"]),
        )


def test_the_migrate_function_migrates_once_and_sets_each_roles_password(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = {f"arn:{role}": {"username": role, "password": ROLE_PASSWORDS[role]}
               for role in FUNCTION_ROLES.values()}  # fmt: skip
    monkeypatch.setenv("DB_LOGIN_SECRET_ARNS", ",".join(secrets))
    resources.reset()
    db = Database(lambda: empty_database_url)

    first = migrate_function({}, LambdaContext("migrate"), db=db, read=secrets.__getitem__)
    second = migrate_function({}, LambdaContext("migrate"), db=db, read=secrets.__getitem__)
    db.close()

    assert first["applied"][0] == "0001_pricing_packs"
    assert second["applied"] == []
    assert first["logins"] == second["logins"] == list(FUNCTION_ROLES.values())
    for role in FUNCTION_ROLES.values():
        with psycopg.connect(as_role(empty_database_url, role)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (role,)


@pytest.mark.parametrize(
    "secret",
    [
        {"username": "postgres", "password": "x"},
        {"username": "dawsos_owner", "password": "x"},
        {"username": "dawsos_execute"},
    ],
)
def test_the_migrate_function_sets_no_password_of_a_role_no_function_logs_in_as(
    database_url: str, monkeypatch: pytest.MonkeyPatch, secret: dict[str, str]
) -> None:
    monkeypatch.setenv("DB_LOGIN_SECRET_ARNS", "arn:one")
    resources.reset()
    db = Database(lambda: database_url)
    with psycopg.connect(database_url) as conn:
        before = conn.execute("SELECT rolname, rolpassword FROM pg_authid ORDER BY 1").fetchall()

    with pytest.raises(ConfigurationError, match="function role"):
        migrate_function({}, LambdaContext("migrate"), db=db, read=lambda arn: secret)
    db.close()

    with psycopg.connect(database_url) as conn:
        after = conn.execute("SELECT rolname, rolpassword FROM pg_authid ORDER BY 1").fetchall()
    assert after == before


def test_the_api_tests_call_each_function_logged_in_as_its_own_role(
    executing: Callable[..., ApiResponse], call_api: Callable[..., ApiResponse]
) -> None:
    """The fixture every API test stands on runs each handler as its role, not as the
    database's owner, so that row-level security and the grants apply to them all."""
    seen = {}
    for function, method, path in (
        ("execute", "GET", "/v1/portfolios"),
        ("export", "GET", f"/v1/exports/{uuid.uuid4()}"),
        ("pack_builder", "POST", "/v1/ledgers/nope/sync"),
    ):
        call_api(function, method, path, path_parameters=None)
        with resources.get_database().session() as conn:
            seen[function] = conn.execute("SELECT current_user AS u").fetchone()["u"]

    assert seen == dict(FUNCTION_ROLES)
