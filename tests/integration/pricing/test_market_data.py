"""FMP and Polygon price providers against recorded responses, and where their keys come
from (the environment, or Secrets Manager through moto)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import boto3
import pytest
from moto import mock_aws
from pydantic import SecretStr

from dawsos_core.db.connection import Database
from dawsos_core.errors import ProviderError
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.pricing.providers.market_data import FmpPrices, PolygonPrices
from dawsos_core.providers.credentials import provider_key
from dawsos_core.providers.http import HttpClient
from tests.integration.conftest import FIXTURES, FRI, TODAY, FakeProvider, LedgerRepo, rows

FMP_RECORDED = (FIXTURES / "fmp" / "ACME_2024-06-21_2024-06-28.json").read_bytes()
POLYGON_RECORDED = (FIXTURES / "polygon" / "ACME_2024-06-21_2024-06-28.json").read_bytes()


def client() -> HttpClient:
    return HttpClient(timeout_seconds=1, retries=0)


def test_fmp_close_on_or_before_the_date(fake_provider: FakeProvider) -> None:
    fake_provider.serve("/api/v3/historical-price-full/ACME", (200, FMP_RECORDED, 0.0))
    fmp = FmpPrices(client(), "k", base_url=f"{fake_provider.url}/api/v3")

    found = fmp.prices(["ACME"], dt.date(2024, 6, 29))

    obs = found["ACME"]
    assert (obs.value, obs.observed_on, obs.source, obs.quote_currency) == (
        Decimal("103.25"),
        FRI,
        "FMP",
        "USD",
    )
    assert "from=2024-06-22" in fake_provider.hits[0]


def test_fmp_unknown_symbol_is_absent_and_malformed_names_the_field(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.serve("/api/v3/historical-price-full/NOPE", (200, b"{}", 0.0))
    fake_provider.serve(
        "/api/v3/historical-price-full/BAD",
        (200, b'{"historical": [{"date": "2024-06-28", "close": "x"}]}', 0.0),
    )
    fmp = FmpPrices(client(), "k", base_url=f"{fake_provider.url}/api/v3")

    assert fmp.prices(["NOPE"], FRI) == {}
    with pytest.raises(ProviderError, match=r"BAD\.historical\[0\]\.close"):
        fmp.prices(["BAD"], FRI)


def test_polygon_bars_are_dated_in_new_york(fake_provider: FakeProvider) -> None:
    fake_provider.serve(
        "/v2/aggs/ticker/ACME/range/1/day/2024-06-21/2024-06-28", (200, POLYGON_RECORDED, 0.0)
    )
    polygon = PolygonPrices(client(), "k", base_url=fake_provider.url)

    obs = polygon.prices(["ACME"], FRI)["ACME"]

    assert (obs.value, obs.observed_on, obs.source) == (Decimal("103.25"), FRI, "Polygon")


def test_polygon_error_status_is_a_provider_error(fake_provider: FakeProvider) -> None:
    fake_provider.serve(
        "/v2/aggs/ticker/ACME/range/1/day/2024-06-21/2024-06-28",
        (200, b'{"status": "NOT_AUTHORIZED", "message": "bad key"}', 0.0),
    )

    with pytest.raises(ProviderError, match="NOT_AUTHORIZED"):
        PolygonPrices(client(), "k", base_url=fake_provider.url).prices(["ACME"], FRI)


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
    fake_provider.serve("/api/v3/historical-price-full/ACME", (200, FMP_RECORDED, 0.0))
    fmp = FmpPrices(client(), "k", base_url=f"{fake_provider.url}/api/v3")
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
