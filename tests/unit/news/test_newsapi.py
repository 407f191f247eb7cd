"""NewsAPI's refusals read into what to do, and its placeholders of removed articles."""

from __future__ import annotations

import json
from pathlib import Path

from dawsos_core.news.newsapi import NewsApiError, is_removed, refusal
from dawsos_core.providers.http import answer_error

FIXTURES = Path(__file__).parents[2] / "fixtures" / "newsapi"
URL = "https://newsapi.org/v2/everything"


def answered(symbol: str, status: int, body: bytes) -> NewsApiError:
    """What the client raises when NewsAPI answers ``status`` with ``body``."""
    return refusal(symbol, answer_error("NewsAPI", URL, status, body))


def test_an_invalid_key_keeps_newsapis_code_and_says_check_the_key() -> None:
    error = answered("ACME", 401, (FIXTURES / "error_401_apiKeyInvalid.json").read_bytes())

    assert (error.http_status, error.provider_code) == (401, "apiKeyInvalid")
    assert str(error.provider_message).startswith("Your API key is invalid")
    assert error.details == {"symbol": "ACME", "action": "check NEWSAPI_API_KEY"}
    assert error.whole_provider
    assert "apiKeyInvalid" in error.message
    assert "ACME" in error.message


def test_a_rate_limit_keeps_newsapis_code_and_says_back_off() -> None:
    error = answered("ACME", 429, (FIXTURES / "error_429_rateLimited.json").read_bytes())

    assert (error.http_status, error.provider_code) == (429, "rateLimited")
    assert "too many requests" in str(error.provider_message)
    assert str(error.details["action"]).startswith("back off")
    assert error.whole_provider


def test_an_unknown_code_falls_back_on_the_http_status() -> None:
    error = answered("ACME", 400, b'{"status": "error", "code": "somethingNew", "message": "x"}')

    assert error.provider_code == "somethingNew"
    assert "check the request" in str(error.details["action"])
    assert not error.whole_provider


def test_only_the_placeholder_of_a_removed_article_is_removed() -> None:
    answer = json.loads(
        (FIXTURES / "ACME_BETA_with_removed_2024-06-21_2024-06-28.json").read_bytes()
    )

    assert [is_removed(a) for a in answer["articles"]] == [False, True, False]
