"""Only a dependency's failure opens a capability's circuit breaker: no caller's input, nor
a fault of ours, can switch a capability off for the other callers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
import pytest

from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection
from dawsos_core.errors import BadRequest, DatabaseUnavailable, ProviderError, Unprocessable
from dawsos_core.orchestration.breaker import BreakerState
from dawsos_core.orchestration.runtime import (
    AgentRuntime,
    Capability,
    CapabilityResult,
    CapabilityUnavailable,
)
from tests.unit.orchestration.test_patterns import CTX, TX


class Raising:
    """One capability that raises whatever it is told to, else answers."""

    name = "raising"

    def __init__(self) -> None:
        self.next: BaseException | None = None

    def run(self, ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
        if self.next is not None:
            raise self.next
        return CapabilityResult({"ok": True})

    def capabilities(self) -> list[Capability]:
        return [Capability("t.run", self.name, self.run)]


def _runtime() -> tuple[AgentRuntime, Raising]:
    runtime, agent = AgentRuntime(failure_threshold=3, cooldown_seconds=60), Raising()
    runtime.register(agent)
    return runtime, agent


def _fail_ten_times(runtime: AgentRuntime, agent: Raising, exc: BaseException) -> None:
    agent.next = exc
    for _ in range(10):
        with pytest.raises(type(exc)):
            runtime.call("t.run", CTX, TX, {})
    agent.next = None


@pytest.mark.parametrize(
    "exc",
    [
        BadRequest("series: contains a NUL character"),
        Unprocessable("no stored observations of X"),
        psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
        UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
        RecursionError("maximum recursion depth exceeded"),
        KeyError("a fault of ours"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_callers_bad_input_or_our_fault_never_opens_the_breaker(exc: BaseException) -> None:
    runtime, agent = _runtime()

    _fail_ten_times(runtime, agent, exc)

    assert runtime.breaker("t.run").state is BreakerState.CLOSED
    assert runtime.call("t.run", CTX, TX, {}).data == {"ok": True}  # the next caller


@pytest.mark.parametrize(
    "exc",
    [
        ProviderError("FRED answered 502"),
        DatabaseUnavailable("PostgreSQL is not reachable"),
        psycopg.OperationalError("server closed the connection unexpectedly"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_dependencys_failures_open_the_breaker(exc: BaseException) -> None:
    runtime, agent = _runtime()
    agent.next = exc
    for _ in range(3):
        with pytest.raises(type(exc)):
            runtime.call("t.run", CTX, TX, {})
    agent.next = None

    with pytest.raises(CapabilityUnavailable):
        runtime.call("t.run", CTX, TX, {})
    assert runtime.breaker("t.run").state is BreakerState.OPEN


def test_a_refused_probe_closes_a_half_open_breaker_rather_than_wedging_it() -> None:
    now = [0.0]
    runtime, agent = (
        AgentRuntime(failure_threshold=1, cooldown_seconds=5, clock=lambda: now[0]),
        Raising(),
    )
    runtime.register(agent)
    agent.next = ProviderError("down")
    with pytest.raises(ProviderError):
        runtime.call("t.run", CTX, TX, {})
    now[0] = 6.0  # half open: one probe
    agent.next = BadRequest("bad input")

    with pytest.raises(BadRequest):
        runtime.call("t.run", CTX, TX, {})

    assert runtime.breaker("t.run").state is BreakerState.CLOSED
