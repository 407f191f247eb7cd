"""Pacing provider requests under each provider's rate limit.

A limit reads ``N/period`` (``5/minute``, ``250/day``; several, comma-separated, all hold;
``none`` for no pacing). The bucket holds ``N`` tokens; a request takes one and each token
comes back one period after it was taken, so no window of one period ever holds more than
``N`` requests, whatever the provider's way of counting. (A bucket refilled at a steady
``N``-per-period rate would let ``2N`` through in the first period: the burst plus the
refill, which a free tier answers with 429s.)

Waiting goes through a ``Pacing``: its clock and sleep are injectable, so tests never
really wait, and a progress display can hear each wait (``on_wait``) before it starts. A
wait longer than ``max_wait_seconds`` fails at once as rate-limited instead (a Lambda must
not sleep past its timeout); a backfill that may wait as long as it takes sets it to None.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from dawsos_core.errors import ProviderCause, ProviderError

PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")


@dataclass(frozen=True)
class RateLimit:
    requests: int
    per_seconds: float

    def __str__(self) -> str:
        unit = next((u for u, s in PERIODS.items() if s == self.per_seconds), None)
        return f"{self.requests}/{unit}" if unit else f"{self.requests}/{self.per_seconds:g}s"


def parse_rate_limits(text: str) -> tuple[RateLimit, ...]:
    """``"5/minute"`` or ``"250/day,300/minute"``; ``"none"`` (or empty) is no limit."""
    if text.strip().lower() in ("", "none"):
        return ()
    limits = []
    for part in text.split(","):
        match = _LIMIT.match(part.lower())
        if match is None or int(match.group(1)) < 1:
            raise ValueError(
                f"{part.strip()!r} is not a rate limit: write N/second, N/minute, N/hour or"
                " N/day (N at least 1), several separated by commas, or none"
            )
        limits.append(RateLimit(int(match.group(1)), PERIODS[match.group(2)]))
    return tuple(limits)


class Pacing:
    """The clock and sleep provider requests wait with, and how long one may wait."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        max_wait_seconds: float | None = 300.0,
    ) -> None:
        self.clock = clock
        self._sleep = sleep
        self.max_wait_seconds = max_wait_seconds
        self.on_wait: Callable[[str, float], None] | None = None  # a progress display's

    def allows(self, seconds: float) -> bool:
        return self.max_wait_seconds is None or seconds <= self.max_wait_seconds

    def wait(self, seconds: float, reason: str) -> None:
        if seconds <= 0:
            return
        if self.on_wait is not None:
            self.on_wait(reason, seconds)
        self._sleep(seconds)


class TokenBucket:
    """At most ``N`` requests in any period of each limit; ``take`` waits for a token."""

    def __init__(
        self,
        provider: str,
        limits: tuple[RateLimit, ...],
        pacing: Pacing,
        *,
        setting: str = "",
    ) -> None:
        self.provider = provider
        self.limits = limits
        self.pacing = pacing
        self._setting = setting
        self._taken = [deque[float](maxlen=limit.requests) for limit in limits]
        self._lock = threading.Lock()

    def describe(self) -> str:
        limits = ",".join(str(limit) for limit in self.limits) or "none"
        return f"{self._setting}={limits}" if self._setting else limits

    def shortest_period(self) -> float | None:
        return min((limit.per_seconds for limit in self.limits), default=None)

    def take(self) -> float:
        """Wait until a request may go; the seconds waited. A wait beyond the pacing's
        ``max_wait_seconds`` raises a rate-limited ``ProviderError`` without taking one."""
        with self._lock:
            now = self.pacing.clock()
            at = now
            for limit, taken in zip(self.limits, self._taken, strict=True):
                if len(taken) == limit.requests:
                    at = max(at, taken[0] + limit.per_seconds)
            wait = at - now
            if not self.pacing.allows(wait):
                raise ProviderError(
                    f"{self.provider}: the rate limit {self.describe()} allows the next"
                    f" request in {wait:.0f}s, longer than the {self.pacing.max_wait_seconds:g}s"
                    " a request may wait; rate limited: wait, or raise the limit if the plan"
                    " allows more",
                    provider=self.provider,
                    cause=ProviderCause.RATE_LIMITED,
                    whole_provider=True,
                    retry_after_seconds=max(1, int(wait)),
                )
            for taken in self._taken:
                taken.append(at)  # reserved now, so concurrent callers queue behind it
        self.pacing.wait(wait, f"{self.provider} rate limit {self.describe()}")
        return wait
