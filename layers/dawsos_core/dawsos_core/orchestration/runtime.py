"""The agent runtime: agents register capabilities, calls route by capability name through
a circuit breaker each, and the data sources of every result are collected so that each
answer can carry its attributions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import psycopg

from dawsos_core.context import RequestCtx
from dawsos_core.errors import DawsosError, ServiceUnavailable
from dawsos_core.observability.metrics import AGENT_INVOCATIONS, CIRCUIT_BREAKER_OPENS
from dawsos_core.observability.telemetry import count, span
from dawsos_core.orchestration.breaker import CircuitBreaker

if TYPE_CHECKING:
    from dawsos_core.db.connection import Connection


@dataclass(frozen=True)
class CapabilityResult:
    """A capability's answer, the data sources it was computed from, and the pricing packs
    it valued with."""

    data: Any
    sources: frozenset[str] = field(default_factory=frozenset)
    packs: frozenset[str] = field(default_factory=frozenset)


# A capability answers from the request's context, its transaction and the step's arguments.
Handler = Callable[[RequestCtx, "Connection", Mapping[str, Any]], CapabilityResult]


@dataclass(frozen=True)
class Capability:
    name: str
    agent: str
    handler: Handler


class Agent(Protocol):
    name: str

    def capabilities(self) -> list[Capability]: ...


class CapabilityUnavailable(ServiceUnavailable):
    code = "capability_unavailable"


class UnknownCapability(DawsosError):
    code = "unknown_capability"


def dependency_failed(exc: BaseException) -> bool:
    """Whether a capability failed because a dependency did: a provider's HTTP error or
    timeout, or the database unreachable. Only those open a breaker, so no caller's input
    (nor a statement it made too long) can switch a capability off for the others."""
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return False  # the statement timeout: the request's own work
    return isinstance(exc, ServiceUnavailable | psycopg.OperationalError)


class AgentRuntime:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cooldown_seconds: float = 30.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._capabilities: dict[str, Capability] = {}
        self._breakers: dict[str, CircuitBreaker] = {}
        self._breaker_args: dict[str, Any] = {
            "failure_threshold": failure_threshold,
            "cooldown_seconds": cooldown_seconds,
        }
        if clock is not None:
            self._breaker_args["clock"] = clock

    def register(self, agent: Agent) -> None:
        for capability in agent.capabilities():
            if capability.name in self._capabilities:
                raise ValueError(f"capability {capability.name} is registered twice")
            self._capabilities[capability.name] = capability
            self._breakers[capability.name] = CircuitBreaker(**self._breaker_args)

    def capability(self, name: str) -> Capability:
        try:
            return self._capabilities[name]
        except KeyError:
            raise UnknownCapability(f"no agent offers capability {name}") from None

    def names(self) -> set[str]:
        return set(self._capabilities)

    def breaker(self, name: str) -> CircuitBreaker:
        return self._breakers[name]

    def call(
        self, name: str, ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]
    ) -> CapabilityResult:
        capability = self.capability(name)
        breaker = self._breakers[name]
        if not breaker.allow():
            count(AGENT_INVOCATIONS, capability=name, outcome="rejected")
            raise CapabilityUnavailable(
                f"capability {name} is unavailable (circuit open)",
                retry_after_seconds=breaker.retry_after(),
            )
        # X-Ray has the step's subsegment (annotated with the capability); OpenTelemetry
        # has a span for each.
        with span(f"capability {name}", xray=False, capability=name, agent=capability.agent):
            try:
                result = capability.handler(ctx, tx, args)
            except Exception as exc:
                if dependency_failed(exc):
                    self._failed(name, breaker)
                else:  # a refusal of the input, or a fault of ours: the dependency answered
                    breaker.success()
                    outcome = "refused" if isinstance(exc, DawsosError) else "error"
                    count(AGENT_INVOCATIONS, capability=name, outcome=outcome)
                raise
        breaker.success()
        count(AGENT_INVOCATIONS, capability=name, outcome="ok")
        return result

    @staticmethod
    def _failed(name: str, breaker: CircuitBreaker) -> None:
        count(AGENT_INVOCATIONS, capability=name, outcome="error")
        if breaker.failure():
            count(CIRCUIT_BREAKER_OPENS, capability=name)
