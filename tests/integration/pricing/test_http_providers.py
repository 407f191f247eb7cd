"""HTTP providers against recorded responses on a local server: timeouts, bounded retries,
malformed payloads, and the Bank of Canada Valet provider end to end."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dawsos_core.errors import ProviderError
from dawsos_core.pricing.providers.boc import BocValetFx
from dawsos_core.providers.http import HttpClient
from tests.integration.conftest import FIXTURES, FakeProvider

VALET_PATH = "/valet/observations/FXUSDCAD/json"
RECORDED = (FIXTURES / "boc" / "FXUSDCAD_2024-06-23_2024-06-28.json").read_bytes()


def fast_client(retries: int = 2) -> HttpClient:
    return HttpClient(timeout_seconds=0.5, retries=retries, backoff_seconds=0.01)


def test_valet_rate_comes_from_the_recorded_response(fake_provider: FakeProvider) -> None:
    fake_provider.serve(VALET_PATH, (200, RECORDED, 0.0))
    provider = BocValetFx(fast_client(), f"{fake_provider.url}/valet")

    obs = provider.fixings(["USD"], dt.date(2024, 6, 28), 5).get("USD")

    assert obs is not None
    assert (obs.value, obs.observed_on, obs.source) == (
        Decimal("1.3687"),
        dt.date(2024, 6, 28),
        "Bank of Canada",
    )
    assert "start_date=2024-06-23" in fake_provider.hits[0]
    assert "end_date=2024-06-28" in fake_provider.hits[0]


def test_valet_weekend_takes_the_friday_observation(fake_provider: FakeProvider) -> None:
    fake_provider.serve(VALET_PATH, (200, RECORDED, 0.0))
    provider = BocValetFx(fast_client(), f"{fake_provider.url}/valet")

    obs = provider.fixings(["USD"], dt.date(2024, 6, 30), 7).get("USD")

    assert obs is not None
    assert obs.observed_on == dt.date(2024, 6, 28)


def test_transient_errors_are_retried_with_a_bound(fake_provider: FakeProvider) -> None:
    fake_provider.serve(VALET_PATH, (503, b"{}", 0.0), (503, b"{}", 0.0), (200, RECORDED, 0.0))
    provider = BocValetFx(fast_client(retries=2), f"{fake_provider.url}/valet")

    assert provider.fixings(["USD"], dt.date(2024, 6, 28), 5).get("USD") is not None
    assert len(fake_provider.hits) == 3


def test_retries_stop_and_name_the_status(fake_provider: FakeProvider) -> None:
    fake_provider.serve(VALET_PATH, (503, b"{}", 0.0))

    with pytest.raises(ProviderError, match="503"):
        BocValetFx(fast_client(retries=1), f"{fake_provider.url}/valet").fixings(
            ["USD"], dt.date(2024, 6, 28), 5
        )
    assert len(fake_provider.hits) == 2


def test_timeout_is_a_provider_error(fake_provider: FakeProvider) -> None:
    fake_provider.serve(VALET_PATH, (200, RECORDED, 2.0))

    with pytest.raises(ProviderError, match="did not answer"):
        BocValetFx(fast_client(retries=0), f"{fake_provider.url}/valet").fixings(
            ["USD"], dt.date(2024, 6, 28), 5
        )


def test_not_json_is_a_malformed_payload(fake_provider: FakeProvider) -> None:
    fake_provider.serve(VALET_PATH, (200, b"<html>maintenance</html>", 0.0))

    with pytest.raises(ProviderError, match="malformed payload"):
        BocValetFx(fast_client(), f"{fake_provider.url}/valet").fixings(
            ["USD"], dt.date(2024, 6, 28), 5
        )


def test_query_strings_never_appear_in_errors(fake_provider: FakeProvider) -> None:
    with pytest.raises(ProviderError) as raised:
        fast_client().get_json("FMP", f"{fake_provider.url}/quote", {"apikey": "s3cr3t"})

    assert "s3cr3t" not in raised.value.message
    assert "404" in raised.value.message
