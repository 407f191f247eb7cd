"""Spans in every configured backend at once: X-Ray (a Powertools Tracer subsegment, the
ids as annotations) and OpenTelemetry (a span with the same attributes).

The X-Ray SDK costs about half a second to import, so the Tracer is created on the first
span of an execution environment that traces (in Lambda, unless POWERTOOLS_TRACE_DISABLED).
OpenTelemetry spans exist only when an OTLP endpoint is configured, or when a test passes
its own tracer (an in-memory exporter).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer as OtelTracer

log = logging.getLogger(__name__)

Attribute = str | int | float | bool
ANNOTATED = ("pricing_pack_id", "ledger_commit_hash", "pattern_id", "capability", "step")


def _sampled() -> bool:
    """Whether Lambda sampled this invocation for X-Ray (its trace header, set per
    invocation): an unsampled one would only build subsegments the SDK throws away."""
    return "Sampled=1" in os.environ.get("_X_AMZN_TRACE_ID", "")


class Span:
    """One span across backends; ``set`` adds attributes to all of them."""

    def __init__(self) -> None:
        self.otel: Any = None
        self.xray: Any = None

    def set(self, attributes: Mapping[str, Attribute | None]) -> None:
        present = {k: v for k, v in attributes.items() if v is not None}
        if self.otel is not None:
            self.otel.set_attributes(present)
        if self.xray is not None:
            for key, value in present.items():
                if key in ANNOTATED:
                    self.xray.put_annotation(key, value)
                else:
                    self.xray.put_metadata(key, value, "dawsos")


class Spans:
    def __init__(self, service: str, *, xray: bool, otel: OtelTracer | None) -> None:
        self.service = service
        self._xray_enabled = xray
        self._xray_tracer: Any = None
        self.otel = otel

    def _tracer(self) -> Any:
        if self._xray_tracer is None:
            from aws_lambda_powertools import Tracer

            self._xray_tracer = Tracer(service=self.service)
        return self._xray_tracer

    def _xray(self) -> Any:
        if not self._xray_enabled or not _sampled():
            return None
        return self._tracer()

    def warm(self) -> None:
        """Import the X-Ray SDK now (SnapStart's snapshot), not in the first request."""
        if self._xray_enabled:
            self._tracer()

    @contextmanager
    def span(
        self, name: str, attributes: Mapping[str, Attribute | None], *, xray: bool = True
    ) -> Iterator[Span]:
        """``xray=False`` keeps the span out of X-Ray: each subsegment there is sent to the
        daemon on its own, so a step's subsegment carries its capability instead."""
        span = Span()
        if self.otel is None and not self._xray_enabled:
            yield span  # no backend: nothing to open on this hot path
            return
        with ExitStack() as stack:
            try:
                if self.otel is not None:
                    span.otel = stack.enter_context(self.otel.start_as_current_span(name))
                tracer = self._xray() if xray else None
                if tracer is not None:
                    span.xray = stack.enter_context(tracer.provider.in_subsegment(name))
                span.set(attributes)
            except Exception:  # a tracing backend never fails the work it traces
                log.warning("tracing failed to open span %s", name, exc_info=True)
            yield span


def otlp_tracer(endpoint: str, service: str) -> tuple[OtelTracer, Any]:
    """A tracer exporting OTLP/HTTP in batches, and its provider (flushed per request)."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": f"dawsos-{service}"}))
    url = endpoint.rstrip("/") + "/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=url, timeout=1)))
    return provider.get_tracer("dawsos"), provider
