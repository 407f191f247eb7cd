"""HTTP providers against recorded responses on a local server with the real HTTP
statuses: timeouts, bounded retries, Retry-After on an injected clock, errors that keep the
provider's own code and message, malformed payloads, and the Bank of Canada Valet provider
end to end, a currency at a time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dawsos_core.db.connection import Database
from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers import NoObservation, Observation
from dawsos_core.pricing.providers.boc import BocValetFx
from dawsos_core.providers.http import HttpClient
from dawsos_core.providers.rate_limit import TokenBucket, parse_rate_limits
from tests.fake_clock import FakeClock
from tests.integration.conftest import FIXTURES, FRI, TODAY, FakeProvider, LedgerRepo

VALET_PATH = "/valet/observations/FXUSDCAD/json"
RECORDED = (FIXTURES / "boc" / "FXUSDCAD_2024-06-23_2024-06-28.json").read_bytes()
GBP_404 = (FIXTURES / "boc" / "404_FXGBPCAD_series_not_found.json").read_bytes()
POLYGON_429 = (FIXTURES / "polygon" / "429_rate_limit.json").read_bytes()
AGGS = "/v2/aggs/ticker/ACME/range/1/day/2024-06-21/2024-06-28"


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

    with pytest.raises(ProviderError, match="answered HTTP 503; unavailable: retry later"):
        fast_client(retries=1).get_json("Bank of Canada", f"{fake_provider.url}{VALET_PATH}")
    assert len(fake_provider.hits) == 2


def test_timeout_is_a_failed_fixing_saying_it_did_not_answer(fake_provider: FakeProvider) -> None:
    fake_provider.serve(VALET_PATH, (200, RECORDED, 2.0))

    usd = BocValetFx(fast_client(retries=0), f"{fake_provider.url}/valet").fixings(
        ["USD"], dt.date(2024, 6, 28), 5
    )["USD"]

    assert isinstance(usd, NoObservation)
    assert usd.kind == "failed"
    assert "did not answer" in usd.reason
    assert "retry later" in usd.reason
    with pytest.raises(ProviderError, match="did not answer"):
        fast_client(retries=0).get_json("Bank of Canada", f"{fake_provider.url}{VALET_PATH}")


def test_not_json_is_a_malformed_payload(fake_provider: FakeProvider) -> None:
    fake_provider.serve(VALET_PATH, (200, b"<html>maintenance</html>", 0.0))

    usd = BocValetFx(fast_client(), f"{fake_provider.url}/valet").fixings(
        ["USD"], dt.date(2024, 6, 28), 5
    )["USD"]

    assert isinstance(usd, NoObservation)
    assert (usd.kind, "malformed payload" in usd.reason) == ("failed", True)


def test_query_strings_never_appear_in_errors(fake_provider: FakeProvider) -> None:
    with pytest.raises(ProviderError) as raised:
        fast_client().get_json("FMP", f"{fake_provider.url}/quote", {"apikey": "s3cr3t"})

    assert "s3cr3t" not in raised.value.message
    assert "404" in raised.value.message


def test_a_429_waits_its_retry_after_on_the_injected_clock(fake_provider: FakeProvider) -> None:
    fake_provider.serve(AGGS, (429, POLYGON_429, 0.0, {"Retry-After": "7"}), (200, b"{}", 0.0))
    clock = FakeClock()
    http = HttpClient(timeout_seconds=1, retries=2, pacing=clock.pacing())

    assert http.get_json("Polygon", f"{fake_provider.url}{AGGS}") == {}
    assert clock.slept == [7]
    assert len(fake_provider.hits) == 2


def test_a_429_without_retry_after_waits_the_rate_limits_period(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.serve(AGGS, (429, POLYGON_429, 0.0), (200, b"{}", 0.0))
    clock = FakeClock()
    bucket = TokenBucket("Polygon", parse_rate_limits("5/minute"), clock.pacing())

    http = HttpClient(retries=2, limiter=bucket)

    assert http.get_json("Polygon", f"{fake_provider.url}{AGGS}") == {}
    assert clock.slept == [60]


def test_a_429_that_does_not_clear_names_the_providers_message_and_what_to_do(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.serve(AGGS, (429, POLYGON_429, 0.0, {"Retry-After": "1"}))
    clock = FakeClock()

    with pytest.raises(ProviderError) as raised:
        HttpClient(retries=2, pacing=clock.pacing()).get_json(
            "Polygon", f"{fake_provider.url}{AGGS}", {"apiKey": "s3cr3t"}
        )

    assert raised.value.cause is ProviderCause.RATE_LIMITED
    assert raised.value.provider_code == "ERROR"
    assert "answered HTTP 429 ERROR: You've exceeded the maximum requests per minute" in (
        raised.value.message
    )
    assert "rate limited: wait" in raised.value.message
    assert "s3cr3t" not in raised.value.message
    assert (len(fake_provider.hits), clock.slept) == (3, [1, 1])


def test_a_retry_after_longer_than_allowed_fails_at_once(fake_provider: FakeProvider) -> None:
    fake_provider.serve(AGGS, (429, POLYGON_429, 0.0, {"Retry-After": "3600"}))
    clock = FakeClock()

    with pytest.raises(ProviderError, match="retry after 3600s, longer than the 300s"):
        HttpClient(retries=3, pacing=clock.pacing(300)).get_json(
            "Polygon", f"{fake_provider.url}{AGGS}"
        )
    assert (len(fake_provider.hits), clock.slept) == (1, [])


def test_a_404_is_not_retried_and_says_to_check_the_series(fake_provider: FakeProvider) -> None:
    path = "/valet/observations/FXGBPCAD/json"
    fake_provider.serve(path, (404, GBP_404, 0.0))

    with pytest.raises(ProviderError) as raised:
        fast_client(retries=3).get_json("Bank of Canada", f"{fake_provider.url}{path}")

    assert raised.value.cause is ProviderCause.NOT_FOUND
    assert raised.value.message == (
        f"Bank of Canada: {fake_provider.url}{path} answered HTTP 404: Series FXGBPCAD not"
        " found.; not found: check the symbol or series"
    )
    assert len(fake_provider.hits) == 1


def test_valet_a_404_for_one_currency_still_asks_the_others(fake_provider: FakeProvider) -> None:
    fake_provider.serve("/valet/observations/FXGBPCAD/json", (404, GBP_404, 0.0))
    fake_provider.serve(VALET_PATH, (200, RECORDED, 0.0))
    provider = BocValetFx(fast_client(), f"{fake_provider.url}/valet")

    found = provider.fixings(["GBP", "USD"], FRI, 5)

    gbp = found["GBP"]
    assert isinstance(gbp, NoObservation)
    assert gbp.kind == "not_covered"
    assert "Series FXGBPCAD not found." in gbp.reason
    usd = found["USD"]
    assert isinstance(usd, Observation)
    assert usd.observed_on == FRI


CURRENCY_LEDGER = """\
option "operating_currency" "CAD"
2024-06-01 open Assets:Broker:USD USD
2024-06-01 open Assets:Broker:GBP GBP
2024-06-01 open Assets:Broker:EUR EUR
2024-06-01 open Equity:Opening

