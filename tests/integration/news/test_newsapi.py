"""The NewsAPI client and its feed against NewsAPI-shaped answers from a loopback server,
each with its real HTTP status: placeholders of removed articles dropped, an article kept
under every symbol it was found for, refusals named with NewsAPI's own code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.macro_news import articles
from dawsos_core.errors import ProviderCause
from dawsos_core.news.newsapi import NewsApiClient, fetch_and_report
from dawsos_core.providers.http import HttpClient
from tests.integration.conftest import FIXTURES, FRI, rows
from tests.integration.loopback import RoutedProvider, routed_provider

EVERYTHING = "/v2/everything"
START = dt.date(2024, 6, 21)
SHARED = "ACME and BETA agree to share a supply chain"


def fixture(name: str) -> bytes:
    return (FIXTURES / "newsapi" / name).read_bytes()


@pytest.fixture
def newsapi() -> Iterator[RoutedProvider]:
    """NewsAPI answering q=ACME (with a removed article's placeholder) and q=BETA; the
    supply-chain article is in both answers."""
    with routed_provider() as server:
        server.serve(
            EVERYTHING,
            fixture("ACME_BETA_with_removed_2024-06-21_2024-06-28.json"),
            where=("q", "ACME"),
        )
        server.serve(EVERYTHING, fixture("BETA_2024-06-21_2024-06-28.json"), where=("q", "BETA"))
        yield server


def client(server: RoutedProvider) -> NewsApiClient:
    return NewsApiClient(
        HttpClient(timeout_seconds=1, retries=0), "k" * 32, base_url=f"{server.url}/v2"
    )


def test_removed_placeholders_are_not_stored(
    newsapi: RoutedProvider, db: Database, database_url: str
) -> None:
    report = fetch_and_report(db, client(newsapi), ["ACME"], START, FRI)

    assert (report.stored, report.removed) == (2, 1)
    stored = rows(database_url, "SELECT title, url, published_at FROM news_articles")
    assert sorted(r["title"] for r in stored) == [SHARED, "ACME shares slip on sector rotation"]
    assert all(r["url"] != "https://removed.com" for r in stored)
    assert all(r["published_at"].year == 2024 for r in stored)


def test_an_article_found_for_two_symbols_is_found_under_both(
    newsapi: RoutedProvider, db: Database
) -> None:
    report = fetch_and_report(db, client(newsapi), ["ACME", "BETA"], START, FRI)

    assert report.stored == 4  # the shared article under ACME and under BETA
    start = dt.datetime(2024, 6, 21, tzinfo=dt.UTC)
    end = dt.datetime(2024, 6, 29, tzinfo=dt.UTC)
    with db.session() as conn:
        beta = [(a["symbol"], a["title"]) for a in articles(conn, ["BETA"], start, end, 50)]
        acme = [(a["symbol"], a["title"]) for a in articles(conn, ["ACME"], start, end, 50)]
        both = [(a["symbol"], a["title"]) for a in articles(conn, ["ACME", "BETA"], start, end, 50)]
    assert ("BETA", SHARED) in beta
    assert ("ACME", SHARED) in acme
    assert both[:2] == [("ACME", SHARED), ("BETA", SHARED)]  # newest first, then by symbol
    again = fetch_and_report(db, client(newsapi), ["ACME", "BETA"], START, FRI)
    assert again.stored == 0


@pytest.mark.parametrize(
    ("body", "status", "code", "cause", "action"),
    [
        (
            "error_401_apiKeyInvalid.json",
            401,
            "apiKeyInvalid",
            ProviderCause.NOT_AUTHORISED,
            "check NEWSAPI_API_KEY",
        ),
        ("error_429_rateLimited.json", 429, "rateLimited", ProviderCause.RATE_LIMITED, "back off"),
    ],
)
def test_a_refusal_names_newsapis_code_and_what_to_do_and_asks_nothing_more(
    db: Database, body: str, status: int, code: str, cause: ProviderCause, action: str
) -> None:
    with routed_provider() as server:
        server.serve(EVERYTHING, fixture(body), status=status)

        report = fetch_and_report(db, client(server), ["ACME", "BETA"], START, FRI)

    ((symbol, error),) = report.failures
    assert symbol == "ACME"
    assert (error.http_status, error.provider_code, error.cause) == (status, code, cause)
    assert error.message.startswith(f"NewsAPI ACME: HTTP {status} {code}: ")
    assert f"-> {action}" in error.message
    assert "k" * 32 not in error.message
    assert report.not_fetched == ["BETA"]
    assert len(server.hits) == 1
    assert report.stored == 0
