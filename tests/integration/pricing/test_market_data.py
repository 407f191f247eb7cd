"""FMP (stable, and v3 behind FMP_API) and Polygon price providers against recorded
responses served with the real HTTP statuses, each symbol answered on its own, and where
their keys come from (the environment, or Secrets Manager through moto)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto import mock_aws
from pydantic import SecretStr

from dawsos_core.db.connection import Database
from dawsos_core.errors import ProviderError
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers import NoObservation, PriceObservation
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.pricing.providers.market_data import FmpPrices, PolygonPrices
from dawsos_core.pricing.sources import price_source
from dawsos_core.providers.credentials import provider_key
from dawsos_core.providers.http import HttpClient
from dawsos_core.settings import Settings
from tests.fake_clock import FakeClock
from tests.integration.conftest import (
    FIXTURES,
    FRI,
    TODAY,
    FakeProvider,
    LedgerRepo,
    Reply,
    rows,
)

FMP_STABLE = (
    FIXTURES / "fmp" / "stable_historical-price-eod_full_ACME_2024-06-21_2024-06-28.json"
).read_bytes()
FMP_V3 = (FIXTURES / "fmp" / "ACME_2024-06-21_2024-06-28.json").read_bytes()
FMP_402 = (FIXTURES / "fmp" / "402_premium_query_parameter.txt").read_bytes()
FMP_403_LEGACY = (FIXTURES / "fmp" / "403_legacy_endpoint.json").read_bytes()
FMP_401 = (FIXTURES / "fmp" / "401_invalid_api_key.json").read_bytes()
POLYGON_RECORDED = (FIXTURES / "polygon" / "ACME_2024-06-21_2024-06-28.json").read_bytes()
POLYGON_NOPE = (FIXTURES / "polygon" / "NOPE_2024-06-21_2024-06-28.json").read_bytes()
POLYGON_403 = (FIXTURES / "polygon" / "403_not_authorized.json").read_bytes()
POLYGON_401 = (FIXTURES / "polygon" / "401_unknown_api_key.json").read_bytes()
STABLE_EOD = "/stable/historical-price-eod/full"


def client() -> HttpClient:
    return HttpClient(timeout_seconds=1, retries=0)


def by_symbol(answers: dict[str, Reply]) -> Callable[[str], Reply]:
    """A stable endpoint's answer for the ``symbol`` the request asks for."""

    def reply(target: str) -> Reply:
        symbol = parse_qs(urlsplit(target).query)["symbol"][0]
        return answers[symbol]

    return reply


def test_fmp_stable_close_on_or_before_the_date(fake_provider: FakeProvider) -> None:
    fake_provider.serve(STABLE_EOD, (200, FMP_STABLE, 0.0))
    fmp = FmpPrices(client(), "k", base_url=fake_provider.url)

    found = fmp.prices(["ACME"], dt.date(2024, 6, 29))

    assert found["ACME"] == PriceObservation(Decimal("103.25"), FRI, "FMP", "USD")
    query = parse_qs(urlsplit(fake_provider.hits[0]).query)
    assert query == {
        "symbol": ["ACME"],
        "from": ["2024-06-22"],
        "to": ["2024-06-29"],
        "apikey": ["k"],
    }


def test_fmp_v3_is_read_only_behind_its_setting(fake_provider: FakeProvider) -> None:
    fake_provider.serve("/api/v3/historical-price-full/ACME", (200, FMP_V3, 0.0))
    fake_provider.serve(STABLE_EOD, (200, FMP_V3, 0.0))  # the v3 shape where stable is asked

    legacy = FmpPrices(client(), "k", base_url=fake_provider.url, api="v3")
    stable = FmpPrices(client(), "k", base_url=fake_provider.url)

    assert legacy.prices(["ACME"], FRI)["ACME"] == PriceObservation(
        Decimal("103.25"), FRI, "FMP", "USD"
    )
    refused = stable.prices(["ACME"], FRI)["ACME"]
    assert isinstance(refused, NoObservation)
    assert "FMP: malformed payload: ACME: expected a list of daily rows" in refused.reason


