"""The token bucket that paces provider requests: never more than a limit's requests in any
one of its periods, waits on an injected clock, and refuses a wait longer than allowed."""

from __future__ import annotations

import pytest

from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.providers.rate_limit import RateLimit, TokenBucket, parse_rate_limits
from tests.fake_clock import FakeClock


def most_in_any_window(times: list[float], window: float) -> int:
    """The most requests at ``times`` within any half-open window of ``window`` seconds."""
    return max(sum(1 for u in times if t - window < u <= t) for t in times)


def test_limits_read_as_requests_per_period() -> None:
    assert parse_rate_limits("5/minute") == (RateLimit(5, 60.0),)
    assert parse_rate_limits("250/day, 300/minute") == (
        RateLimit(250, 86400.0),
        RateLimit(300, 60.0),
    )
    assert parse_rate_limits("none") == ()
    assert str(RateLimit(5, 60.0)) == "5/minute"


@pytest.mark.parametrize("text", ["5 per minute", "0/minute", "5/week", "5/minute,x"])
def test_a_malformed_limit_is_refused_saying_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match="N/second, N/minute, N/hour or N/day"):
        parse_rate_limits(text)


def test_five_a_minute_lets_five_through_then_the_sixth_waits_for_the_first_to_age() -> None:
    clock = FakeClock()
    bucket = TokenBucket("Polygon", parse_rate_limits("5/minute"), clock.pacing())

    waits = [bucket.take() for _ in range(6)]

    assert waits == [0, 0, 0, 0, 0, 60]
    assert clock.now == 1060


def test_no_period_ever_holds_more_than_its_limit_however_requests_arrive() -> None:
    clock = FakeClock()
    bucket = TokenBucket("Polygon", parse_rate_limits("5/minute"), clock.pacing())
    sent: list[float] = []

    for i in range(60):
        clock.sleep([0, 3, 11, 0.5, 29][i % 5])  # the work between requests
        bucket.take()
        sent.append(clock.now)

    assert most_in_any_window(sent, 60) == 5
    # a bucket refilled at a steady 5 a minute would have let 9 through in the first one
    assert sent[-1] - sent[0] >= 60 * (60 // 5 - 1)


def test_every_limit_of_several_holds() -> None:
    clock = FakeClock()
    bucket = TokenBucket("FMP", parse_rate_limits("2/second,5/minute"), clock.pacing())
    sent = []

    for _ in range(12):
        bucket.take()
        sent.append(clock.now)

    assert most_in_any_window(sent, 1) == 2
    assert most_in_any_window(sent, 60) == 5


def test_no_limit_never_waits() -> None:
    clock = FakeClock()
    bucket = TokenBucket("Bank of Canada", (), clock.pacing())

    assert sum(bucket.take() for _ in range(100)) == 0
    assert clock.slept == []


def test_a_wait_longer_than_allowed_fails_as_rate_limited_naming_the_setting() -> None:
    clock = FakeClock()
    limits = parse_rate_limits("250/day")
    bucket = TokenBucket("FMP", limits, clock.pacing(300), setting="FMP_RATE_LIMIT")
    for _ in range(250):
        bucket.take()

    with pytest.raises(ProviderError) as refused:
        bucket.take()

    assert refused.value.cause is ProviderCause.RATE_LIMITED
    assert "FMP_RATE_LIMIT=250/day" in refused.value.message
    assert "in 86400s" in refused.value.message
    assert clock.slept == []  # it did not wait to fail
    patient = TokenBucket("FMP", limits, clock.pacing(None), setting="FMP_RATE_LIMIT")
    for _ in range(250):
        patient.take()
    assert patient.take() == 86400  # a backfill waits as long as it takes


def test_a_progress_display_hears_each_wait_before_it_starts() -> None:
    clock = FakeClock()
    pacing = clock.pacing()
    heard: list[tuple[str, float, float]] = []
    pacing.on_wait = lambda reason, seconds: heard.append((reason, seconds, clock.now))
    bucket = TokenBucket(
        "Polygon", parse_rate_limits("1/minute"), pacing, setting="POLYGON_RATE_LIMIT"
    )

    bucket.take()
    bucket.take()

    assert heard == [("Polygon rate limit POLYGON_RATE_LIMIT=1/minute", 60, 1000)]
