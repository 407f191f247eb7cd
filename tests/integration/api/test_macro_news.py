"""macro_hound and data_harvester: FRED and NewsAPI clients against recorded responses,
storage, the pack builder's FRED step, and the macro_overview and news_impact patterns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from http import HTTPStatus

import pytest

from dawsos_core import resources
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.fundamentals import store_profiles
from dawsos_core.db.repositories.macro_news import store_observations
from dawsos_core.errors import ProviderError
from dawsos_core.fundamentals.fmp import FmpFundamentals
from dawsos_core.fundamentals.fmp import fetch_and_store as fetch_profiles
from dawsos_core.jobs import PackJob, run_job
from dawsos_core.macro.fred import FredClient
from dawsos_core.macro.fred import fetch_and_store as store_fred
from dawsos_core.news.newsapi import NewsApiClient
from dawsos_core.news.newsapi import fetch_and_store as store_news
from dawsos_core.providers.http import HttpClient
from dawsos_core.settings import Settings
from tests.conftest import ApiResponse
from tests.integration.conftest import FIXTURES, FRI, FakeProvider, LedgerRepo, rows

FRED = (FIXTURES / "fred" / "DGS10_2024-06-18_2024-06-28.json").read_bytes()
NEWS = (FIXTURES / "newsapi" / "ACME_2024-06-21_2024-06-28.json").read_bytes()
PROFILE = (FIXTURES / "fmp" / "stable_profile_ACME.json").read_bytes()


def http() -> HttpClient:
    return HttpClient(timeout_seconds=1, retries=0)


def test_fred_skips_missing_days_and_names_bad_fields(fake_provider: FakeProvider) -> None:
    fake_provider.serve("/fred/series/observations", (200, FRED, 0.0))
    client = FredClient(http(), "k", base_url=f"{fake_provider.url}/fred")

    found = client.observations("DGS10", dt.date(2024, 6, 18), FRI)

    assert len(found) == 8  # 2024-06-19 has "." (no value)
    assert found[-1] == (FRI, Decimal("4.36"))
    fake_provider.serve(
        "/fred/series/observations",
        (200, b'{"observations": [{"date": "2024-06-28", "value": "x"}]}', 0.0),
    )
    with pytest.raises(ProviderError, match=r"DGS10\.observations\[0\]\.value"):
        client.observations("DGS10", dt.date(2024, 6, 18), FRI)


def test_news_headlines_are_stored_once(
    fake_provider: FakeProvider, db: Database, database_url: str
) -> None:
    fake_provider.serve("/v2/everything", (200, NEWS, 0.0))
    client = NewsApiClient(http(), "k", base_url=f"{fake_provider.url}/v2")

    first = store_news(db, client, ["ACME"], dt.date(2024, 6, 21), FRI)
    again = store_news(db, client, ["ACME"], dt.date(2024, 6, 21), FRI)

    assert (first, again) == (2, 0)
    stored = rows(database_url, "SELECT outlet, demo FROM news_articles ORDER BY published_at")
    assert stored == [
        {"outlet": "Example Wire", "demo": False},
        {"outlet": "Example Business", "demo": False},
    ]
    assert "apiKey=k" in fake_provider.hits[0]
    with pytest.raises(ProviderError, match="NEWSAPI_API_KEY"):
        NewsApiClient(http(), None)


def test_macro_overview_reads_series_as_of_the_pack(
    executing: Callable[..., ApiResponse],
    db: Database,
    fake_provider: FakeProvider,
) -> None:
    fake_provider.serve("/fred/series/observations", (200, FRED, 0.0))
    store_fred(
        db,
        FredClient(http(), "k", base_url=f"{fake_provider.url}/fred"),
        ["DGS10"],
        dt.date(2024, 6, 18),
        FRI,
    )
    with db.transaction() as conn:  # an observation after the pack date must not show
        store_observations(conn, "DGS10", "FRED", [(dt.date(2024, 7, 1), Decimal("9.99"))])

    response = executing("macro_overview", {"series": "dgs10", "lookback_days": 30})

    assert response.status == HTTPStatus.OK, response.body
    series = response.body["result"]["macro"]["series"][0]
    assert series["latest"] == ["2024-06-28", "4.36"]
    assert [a["source"] for a in response.body["attributions"]] == ["FRED"]
    missing = executing("macro_overview", {"series": "DGS10,UNRATE"})
    assert missing.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "UNRATE" in missing.body["message"]


def test_news_impact_lists_headlines_of_held_commodities(
    executing: Callable[..., ApiResponse],
    db: Database,
    fake_provider: FakeProvider,
) -> None:
    fake_provider.serve("/v2/everything", (200, NEWS, 0.0))
    store_news(
        db,
        NewsApiClient(http(), "k", base_url=f"{fake_provider.url}/v2"),
        ["ACME"],
        dt.date(2024, 6, 21),
        FRI,
    )

    response = executing("news_impact", {"portfolio_id": "p", "days": 7})

    assert response.status == HTTPStatus.OK, response.body
    headlines = response.body["result"]["headlines"]
    assert headlines["symbols"] == ["ACME"]
    assert [h["title"] for h in headlines["headlines"]] == [
        "ACME raises guidance after strong quarter",
        "ACME shares slip on sector rotation",
    ]
    assert "NewsAPI" in [a["source"] for a in response.body["attributions"]]


@pytest.fixture
def builder(
    setup: tuple[Database, LedgerRepo], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Callable[[dict[str, str]], Database]:
    """The pack builder's environment as of Friday 2024-06-28 18:00, plus ``extra``."""
    db, repo = setup

    def configure(extra: dict[str, str]) -> Database:
        for name, value in {
            "DATABASE_URL": database_url,
            "LEDGER_REPO": str(repo.path),
            "DAWSOS_NOW": "2024-06-28T18:00:00Z",
            **extra,
        }.items():
            monkeypatch.setenv(name, value)
        resources.reset()
        return db

    return configure


