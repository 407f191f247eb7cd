"""The FRED client and its feed against FRED-shaped answers from a loopback server, each
with its real HTTP status: windows sized to each series' frequency, a failing series named
with FRED's own code and message and what to do, and the others going on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from dawsos_core.db.connection import Database
from dawsos_core.errors import ProviderCause
from dawsos_core.macro.fred import FredClient, fetch_and_store
from dawsos_core.providers.http import HttpClient
from tests.integration.conftest import FIXTURES, FRI, rows
from tests.integration.loopback import RoutedProvider, routed_provider

KEY = "abcdefghij0123456789abcdefghij01"  # 32 lower-case alphanumerics, as FRED's are
OBSERVATIONS = "/fred/series/observations"
SERIES = "/fred/series"


def fixture(name: str) -> bytes:
    return (FIXTURES / "fred" / name).read_bytes()


@pytest.fixture
def fred() -> Iterator[RoutedProvider]:
    """FRED knowing DGS10 (daily), CPIAUCSL (monthly) and DEXVZUS (daily, discontinued: no
    observation in the window); any other series_id is 400 "The series does not exist."."""
    with routed_provider() as server:
        for series_id, observations in (
            ("DGS10", "DGS10_2024-06-18_2024-06-28.json"),
            ("CPIAUCSL", "CPIAUCSL_2024-03-13_2024-06-28.json"),
            ("DEXVZUS", "DEXVZUS_2024-06-18_2024-06-28.json"),
        ):
            where = ("series_id", series_id)
            server.serve(SERIES, fixture(f"series_{series_id}.json"), where=where)
            server.serve(OBSERVATIONS, fixture(observations), where=where)
        unknown = fixture("error_400_series_does_not_exist.json")
        server.serve(SERIES, unknown, status=400)
        server.serve(OBSERVATIONS, unknown, status=400)
        yield server


def client(server: RoutedProvider) -> FredClient:
    return FredClient(HttpClient(timeout_seconds=1, retries=0), KEY, base_url=f"{server.url}/fred")


def test_each_series_is_asked_over_a_window_sized_to_its_frequency(
    fred: RoutedProvider, db: Database, database_url: str
) -> None:
    report = fetch_and_store(db, client(fred), ["DGS10", "CPIAUCSL"], FRI)

    assert report.stored == {"DGS10": 8, "CPIAUCSL": 2}
    assert report.failures == []
    assert report.warnings == []
    daily = fred.query(OBSERVATIONS, "series_id", "DGS10")
    monthly = fred.query(OBSERVATIONS, "series_id", "CPIAUCSL")
    assert (daily["observation_start"], daily["observation_end"]) == ("2024-06-18", "2024-06-28")
    assert (monthly["observation_start"], monthly["observation_end"]) == (
        "2024-03-13",  # 2 x 31 + 45 days back: April's and May's CPI, dated the 1st
        "2024-06-28",
    )
    assert fred.query(SERIES, "series_id", "CPIAUCSL")["file_type"] == "json"
    stored = rows(
        database_url,
        "SELECT date, value FROM macro_observations WHERE series_id = 'CPIAUCSL' ORDER BY date",
    )
    assert stored == [
        {"date": dt.date(2024, 4, 1), "value": Decimal("313.207")},
        {"date": dt.date(2024, 5, 1), "value": Decimal("313.225")},
    ]


def test_an_unknown_series_is_named_and_the_others_go_on(
    fred: RoutedProvider, db: Database
) -> None:
    report = fetch_and_store(db, client(fred), ["NOSUCH", "DGS10"], FRI)

    assert report.stored == {"DGS10": 8}
    ((series_id, error),) = report.failures
    assert series_id == "NOSUCH"
    assert (error.http_status, error.provider_code, error.cause) == (
        400,
        "400",
        ProviderCause.NOT_FOUND,
    )
    assert error.message == (
        "FRED NOSUCH: HTTP 400 error_code 400: Bad Request. The series does not exist."
        " -> check the series id in MACRO_SERIES"
    )
    assert report.not_fetched == []


def test_a_series_with_nothing_in_its_window_is_a_warning_naming_it(
    fred: RoutedProvider, db: Database
) -> None:
    report = fetch_and_store(db, client(fred), ["DEXVZUS", "DGS10"], FRI)

    assert report.stored == {"DEXVZUS": 0, "DGS10": 8}
    (warning,) = report.warnings
    assert warning.startswith("FRED DEXVZUS: stored 0: no observation between 2024-06-18")
    assert report.failures == []


def test_storing_the_same_window_again_is_no_warning(fred: RoutedProvider, db: Database) -> None:
    fetch_and_store(db, client(fred), ["CPIAUCSL"], FRI)

    again = fetch_and_store(db, client(fred), ["CPIAUCSL"], FRI + dt.timedelta(days=3))

    assert again.stored == {"CPIAUCSL": 0}  # nothing new: May's CPI is already stored
    assert again.warnings == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("error_400_api_key_not_registered.json", 400),
        ("error_400_api_key_malformed.json", 400),
        ("error_403_forbidden.json", 403),
    ],
)
def test_a_refused_key_says_check_fred_api_key_and_asks_nothing_more(
    db: Database, body: str, status: int
) -> None:
    with routed_provider() as server:
        server.serve(SERIES, fixture(body), status=status)
        server.serve(OBSERVATIONS, fixture(body), status=status)

        report = fetch_and_store(db, client(server), ["DGS10", "CPIAUCSL", "UNRATE"], FRI)

    ((series_id, error),) = report.failures
    assert series_id == "DGS10"
    assert error.cause is ProviderCause.NOT_AUTHORISED
    assert error.provider_code == str(status)
    assert "check FRED_API_KEY" in error.message
    assert "retry" not in error.message.lower()
    assert KEY not in error.message
    assert report.not_fetched == ["CPIAUCSL", "UNRATE"]
    assert len(server.hits) == 1  # one refusal: the key is not tried on every series
    assert report.stored == {}
