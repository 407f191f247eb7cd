"""news_impact over a portfolio holding ACME and BETA: an article NewsAPI found for both is
listed under each held commodity, and a removed article's placeholder under none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from http import HTTPStatus

import pytest

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.news.newsapi import NewsApiClient, fetch_and_report
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.providers.http import HttpClient
from tests.conftest import ApiResponse
from tests.integration.conftest import FIXTURES, FRI, LEDGER, LedgerRepo
from tests.integration.loopback import RoutedProvider, routed_provider

JUNE_17 = dt.date(2024, 6, 17)
BETA = "\n".join(
    [
        "2024-06-01 open Assets:Broker:BETA BETA",
        '2024-06-05 * "Buy BETA"',
        "  Assets:Broker:BETA         20 BETA {50 USD}",
        "  Assets:Broker:Cash",
        *(f"{day} price BETA 5{i}.00 USD" for i, day in enumerate(weekdays(JUNE_17, FRI))),
        "",
    ]
)
SHARED = "ACME and BETA agree to share a supply chain"


@pytest.fixture
def setup(db: Database, ledger_repo: LedgerRepo) -> tuple[Database, LedgerRepo]:
    """The shared ledger with BETA held beside ACME, synced, and portfolio p over it."""
    ledger_repo.commit({"main.beancount": LEDGER + BETA})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="p", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    return db, ledger_repo


@pytest.fixture
def newsapi() -> Iterator[RoutedProvider]:
    with routed_provider() as server:
        news = FIXTURES / "newsapi"
        server.serve(
            "/v2/everything",
            (news / "ACME_BETA_with_removed_2024-06-21_2024-06-28.json").read_bytes(),
            where=("q", "ACME"),
        )
        server.serve(
            "/v2/everything",
            (news / "BETA_2024-06-21_2024-06-28.json").read_bytes(),
            where=("q", "BETA"),
        )
        yield server


def test_an_article_about_two_holdings_is_listed_under_each(
    executing: Callable[..., ApiResponse], db: Database, newsapi: RoutedProvider
) -> None:
    # Given NewsAPI's headlines of both holdings stored, one article found for both
    client = NewsApiClient(
        HttpClient(timeout_seconds=1, retries=0), "k" * 32, base_url=f"{newsapi.url}/v2"
    )
    report = fetch_and_report(db, client, ["ACME", "BETA"], dt.date(2024, 6, 21), FRI)
    assert (report.stored, report.removed) == (4, 1)

    # When news_impact runs over the portfolio
    response = executing("news_impact", {"portfolio_id": "p", "days": 7})

    # Then the shared article is listed under ACME and under BETA, the placeholder nowhere
    assert response.status == HTTPStatus.OK, response.body
    headlines = response.body["result"]["headlines"]
    assert headlines["symbols"] == ["ACME", "BETA"]
    listed = [(h["symbol"], h["title"]) for h in headlines["headlines"]]
    assert ("ACME", SHARED) in listed
    assert ("BETA", SHARED) in listed
    assert sorted(listed) == sorted(
        [
            ("ACME", SHARED),
            ("BETA", SHARED),
            ("BETA", "BETA opens a new plant"),
            ("ACME", "ACME shares slip on sector rotation"),
        ]
    )
    assert all("[Removed]" not in title for _, title in listed)