def test_pack_builder_stores_configured_fred_series(
    builder: Callable[[dict[str, str]], Database],
    fake_provider: FakeProvider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_provider.serve("/fred/series/observations", (200, FRED, 0.0))
    db = builder(
        {"MACRO_SERIES": "DGS10", "FRED_API_KEY": "k", "FRED_URL": f"{fake_provider.url}/fred"}
    )

    result = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    assert result["status"] == "fresh"
    assert result["macro"] == {"stored": {"DGS10": 8}}
    monkeypatch.setenv("FRED_URL", f"{fake_provider.url}/down")
    fake_provider.serve("/down/series/observations", (503, b"{}", 0.0))
    again = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())
    assert again["status"] == "unchanged"
    assert "503" in again["macro"]["error"]  # reported, and the pack stays fresh
    assert again["news"] == {"skipped": "no NewsAPI key configured"}


def test_pack_builder_stores_profiles_and_headlines_of_the_pack(
    builder: Callable[[dict[str, str]], Database], fake_provider: FakeProvider
) -> None:
    fake_provider.serve("/stable/profile", (200, PROFILE, 0.0))
    fake_provider.serve("/v2/everything", (200, NEWS, 0.0))
    db = builder(
        {
            "FMP_API_KEY": "k",
            "FMP_URL": fake_provider.url,
            "NEWSAPI_API_KEY": "k",
            "NEWSAPI_URL": f"{fake_provider.url}/v2",
        }
    )

    result = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    assert result["status"] == "fresh"
    assert result["fundamentals"] == {"stored": 1}
    assert result["news"] == {"stored": 2}
    assert result["macro"] == {"skipped": "no MACRO_SERIES configured"}
    news = [h for h in fake_provider.hits if h.startswith("/v2/everything")]
    assert "q=ACME" in news[0]
    assert "from=2024-06-21" in news[0]


def test_fmp_profiles_are_read_as_of_the_pack_date(
    executing: Callable[..., ApiResponse], db: Database, fake_provider: FakeProvider
) -> None:
    fake_provider.serve("/stable/profile", (200, PROFILE, 0.0))
    client = FmpFundamentals(http(), "k", base_url=fake_provider.url)
    assert fetch_profiles(db, client, ["ACME"], dt.date(2024, 6, 21)) == 1
    assert fetch_profiles(db, client, ["ACME"], dt.date(2024, 6, 21)) == 0
    assert "apikey=k" in fake_provider.hits[0]
    with db.transaction() as conn:  # a profile stored after the pack date must not show
        store_profiles(
            conn,
            [{**client.profiles(["ACME"], dt.date(2024, 7, 1))[0], "company_name": "Later"}],
        )

    response = executing("holding_deep_dive", {"portfolio_id": "p", "lookback_days": 5})

    assert response.status == HTTPStatus.OK, response.body
    fundamentals = response.body["result"]["fundamentals"]
    assert fundamentals["missing"] == []
    (profile,) = fundamentals["profiles"]
    assert (profile["company_name"], profile["as_of"], profile["market_cap"]) == (
        "Acme Corporation",
        "2024-06-21",
        "48210000000",
    )
    assert "FMP" in [a["source"] for a in response.body["attributions"]]


def test_fmp_profiles_name_a_malformed_field(fake_provider: FakeProvider) -> None:
    bad = PROFILE.replace(b'"beta": 1.12', b'"beta": "x"')
    fake_provider.serve("/stable/profile", (200, bad, 0.0))
    client = FmpFundamentals(http(), "k", base_url=fake_provider.url)

    with pytest.raises(ProviderError, match=r"profile\[ACME\]\.beta = 'x'"):
        client.profiles(["ACME"], FRI)
    with pytest.raises(ProviderError, match="FMP_API_KEY"):
        FmpFundamentals(http(), None)


def test_holdings_without_a_profile_are_listed_as_missing(
    executing: Callable[..., ApiResponse],
) -> None:
    response = executing("holding_deep_dive", {"portfolio_id": "p", "lookback_days": 5})

    assert response.status == HTTPStatus.OK, response.body
    assert response.body["result"]["fundamentals"] == {
        "symbols": ["ACME"],
        "profiles": [],
        "missing": ["ACME"],
    }
    assert "FMP" not in [a["source"] for a in response.body["attributions"]]
