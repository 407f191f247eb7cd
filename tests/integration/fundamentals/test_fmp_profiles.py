"""FMP company profiles from the stable API (v3 only behind its setting), served with the
real HTTP statuses: renamed fields mapped, a missing field named and never stored empty,
and each symbol answered on its own."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from dawsos_core.db.connection import Database
from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.fundamentals.fmp import FmpFundamentals, fetch_and_store
from dawsos_core.providers.http import HttpClient
from tests.integration.conftest import FIXTURES, FRI, FakeProvider, Reply, rows

STABLE = json.loads((FIXTURES / "fmp" / "stable_profile_ACME.json").read_text())
V3 = (FIXTURES / "fmp" / "profile_ACME.json").read_bytes()
FMP_402 = (FIXTURES / "fmp" / "402_premium_query_parameter.txt").read_bytes()
FMP_403_LEGACY = (FIXTURES / "fmp" / "403_legacy_endpoint.json").read_bytes()


def http() -> HttpClient:
    return HttpClient(timeout_seconds=1, retries=0)


def profile_of(symbol: str, **changed: object) -> bytes:
    return json.dumps([{**STABLE[0], "symbol": symbol, **changed}]).encode()


def by_symbol(answers: dict[str, Reply]) -> Callable[[str], Reply]:
    return lambda target: answers[parse_qs(urlsplit(target).query)["symbol"][0]]


def test_a_stable_profile_maps_market_cap_and_last_dividend(fake_provider: FakeProvider) -> None:
    fake_provider.serve("/stable/profile", (200, profile_of("ACME"), 0.0))

    (profile,) = FmpFundamentals(http(), "k", base_url=fake_provider.url).profiles(["ACME"], FRI)

    assert profile == {
        "symbol": "ACME",
        "as_of": FRI,
        "provider": "FMP",
        "company_name": "Acme Corporation",
        "sector": "Industrials",
        "industry": "Specialty Industrial Machinery",
        "currency": "USD",
        "market_cap": Decimal("48210000000"),
        "beta": Decimal("1.12"),
        "last_dividend": Decimal("1.84"),
        "demo": False,
    }
    assert parse_qs(urlsplit(fake_provider.hits[0]).query) == {"symbol": ["ACME"], "apikey": ["k"]}


def test_v3_profiles_are_read_only_behind_its_setting(fake_provider: FakeProvider) -> None:
    fake_provider.serve("/api/v3/profile/ACME", (200, V3, 0.0))
    fake_provider.serve("/stable/profile", (200, V3, 0.0))  # v3's names where stable is asked

    (legacy,) = FmpFundamentals(http(), "k", base_url=fake_provider.url, api="v3").profiles(
        ["ACME"], FRI
    )
    stable = FmpFundamentals(http(), "k", base_url=fake_provider.url)

    assert (legacy["market_cap"], legacy["last_dividend"]) == (
        Decimal("48210000000"),
        Decimal("1.84"),
    )
    with pytest.raises(ProviderError, match=r"profile\[ACME\]\.marketCap is missing"):
        stable.profiles(["ACME"], FRI)


@pytest.mark.parametrize("field", ["marketCap", "lastDividend", "companyName", "currency"])
def test_a_missing_field_is_named_and_nothing_is_stored(
    fake_provider: FakeProvider, db: Database, database_url: str, field: str
) -> None:
    answer = [{k: v for k, v in STABLE[0].items() if k != field}]
    fake_provider.serve("/stable/profile", (200, json.dumps(answer).encode(), 0.0))
    client = FmpFundamentals(http(), "k", base_url=fake_provider.url)

    with pytest.raises(ProviderError, match=rf"profile\[ACME\]\.{field} is missing") as raised:
        fetch_and_store(db, client, ["ACME"], FRI)

    assert raised.value.cause is ProviderCause.MALFORMED
    assert rows(database_url, "SELECT symbol FROM company_profiles") == []


def test_a_null_the_provider_sends_is_stored_as_null(fake_provider: FakeProvider) -> None:
    fake_provider.serve("/stable/profile", (200, profile_of("ETF", beta=None), 0.0))

    (profile,) = FmpFundamentals(http(), "k", base_url=fake_provider.url).profiles(["ETF"], FRI)

    assert profile["beta"] is None  # FMP said it has none; the key was there


def test_a_premium_symbol_is_named_and_the_others_are_stored(
    fake_provider: FakeProvider, db: Database, database_url: str
) -> None:
    fake_provider.answer(
        "/stable/profile",
        by_symbol(
            {
                "ACME": (200, profile_of("ACME"), 0.0),
                "PREM.L": (402, FMP_402, 0.0),
                "BETA": (200, profile_of("BETA"), 0.0),
            }
        ),
    )
    client = FmpFundamentals(http(), "k", base_url=fake_provider.url)

    with pytest.raises(ProviderError) as raised:
        fetch_and_store(db, client, ["ACME", "PREM.L", "BETA"], dt.date(2024, 6, 21))

    assert raised.value.message.startswith("FMP: no profile of PREM.L: PREM.L: FMP:")
    assert "answered HTTP 402: Premium Query Parameter" in raised.value.message
    assert "not authorised: check the plan or the key (FMP_API_KEY)" in raised.value.message
    stored = rows(database_url, "SELECT symbol FROM company_profiles ORDER BY symbol")
    assert [r["symbol"] for r in stored] == ["ACME", "BETA"]


def test_a_legacy_endpoint_refusal_says_to_use_the_stable_api(fake_provider: FakeProvider) -> None:
    fake_provider.answer("/api/v3/profile/", lambda _: (403, FMP_403_LEGACY, 0.0))
    client = FmpFundamentals(http(), "k", base_url=fake_provider.url, api="v3")

    with pytest.raises(ProviderError) as raised:
        client.profiles(["ACME", "BETA"], FRI)

    assert raised.value.message.startswith("FMP: no profile of ACME, BETA:")
    assert "set FMP_API=stable" in raised.value.message
    assert len(fake_provider.hits) == 1
