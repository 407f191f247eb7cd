"""What a provider's error answer becomes: its own code and message, the cause and what to
do, the URL without its key; and how Retry-After reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dawsos_core.errors import ProviderCause
from dawsos_core.providers.http import answer_error, provider_detail, retry_after

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.mark.parametrize(
    ("fixture", "code", "message"),
    [
        ("fmp/402_premium_query_parameter.txt", None, "Premium Query Parameter: 'Special Endpoint"),
        ("fmp/403_legacy_endpoint.json", None, "Legacy Endpoint : Due to Legacy endpoints"),
        ("fmp/429_limit_reach.json", None, "Limit Reach . Please upgrade your plan"),
        ("polygon/403_not_authorized.json", "NOT_AUTHORIZED", "You are not entitled to this data"),
        ("polygon/401_unknown_api_key.json", "ERROR", "Unknown API Key"),
        ("polygon/429_rate_limit.json", "ERROR", "You've exceeded the maximum requests"),
        ("boc/404_FXGBPCAD_series_not_found.json", None, "Series FXGBPCAD not found."),
    ],
)
def test_the_providers_own_code_and_message_are_read_from_its_answer(
    fixture: str, code: str | None, message: str
) -> None:
    found_code, found_message = provider_detail((FIXTURES / fixture).read_bytes())

    assert found_code == code
    assert found_message is not None
    assert found_message.startswith(message)


def test_fred_and_newsapi_error_bodies_are_read_too() -> None:
    fred = b'{"error_code": 400, "error_message": "Bad Request.  The series does not exist."}'
    news = b'{"status": "error", "code": "apiKeyInvalid", "message": "Your API key is invalid."}'

    assert provider_detail(fred) == ("400", "Bad Request. The series does not exist.")
    assert provider_detail(news) == ("apiKeyInvalid", "Your API key is invalid.")
    assert provider_detail(b"[]") == (None, None)


@pytest.mark.parametrize(
    ("status", "cause", "advice", "whole"),
    [
        (404, ProviderCause.NOT_FOUND, "not found: check the symbol or series", False),
        (
            401,
            ProviderCause.NOT_AUTHORISED,
            "not authorised: check the key (POLYGON_API_KEY)",
            True,
        ),
        (403, ProviderCause.NOT_AUTHORISED, "check the plan or the key (POLYGON_API_KEY)", False),
        (402, ProviderCause.NOT_AUTHORISED, "check the plan or the key (POLYGON_API_KEY)", False),
        (400, ProviderCause.REJECTED, "check the request's symbol, series or dates", False),
        (429, ProviderCause.RATE_LIMITED, "rate limited: wait", False),
        (503, ProviderCause.UNAVAILABLE, "unavailable: retry later", False),
    ],
)
def test_each_status_says_what_to_do(
    status: int, cause: ProviderCause, advice: str, whole: bool
) -> None:
    error = answer_error(
        "Polygon",
        "https://api.polygon.io/v2/aggs/ticker/PREM/range/1/day/2024-06-21/2024-06-28?apiKey=s3cr3t",
        status,
        b'{"status": "NOT_AUTHORIZED", "message": "You are not entitled to this data."}',
        key_name="POLYGON_API_KEY",
    )

    assert error.cause is cause
    assert error.http_status == status
    assert advice in error.message
    assert error.whole_provider is whole
    assert "retry later" not in error.message or cause is ProviderCause.UNAVAILABLE
    assert error.message.startswith(
        "Polygon: https://api.polygon.io/v2/aggs/ticker/PREM/range/1/day/2024-06-21/2024-06-28"
        f" answered HTTP {status} NOT_AUTHORIZED: You are not entitled to this data.;"
    )
    assert "s3cr3t" not in error.message


def test_a_key_the_provider_echoes_back_is_struck_out() -> None:
    error = answer_error(
        "FMP",
        "https://financialmodelingprep.com/stable/profile",
        401,
        b'{"Error Message": "Invalid API KEY s3cr3t-key."}',
        params={"symbol": "ACME", "apikey": "s3cr3t-key"},
    )

    assert "s3cr3t-key" not in error.message
    assert error.provider_message == "Invalid API KEY ***."


def test_retry_after_reads_seconds_or_an_http_date() -> None:
    now = dt.datetime(2024, 6, 28, 12, 0, tzinfo=dt.UTC)

    assert retry_after("7") == 7
    assert retry_after("Fri, 28 Jun 2024 12:01:30 GMT", now) == 90
    assert retry_after("soon") is None
    assert retry_after(None) is None
