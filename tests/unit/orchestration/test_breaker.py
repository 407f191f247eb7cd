"""The circuit breaker's states: CLOSED, OPEN after N failures, HALF_OPEN with one probe."""

from __future__ import annotations

from dawsos_core.orchestration.breaker import BreakerState, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_consecutive_failures_and_probes_after_the_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown_seconds=10, clock=clock)

    assert [breaker.failure() for _ in range(3)] == [False, False, True]
    assert breaker.state is BreakerState.OPEN
    assert breaker.allow() is False

    clock.now = 10.0
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow() is True  # the one probe
    assert breaker.allow() is False  # no second caller while it runs
    breaker.success()
    assert breaker.state is BreakerState.CLOSED


def test_failed_probe_reopens() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=5, clock=clock)
    breaker.failure()
    clock.now = 5.0
    assert breaker.allow() is True

    assert breaker.failure() is True
    assert breaker.state is BreakerState.OPEN
    assert breaker.retry_after() == 6


def test_success_resets_the_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=5)
    breaker.failure()
    breaker.success()
    breaker.failure()

    assert breaker.state is BreakerState.CLOSED