def test_fmp_unknown_symbol_is_absent_and_a_malformed_one_is_named_alone(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.answer(
        STABLE_EOD,
        by_symbol(
            {
                "NOPE": (200, b"[]", 0.0),
                "BAD": (200, b'[{"symbol": "BAD", "date": "2024-06-28", "close": "x"}]', 0.0),
                "GAP": (200, b'[{"symbol": "GAP", "date": "2024-06-28", "open": 1.0}]', 0.0),
                "ACME": (200, FMP_STABLE, 0.0),
            }
        ),
    )
    fmp = FmpPrices(client(), "k", base_url=fake_provider.url)

    found = fmp.prices(["NOPE", "BAD", "GAP", "ACME"], FRI)

    assert set(found) == {"BAD", "GAP", "ACME"}
    assert found["BAD"] == NoObservation("failed", "FMP: malformed payload: BAD[0].close")
    assert found["GAP"] == NoObservation(
        "failed", "FMP: malformed payload: GAP[0].close is missing"
    )
    assert isinstance(found["ACME"], PriceObservation)


def test_fmp_a_premium_symbol_is_not_covered_with_fmps_reason_and_the_rest_priced(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.answer(
        STABLE_EOD,
        by_symbol({"PREM": (402, FMP_402, 0.0), "ACME": (200, FMP_STABLE, 0.0)}),
    )
    fmp = FmpPrices(client(), "s3cr3t", base_url=fake_provider.url)

    found = fmp.prices(["PREM", "ACME"], FRI)

    prem = found["PREM"]
    assert isinstance(prem, NoObservation)
    assert prem.kind == "not_covered"
    assert prem.reason == (
        f"FMP: {fake_provider.url}{STABLE_EOD} answered HTTP 402: Premium Query Parameter:"
        " 'Special Endpoint : This value set for 'symbol' is not available under your"
        " current subscription please visit our subscription page to upgrade your plan at"
        " https://site.financialmodelingprep.com/developer/docs/pricing'; not authorised:"
        " check the plan or the key (FMP_API_KEY)"
    )
    assert isinstance(found["ACME"], PriceObservation)


def test_fmp_v3_with_a_new_key_says_to_use_the_stable_api_and_asks_once(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.answer("/api/v3/historical-price-full/", lambda _: (403, FMP_403_LEGACY, 0.0))
    fmp = FmpPrices(client(), "k", base_url=fake_provider.url, api="v3")

    found = fmp.prices(["ACME", "BETA", "GAMA"], FRI)

    assert len(fake_provider.hits) == 1
    for symbol in ("ACME", "BETA", "GAMA"):
        answer = found[symbol]
        assert isinstance(answer, NoObservation)
        assert answer.kind == "not_covered"
        assert "answered HTTP 403: Legacy Endpoint : Due to Legacy endpoints" in answer.reason
        assert "keys issued before 2025-08-31: set FMP_API=stable" in answer.reason
    beta = found["BETA"]
    assert isinstance(beta, NoObservation)
    assert beta.reason.startswith("not asked, as the provider refused: FMP:")


def test_fmp_an_invalid_key_is_named_for_every_symbol_after_one_request(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.serve(STABLE_EOD, (401, FMP_401, 0.0))
    fmp = FmpPrices(client(), "k", base_url=fake_provider.url)

    found = fmp.prices(["ACME", "BETA"], FRI)

    assert len(fake_provider.hits) == 1
    assert all(isinstance(a, NoObservation) for a in found.values())
    beta = found["BETA"]
    assert isinstance(beta, NoObservation)
    assert "Invalid API KEY" in beta.reason
    assert "not authorised: check the key (FMP_API_KEY)" in beta.reason


def test_fmp_an_error_body_with_http_200_is_a_refusal_too(fake_provider: FakeProvider) -> None:
    fake_provider.serve(
        STABLE_EOD, (200, b'{"Error Message": "Limit Reach . Please upgrade"}', 0.0)
    )
    fmp = FmpPrices(client(), "k", base_url=fake_provider.url)

    acme = fmp.prices(["ACME"], FRI)["ACME"]

    assert isinstance(acme, NoObservation)
    assert acme.kind == "failed"
    assert "answered HTTP 200: Limit Reach . Please upgrade; rate limited: wait" in acme.reason


def test_polygon_bars_are_dated_in_new_york(fake_provider: FakeProvider) -> None:
    fake_provider.serve(
        "/v2/aggs/ticker/ACME/range/1/day/2024-06-21/2024-06-28", (200, POLYGON_RECORDED, 0.0)
    )
    polygon = PolygonPrices(client(), "k", base_url=fake_provider.url)

    obs = polygon.prices(["ACME"], FRI)["ACME"]

    assert obs == PriceObservation(Decimal("103.25"), FRI, "Polygon", "USD")


def test_polygon_not_authorized_is_a_403_naming_its_status_and_what_to_do(
    fake_provider: FakeProvider,
) -> None:
    path = "/v2/aggs/ticker/PREM/range/1/day/2024-06-21/2024-06-28"
    fake_provider.serve(path, (403, POLYGON_403, 0.0))
    fake_provider.serve(
        "/v2/aggs/ticker/NOPE/range/1/day/2024-06-21/2024-06-28", (200, POLYGON_NOPE, 0.0)
    )
    fake_provider.serve(
        "/v2/aggs/ticker/ACME/range/1/day/2024-06-21/2024-06-28", (200, POLYGON_RECORDED, 0.0)
    )
    polygon = PolygonPrices(client(), "k", base_url=fake_provider.url)

    found = polygon.prices(["PREM", "NOPE", "ACME"], FRI)

    assert found["PREM"] == NoObservation(
        "not_covered",
        f"Polygon: {fake_provider.url}{path} answered HTTP 403 NOT_AUTHORIZED: You are not"
        " entitled to this data. Please upgrade your plan at https://polygon.io/pricing;"
        " not authorised: check the plan or the key (POLYGON_API_KEY)",
    )
    assert "NOPE" not in found  # an unknown ticker has no bars: the pack names it
    assert isinstance(found["ACME"], PriceObservation)


def test_polygon_an_unknown_key_is_named_for_every_symbol_after_one_request(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.answer("/v2/aggs/ticker/", lambda _: (401, POLYGON_401, 0.0))
    polygon = PolygonPrices(client(), "k", base_url=fake_provider.url)

    found = polygon.prices(["ACME", "BETA"], FRI)

    assert len(fake_provider.hits) == 1
    beta = found["BETA"]
    assert isinstance(beta, NoObservation)
    assert "answered HTTP 401 ERROR: Unknown API Key; not authorised: check the key" in beta.reason


def test_polygon_an_error_status_in_a_200_is_refused_by_name(fake_provider: FakeProvider) -> None:
    fake_provider.serve(
        "/v2/aggs/ticker/ACME/range/1/day/2024-06-21/2024-06-28",
        (200, b'{"status": "ERROR", "error": "Something went wrong"}', 0.0),
    )

    acme = PolygonPrices(client(), "k", base_url=fake_provider.url).prices(["ACME"], FRI)["ACME"]

    assert isinstance(acme, NoObservation)
    assert "answered HTTP 200 ERROR: Something went wrong" in acme.reason


@pytest.mark.parametrize(
    ("env", "path"),
    [({}, STABLE_EOD), ({"FMP_API": "v3"}, "/api/v3/historical-price-full/ACME")],
)
def test_the_configured_fmp_source_asks_the_api_fmp_api_names(
    fake_provider: FakeProvider,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    path: str,
) -> None:
    for name, value in {"PRICE_SOURCE": "fmp", "FMP_API_KEY": "k", **env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FMP_URL", fake_provider.url)
    fake_provider.serve(path, (200, b"[]", 0.0))

    with db.session() as conn:
        price_source(Settings(), pacing=FakeClock().pacing())(conn, "c").prices(["ACME"], FRI)

    assert [urlsplit(h).path for h in fake_provider.hits] == [path]


def test_missing_key_is_refused_by_name() -> None:
    with pytest.raises(ProviderError, match="FMP_API_KEY"):
        FmpPrices(client(), None)
    with pytest.raises(ProviderError, match="POLYGON_API_KEY"):
        PolygonPrices(client(), "")


def test_keys_come_from_the_environment_or_secrets_manager(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    assert provider_key(SecretStr("from-env"), "arn:ignored") == "from-env"
    assert provider_key(None, None) is None
    with mock_aws():
        arn = boto3.client("secretsmanager").create_secret(
            Name="dawsos/fmp", SecretString="from-secrets-manager"
        )["ARN"]

        assert provider_key(None, arn) == "from-secrets-manager"


def test_pack_built_with_fmp_prices_records_the_source(
    db: Database,
    ledger_repo: LedgerRepo,
    fake_provider: FakeProvider,
    database_url: str,
    setup: Any,
) -> None:
    fake_provider.serve(STABLE_EOD, (200, FMP_STABLE, 0.0))
    fmp = FmpPrices(client(), "k", base_url=fake_provider.url)
    db, _repo = setup

    outcome = build_pack(
        db,
        FRI,
        "ECB_CAD",
        fx=EcbFx(),
        today=TODAY,
        prices=lambda conn, commit: fmp,
    )

    assert outcome.status == "fresh"
    assert rows(
        database_url, "SELECT source FROM pack_prices WHERE pack_id = %s", outcome.pack_id
    ) == [{"source": "FMP"}]
