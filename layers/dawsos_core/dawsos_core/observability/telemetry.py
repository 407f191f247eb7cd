"""The per-function telemetry and the calls domain code makes during a request.

A handler runs each invocation inside ``Telemetry.invocation``; code below it calls the
module functions ``span``, ``annotate`` and ``count``, which reach the invocation under way
through a context variable and do nothing outside one (the CLI, unit tests). At the end of
an invocation the latency and status metrics are recorded, the metrics flushed as EMF, the
OpenTelemetry batch flushed (at most every OTEL_FLUSH_SECONDS), and one log line written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools import Logger

from dawsos_core.observability.metrics import API_LATENCY, REQUESTS, MetricsRecorder
from dawsos_core.observability.tracing import Attribute, Span, Spans

log = logging.getLogger(__name__)

# The OpenTelemetry batch is flushed at the end of an invocation at most this often: a flush
# costs about a millisecond, and spans still queued when Lambda freezes the environment are
# sent when it thaws.
OTEL_FLUSH_SECONDS = 10.0


@dataclass
class Invocation:
    """What one invocation has learnt about itself so far."""

    telemetry: Telemetry
    operation: str
    attributes: dict[str, Attribute] = field(default_factory=dict)
    status: int | None = None
    user: str | None = None
    root: Span | None = None


_current: ContextVar[Invocation | None] = ContextVar("dawsos_invocation", default=None)


@dataclass
class Telemetry:
    service: str
    logger: Logger
    metrics: MetricsRecorder
    spans: Spans
    otel_provider: Any = None
    _flushed: float = float("-inf")

    @contextmanager
    def invocation(self, operation: str, **attributes: Attribute) -> Iterator[Invocation]:
        """One request or job: a root span, then metrics, flushes and a log line at the end.
        ``operation`` names it (a route, or a job); the latency metric's ``pattern`` is the
        pattern id when one was annotated, else the operation."""
        current = Invocation(self, operation, dict(attributes))
        token = _current.set(current)
        started = time.perf_counter()
        try:
            with self.spans.span(f"{self.service} {operation}", current.attributes) as root:
                current.root = root
                yield current
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            _current.reset(token)
            self._finish(current, elapsed_ms)

    def _finish(self, current: Invocation, elapsed_ms: float) -> None:
        pattern = str(current.attributes.get("pattern_id", current.operation))
        if current.status is not None:
            self.metrics.add(API_LATENCY, elapsed_ms, pattern=pattern)
            self.metrics.add(REQUESTS, 1, status=str(current.status))
        try:
            self.metrics.flush()
            now = time.monotonic()
            if self.otel_provider is not None and now - self._flushed >= OTEL_FLUSH_SECONDS:
                self._flushed = now
                self.otel_provider.force_flush(timeout_millis=300)
        except Exception:  # a metrics sink or exporter never fails the request it measured
            log.warning("telemetry flush failed", exc_info=True)
        self.logger.info(
            f"{current.operation} -> {current.status if current.status is not None else 'done'}",
            extra={"duration_ms": round(elapsed_ms, 2), **current.attributes},
        )
        self.logger.remove_keys(list(current.attributes))


def http_operation(event: dict[str, Any]) -> str:
    """An HTTP API event's route, e.g. ``POST /v1/execute``."""
    route = event.get("routeKey")
    if route and route != "$default":
        return str(route)
    http = event.get("requestContext", {}).get("http", {})
    return f"{http.get('method', '?')} {event.get('rawPath', '?')}"


def current_user() -> str | None:
    invocation = _current.get()
    return None if invocation is None else invocation.user


def identify(user: str) -> None:
    """The caller of the invocation under way: never logged or traced, only hashed by the
    Sentry scrubber wherever it appears."""
    invocation = _current.get()
    if invocation is not None:
        invocation.user = user


def span(name: str, *, xray: bool = True, **attributes: Attribute | None) -> Any:
    """A child span of the invocation under way (a no-op context outside one)."""
    invocation = _current.get()
    if invocation is None:
        return nullcontext()
    return invocation.telemetry.spans.span(name, attributes, xray=xray)


def annotate(**attributes: Attribute | None) -> None:
    """Attributes of the whole invocation: on its root span, its log lines and its metrics."""
    invocation = _current.get()
    if invocation is None:
        return
    present = {k: v for k, v in attributes.items() if v is not None}
    invocation.attributes.update(present)
    if invocation.root is not None:
        invocation.root.set(present)
    invocation.telemetry.logger.append_keys(**present)


def count(name: str, value: float = 1, **dimensions: str) -> None:
    invocation = _current.get()
    if invocation is not None:
        invocation.telemetry.metrics.add(name, value, **dimensions)
