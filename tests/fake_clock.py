"""A clock that moves only when something sleeps on it, so paced tests never really wait."""

from __future__ import annotations

import threading

from dawsos_core.providers.rate_limit import Pacing


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds

    def pacing(self, max_wait_seconds: float | None = 300.0) -> Pacing:
        return Pacing(clock=self, sleep=self.sleep, max_wait_seconds=max_wait_seconds)