2024-06-03 * "Opening"
  Assets:Broker:USD  1000 USD
  Assets:Broker:GBP   500 GBP
  Assets:Broker:EUR   700 EUR
  Equity:Opening
"""


def test_a_boc_pack_names_every_currency_that_failed_and_why(
    db: Database, ledger_repo: LedgerRepo, fake_provider: FakeProvider
) -> None:
    ledger_repo.commit({"main.beancount": CURRENCY_LEDGER})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="fx", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    fake_provider.serve("/valet/observations/FXGBPCAD/json", (404, GBP_404, 0.0))
    fake_provider.serve("/valet/observations/FXEURCAD/json", (503, b"<html>busy</html>", 0.0))
    fake_provider.serve(VALET_PATH, (200, RECORDED, 0.0))
    fx = BocValetFx(fast_client(retries=1), f"{fake_provider.url}/valet")

    failed = build_pack(db, FRI, "BOC", fx=fx, today=TODAY)

    assert failed.status == "error"
    reasons = (failed.error or "").split("; no ")
    assert [r.split(" fixing")[0].removeprefix("no ") for r in reasons] == ["EUR", "GBP"]
    assert "failed (Bank of Canada:" in reasons[0]
    assert "answered HTTP 503: <html>busy</html>" in reasons[0]
    assert "unavailable: retry later" in reasons[0]
    assert "not covered (Bank of Canada:" in reasons[1]
    assert "Series FXGBPCAD not found.; not found: check the symbol or series" in reasons[1]
    assert "USD" not in (failed.error or "")
    assert any("FXUSDCAD" in hit for hit in fake_provider.hits)  # asked after GBP failed
