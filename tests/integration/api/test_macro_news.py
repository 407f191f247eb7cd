"""macro_hound and data_harvester: FRED and NewsAPI clients against recorded responses,
storage, the pack builder's FRED step, and the macro_overview and news_impact patterns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
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
from tests.integration.loopback import RoutedProvider, routed_provider

FRED = (FIXTURES / "fred" / "DGS10_2024-06-18_2024-06-28.json").read_bytes()
FRED_DGS10 = (FIXTURES / "fred" / "series_DGS10.json").read_bytes()
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
    fake_provider.serve("/fred/series", (200, FRED_DGS10, 0.0))
    fake_provider.serve("/fred/series/observations", (200, FRED, 0.0))
    store_fred(db, FredClient(http(), "k", base_url=f"{fake_provider.url}/fred"), ["DGS10"], FRI)
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


KEY = "abcdefghij0123456789abcdefghij01"  # a key as FRED's and NewsAPI's look


def fred_fixture(name: str) -> bytes:
    return (FIXTURES / "fred" / name).read_bytes()


@pytest.fixture
def fred() -> Iterator[RoutedProvider]:
    """FRED answering DGS10 (daily), CPIAUCSL (monthly) and DEXVZUS (discontinued: nothing
    in its window) by series_id, and 400 "The series does not exist." for any other."""
    with routed_provider() as server:
        for series_id, observations in (
            ("DGS10", "DGS10_2024-06-18_2024-06-28.json"),
            ("CPIAUCSL", "CPIAUCSL_2024-03-13_2024-06-28.json"),
            ("DEXVZUS", "DEXVZUS_2024-06-18_2024-06-28.json"),
        ):
            where = ("series_id", series_id)
            server.serve("/fred/series", fred_fixture(f"series_{series_id}.json"), where=where)
            server.serve("/fred/series/observations", fred_fixture(observations), where=where)
        unknown = fred_fixture("error_400_series_does_not_exist.json")
        server.serve("/fred/series", unknown, status=400)
        server.serve("/fred/series/observations", unknown, status=400)
        yield server


def test_pack_builder_stores_daily_and_monthly_series_and_names_the_unknown_one(
    builder: Callable[[dict[str, str]], Database], fred: RoutedProvider, database_url: str
) -> None:
    # Given MACRO_SERIES with a daily, a monthly, an unknown and a discontinued series
    db = builder(
        {
            "MACRO_SERIES": "DGS10,CPIAUCSL,NOSUCH,DEXVZUS",
            "FRED_API_KEY": KEY,
            "FRED_URL": f"{fred.url}/fred",
        }
    )

    # When the pack builder runs
    result = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    # Then the pack is fresh, the daily and monthly series are stored, the monthly non-empty
    assert result["status"] == "fresh"
    macro = result["macro"]
    assert macro["stored"] == {"DGS10": 8, "CPIAUCSL": 2, "DEXVZUS": 0}
    cpi = rows(database_url, "SELECT count(*) AS n FROM macro_observations WHERE series_id = %s",
               "CPIAUCSL")  # fmt: skip
    assert cpi == [{"n": 2}]
    # and the unknown series is named with FRED's own code and message and what to do
    (error,) = macro["errors"]
    assert error == {
        "series": "NOSUCH",
        "error": "FRED NOSUCH: HTTP 400 error_code 400: Bad Request. The series does not exist."
        " -> check the series id in MACRO_SERIES",
        "http_status": 400,
        "provider_code": "400",
        "provider_message": "Bad Request. The series does not exist.",
        "action": "check the series id in MACRO_SERIES",
    }
    # and the series that stored nothing is a warning naming it
    (warning,) = macro["warnings"]
    assert warning.startswith("FRED DEXVZUS: stored 0: ")
    assert "not_fetched" not in macro


def test_pack_builder_reports_a_refused_fred_key_once_and_stays_fresh(
    builder: Callable[[dict[str, str]], Database],
) -> None:
    with routed_provider() as server:
        refused = fred_fixture("error_400_api_key_not_registered.json")
        server.serve("/fred/series", refused, status=400)
        db = builder(
            {
                "MACRO_SERIES": "DGS10,CPIAUCSL",
                "FRED_API_KEY": KEY,
                "FRED_URL": f"{server.url}/fred",
            }
        )

        result = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    assert result["status"] == "fresh"
    (error,) = result["macro"]["errors"]
    assert (error["series"], error["provider_code"], error["http_status"]) == ("DGS10", "400", 400)
    assert "is not registered" in error["provider_message"]
    assert error["action"].startswith("check FRED_API_KEY")
    assert result["macro"]["not_fetched"] == ["CPIAUCSL"]
    assert result["macro"]["stored"] == {}


def test_pack_builder_reports_an_unanswered_series_and_stays_fresh(
    builder: Callable[[dict[str, str]], Database], fake_provider: FakeProvider
) -> None:
    fake_provider.serve("/down/series", (503, b"{}", 0.0))
    db = builder(
        {
            "MACRO_SERIES": "DGS10",
            "FRED_API_KEY": KEY,
            "FRED_URL": f"{fake_provider.url}/down",
            "PROVIDER_RETRIES": "0",
        }
    )

    result = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    assert result["status"] == "fresh"  # reported, and the pack stays fresh
    (error,) = result["macro"]["errors"]
    assert (error["series"], error["http_status"]) == ("DGS10", 503)
    assert error["action"] == "FRED failed on its side: retry later"
    assert result["news"] == {"skipped": "no NewsAPI key configured"}


def test_pack_builder_reports_newsapis_code_and_what_to_do(
    builder: Callable[[dict[str, str]], Database], fake_provider: FakeProvider
) -> None:
    invalid = (FIXTURES / "newsapi" / "error_401_apiKeyInvalid.json").read_bytes()
    fake_provider.serve("/v2/everything", (401, invalid, 0.0))
    db = builder({"NEWSAPI_API_KEY": KEY, "NEWSAPI_URL": f"{fake_provider.url}/v2"})

    result = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    assert result["status"] == "fresh"
    (error,) = result["news"]["errors"]
    assert (error["symbol"], error["http_status"], error["provider_code"]) == (
        "ACME",
        401,
        "apiKeyInvalid",
    )
    assert error["provider_message"].startswith("Your API key is invalid")
    assert error["action"] == "check NEWSAPI_API_KEY"
    assert result["news"]["stored"] == 0


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


def test_the_pack_builders_profiles_follow_fmp_api_for_a_legacy_key(
    builder: Callable[[dict[str, str]], Database], fake_provider: FakeProvider
) -> None:
    legacy = (FIXTURES / "fmp" / "profile_ACME.json").read_bytes()
    fake_provider.serve("/api/v3/profile/ACME", (200, legacy, 0.0))
    db = builder({"FMP_API_KEY": "k", "FMP_URL": fake_provider.url, "FMP_API": "v3"})

    result = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    assert result["fundamentals"] == {"stored": 1}
    assert next(h for h in fake_provider.hits if "profile" in h).startswith("/api/v3/profile")


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


def test_fred_requests_are_paced_under_fred_rate_limit_and_the_limit_is_named(
    builder: Callable[[dict[str, str]], Database], fred: RoutedProvider
) -> None:
    """Two requests a series (its metadata, its observations): a limit of two a minute, with
    no waiting allowed, stores the first series and stops at the second's, naming the
    setting to raise."""
    db = builder(
        {
            "MACRO_SERIES": "DGS10,CPIAUCSL",
            "FRED_API_KEY": KEY,
            "FRED_URL": f"{fred.url}/fred",
            "FRED_RATE_LIMIT": "2/minute",
            "PROVIDER_MAX_WAIT_SECONDS": "0",
        }
    )

    result = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    assert result["status"] == "fresh"
    macro = result["macro"]
    assert macro["stored"] == {"DGS10": 8}
    (error,) = macro["errors"]
    assert error["series"] == "CPIAUCSL"
    assert "FRED_RATE_LIMIT" in error["action"], error


def test_newsapi_requests_are_paced_under_newsapi_rate_limit_across_a_warm_process(
    builder: Callable[[dict[str, str]], Database], fake_provider: FakeProvider
) -> None:
    """One request a day allowed, no waiting: the first build's headline request goes, the
    second build of the same process is refused before asking, naming the setting."""
    fake_provider.serve("/v2/everything", (200, NEWS, 0.0), (200, NEWS, 0.0))
    db = builder(
        {
            "NEWSAPI_API_KEY": "k",
            "NEWSAPI_URL": f"{fake_provider.url}/v2",
            "NEWSAPI_RATE_LIMIT": "1/day",
            "PROVIDER_MAX_WAIT_SECONDS": "0",
        }
    )

    first = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())
    second = run_job(PackJob(date=FRI, policy="ECB_CAD"), db, Settings())

    assert first["news"] == {"stored": 2}
    (error,) = second["news"]["errors"]
    assert error["symbol"] == "ACME"
    assert error["action"].startswith("NEWSAPI_RATE_LIMIT allows no more requests now")
    assert len([h for h in fake_provider.hits if h.startswith("/v2/everything")]) == 1
