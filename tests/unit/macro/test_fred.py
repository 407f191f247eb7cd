"""FRED windows sized to a series' frequency, and FRED's refusals read into what to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dawsos_core.errors import ProviderCause
from dawsos_core.macro.fred import FREQUENCIES, FredError, refusal, window_days
from dawsos_core.providers.http import answer_error

FIXTURES = Path(__file__).parents[2] / "fixtures" / "fred"
URL = "https://api.stlouisfed.org/fred/series/observations"


def answered(series_id: str, status: int, body: bytes) -> FredError:
    """What the client raises when FRED answers ``status`` with ``body``."""
    return refusal(series_id, answer_error("FRED", URL, status, body, key_name="FRED_API_KEY"))


def test_a_window_holds_the_latest_published_observation_of_each_frequency() -> None:
    # Given a pack on 2024-06-28, and each frequency's latest observation published by then
    on = dt.date(2024, 6, 28)
    published = {
        "D": dt.date(2024, 6, 27),  # yesterday's yield
        "W": dt.date(2024, 6, 15),  # a week ending Saturday, out the next Thursday
        "M": dt.date(2024, 5, 1),  # May's CPI, dated May 1, out on June 12
        "Q": dt.date(2024, 1, 1),  # the first quarter's GDP, out at the end of April
        "A": dt.date(2023, 1, 1),  # 2023, dated January 1
    }
    for frequency, latest in published.items():
        # When the window is sized to the frequency, then that observation is inside it
        assert on - dt.timedelta(days=window_days(frequency)) <= latest, frequency
    # and every frequency at least as long as the ten days a daily series always had
    assert window_days("D") == 10
    assert window_days("M") == 2 * 31 + 45
    assert min(window_days(f) for f in FREQUENCIES) == 10


def test_an_undocumented_frequency_gets_the_widest_window() -> None:
    assert window_days("XQ") == max(window_days(f) for f in FREQUENCIES)


def test_an_unknown_series_keeps_freds_message_and_says_check_the_series_id() -> None:
    body = (FIXTURES / "error_400_series_does_not_exist.json").read_bytes()

    error = answered("NOSUCH", 400, body)

    assert (error.http_status, error.provider_code, error.provider_message) == (
        400,
        "400",
        "Bad Request. The series does not exist.",
    )
    assert error.details == {"series": "NOSUCH", "action": "check the series id in MACRO_SERIES"}
    assert error.cause is ProviderCause.NOT_FOUND
    assert not error.whole_provider  # the other series go on
    assert "NOSUCH" in error.message
    assert "The series does not exist." in error.message
    assert "retry" not in error.message.lower()


@pytest.mark.parametrize(
    ("fixture", "status", "said"),
    [
        ("error_400_api_key_not_registered.json", 400, "is not registered"),
        ("error_400_api_key_malformed.json", 400, "is not a 32 character"),
        ("error_403_forbidden.json", 403, "Forbidden."),
    ],
)
def test_a_refused_key_says_check_fred_api_key_and_stops_the_feed(
    fixture: str, status: int, said: str
) -> None:
    error = answered("DGS10", status, (FIXTURES / fixture).read_bytes())

    assert error.provider_code == str(status)
    assert said in str(error.provider_message)
    assert str(error.details["action"]).startswith("check FRED_API_KEY")
    assert error.cause is ProviderCause.NOT_AUTHORISED
    assert error.whole_provider  # every other series would be refused the same way
    assert "retry" not in error.message.lower()


def test_an_answer_that_is_not_json_still_names_the_status_and_what_to_do() -> None:
    error = answered("DGS10", 503, b"<html>Service Unavailable</html>")

    assert error.provider_code is None
    assert error.http_status == 503
    assert "retry later" in str(error.details["action"])
    assert "DGS10" in error.message
