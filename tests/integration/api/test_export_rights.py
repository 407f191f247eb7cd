"""Data rights on every export link: a NewsAPI-derived export is refused outside
development when it is made, when its Idempotency-Key is replayed and when its owner asks
for a fresh link, each refusal a 403 and a violation row; development issues links again."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest

from dawsos_core import resources
from dawsos_core.db.connection import Database
from dawsos_core.news.newsapi import NewsApiClient
from dawsos_core.news.newsapi import fetch_and_store as store_news
from dawsos_core.providers.http import HttpClient
from dawsos_local.aws import LocalAws
from tests.conftest import ApiResponse
from tests.integration.api.conftest import Execute, export_api, fetch, objects
from tests.integration.conftest import FIXTURES, FRI, FakeProvider, rows

NEWS = (FIXTURES / "newsapi" / "ACME_2024-06-21_2024-06-28.json").read_bytes()


@pytest.fixture
def news(executing: Execute, db: Database, fake_provider: FakeProvider) -> str:
    """Given an execution of news_impact: its lineage names NewsAPI, whose licence allows
    export in development only."""
    fake_provider.serve("/v2/everything", (200, NEWS, 0.0))
    client = NewsApiClient(
        HttpClient(timeout_seconds=1, retries=0), "k", base_url=f"{fake_provider.url}/v2"
    )
    store_news(db, client, ["ACME"], dt.date(2024, 6, 21), FRI)
    response = executing("news_impact", {"portfolio_id": "p", "days": 7})
    assert response.status == HTTPStatus.OK, response.body
    return str(response.body["execution_id"])


def in_environment(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", name)
    resources.reset()


def violations(database_url: str) -> list[dict[str, Any]]:
    return rows(
        database_url,
        "SELECT id, user_sub, execution_id, environment, sources, format, request_id"
        " FROM rights_violations ORDER BY created_at, id",
    )


def test_news_export_is_blocked_in_staging_and_recorded(
    exporting: Callable[..., ApiResponse],
    news: str,
    aws: LocalAws,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = objects(aws)
    in_environment("staging", monkeypatch)

    response = exporting(news, "csv", key="news-1")

    assert response.status == HTTPStatus.FORBIDDEN
    assert response.body["error"] == "export_blocked"
    assert response.body["sources"] == ["NewsAPI"]
    assert response.body["request_id"]
    violations = rows(
        database_url, "SELECT id, user_sub, environment, sources, format FROM rights_violations"
    )
    assert violations == [
        {
            "id": uuid.UUID(response.body["violation_id"]),
            "user_sub": "alice",
            "environment": "staging",
            "sources": ["NewsAPI"],
            "format": "csv",
        }
    ]
    assert objects(aws) == before
    assert rows(database_url, "SELECT count(*) AS n FROM exports") == [{"n": 0}]
    in_environment("development", monkeypatch)
    assert exporting(news, "csv", key="news-2").status == HTTPStatus.OK


def assert_blocked_and_recorded(
    response: ApiResponse, database_url: str, news: str, export_format: str
) -> None:
    assert response.status == HTTPStatus.FORBIDDEN, response.body
    assert response.body["error"] == "export_blocked"
    assert "NewsAPI" in response.body["message"]
    assert response.body["sources"] == ["NewsAPI"]
    assert response.body["request_id"]
    assert "url" not in response.body
    assert violations(database_url) == [
        {
            "id": uuid.UUID(response.body["violation_id"]),
            "user_sub": "alice",
            "execution_id": uuid.UUID(news),
            "environment": "staging",
            "sources": ["NewsAPI"],
            "format": export_format,
            "request_id": response.body["request_id"],
        }
    ]


def test_replaying_a_development_export_in_staging_is_blocked_and_recorded(
    exporting: Callable[..., ApiResponse],
    news: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a NewsAPI-derived export made in development, when its Idempotency-Key is
    replayed after the environment became staging, then no link is issued: 403 and a
    violation row."""
    made = exporting(news, "xlsx", key="news-replay")
    assert made.status == HTTPStatus.OK, made.body
    assert violations(database_url) == []
    in_environment("staging", monkeypatch)

    replayed = exporting(news, "xlsx", key="news-replay")

    assert_blocked_and_recorded(replayed, database_url, news, "xlsx")
    assert rows(database_url, "SELECT count(*) AS n FROM exports") == [{"n": 1}]


def test_a_fresh_link_to_a_development_export_in_staging_is_blocked_and_recorded(
    exporting: Callable[..., ApiResponse],
    news: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a NewsAPI-derived export made in development, when its owner asks GET
    /v1/exports/{id} after the environment became staging, then 403 and a violation row."""
    made = exporting(news, "csv", key="news-get")
    assert made.status == HTTPStatus.OK, made.body
    export_id = made.body["export_id"]
    path, params = f"/v1/exports/{export_id}", {"export_id": export_id}
    assert export_api("GET", path, path_parameters=params).status == HTTPStatus.OK
    in_environment("staging", monkeypatch)

    again = export_api("GET", path, path_parameters=params)

    assert_blocked_and_recorded(again, database_url, news, "csv")


def test_a_link_refused_in_staging_is_issued_again_in_development(
    exporting: Callable[..., ApiResponse],
    news: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gate reads the environment of each request: leaving staging lifts the refusal."""
    made = exporting(news, "txt", key="news-back")
    export_id = made.body["export_id"]
    path, params = f"/v1/exports/{export_id}", {"export_id": export_id}
    in_environment("staging", monkeypatch)
    assert export_api("GET", path, path_parameters=params).status == HTTPStatus.FORBIDDEN
    in_environment("development", monkeypatch)

    replayed = exporting(news, "txt", key="news-back")
    again = export_api("GET", path, path_parameters=params)

    assert replayed.status == again.status == HTTPStatus.OK
    assert replayed.body["export_id"] == again.body["export_id"] == export_id
    assert fetch(again.body["url"])[0] == HTTPStatus.OK
    assert len(violations(database_url)) == 1
