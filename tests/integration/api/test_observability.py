"""What one execute and one pack build actually emit: EMF metric names and dimensions, and
spans with their attributes (an in-memory OpenTelemetry exporter); OTLP export when an
endpoint is set, and a dead collector never failing a request."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from dawsos_core import resources
from dawsos_core.db.connection import Database
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler
from tests.conftest import ApiResponse
from tests.integration.conftest import FRI, FakeProvider, LedgerRepo

Execute = Callable[..., ApiResponse]


@dataclass
class Captured:
    emf: list[dict[str, Any]] = field(default_factory=list)
    exporter: InMemorySpanExporter = field(default_factory=InMemorySpanExporter)

    def metrics(self) -> dict[str, list[dict[str, str]]]:
        """Metric name -> the dimension values of each emission."""
        found: dict[str, list[dict[str, str]]] = {}
        for blob in self.emf:
            directive = blob["_aws"]["CloudWatchMetrics"][0]
            assert directive["Namespace"] == "DawsOS"
            names = directive["Dimensions"][0]
            for metric in directive["Metrics"]:
                found.setdefault(metric["Name"], []).append({d: blob[d] for d in names})
        return found

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Captured]]:
    """Metrics on, their EMF lines and every span captured, for the named service."""

    def capture(service: str) -> Captured:
        monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
        resources.get_settings.cache_clear()
        resources.get_telemetry.cache_clear()
        telemetry = resources.get_telemetry(service)
        out = Captured()
        telemetry.metrics.sink = lambda line: out.emf.append(json.loads(line))
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(out.exporter))
        telemetry.spans.otel = provider.get_tracer("test")
        return out

    yield capture
    resources.get_telemetry.cache_clear()


def test_one_execute_emits_its_metrics_and_spans(
    executing: Execute, captured: Callable[[str], Captured]
) -> None:
    out = captured("execute")

    response = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})

    assert response.status == HTTPStatus.OK, response.body
    metrics = out.metrics()
    assert metrics["ApiLatency"] == [{"service": "execute", "pattern": "portfolio_overview"}]
    assert metrics["Requests"] == [{"service": "execute", "status": "200"}]
    invocations = {(d["capability"], d["outcome"]) for d in metrics["AgentInvocations"]}
    assert invocations == {
        ("ledger.positions", "ok"),
        ("pricing.apply_pack", "ok"),
        ("valuations.window", "ok"),
        ("metrics.compute_twr", "ok"),
        ("metrics.periods", "ok"),
        ("attribution.returns", "ok"),
        ("charts.overview", "ok"),
    }
    spans = {s.name: s for s in out.spans()}
    root = spans["execute POST /v1/execute"]
    provenance = response.body["provenance"]
    assert root.attributes is not None
    assert root.attributes["pattern_id"] == "portfolio_overview"
    assert root.attributes["pricing_pack_id"] == provenance["pricing_pack_id"]
    assert root.attributes["ledger_commit_hash"] == provenance["ledger_commit_hash"]
    for step, capability in (("positions", "ledger.positions"), ("chart", "charts.overview")):
        step_span = spans[f"step {step}"]
        capability_span = spans[f"capability {capability}"]
        assert step_span.attributes == {"step": step, "capability": capability}
        assert step_span.parent is not None
        assert step_span.parent.span_id == root.context.span_id
        assert capability_span.parent is not None
        assert capability_span.parent.span_id == step_span.context.span_id
        assert capability_span.context.trace_id == root.context.trace_id


def test_a_refused_request_is_counted_by_status(
    executing: Execute, captured: Callable[[str], Captured]
) -> None:
    out = captured("execute")

    response = executing("portfolio_overview", {"portfolio_id": "p"}, sub="mallory")

    assert response.status == HTTPStatus.NOT_FOUND
    assert out.metrics()["Requests"] == [{"service": "execute", "status": "404"}]
    assert "AgentInvocations" not in out.metrics()


def test_one_pack_build_emits_its_metrics_and_spans(
    setup: tuple[Database, LedgerRepo],
    database_url: str,
    api_env: Callable[[str], None],
    captured: Callable[[str], Captured],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, repo = setup
    monkeypatch.setenv("LEDGER_REPO", str(repo.path))
    monkeypatch.setenv("DAWSOS_NOW", "2024-06-28T18:00:00Z")
    api_env(database_url)
    out = captured("pack_builder")
    handler = load_handler(FUNCTIONS_DIR / "pack_builder" / "app.py")

    result = handler(
        {"date": FRI.isoformat(), "policy": "ECB_CAD"}, LambdaContext("pack_builder"), db=db
    )

    assert result["status"] == "fresh"
    metrics = out.metrics()
    for name in ("PackBuildDuration", "ReconciliationBps", "PackFresh", "PackAgeDays"):
        assert metrics[name] == [{"service": "pack_builder", "policy": "ECB"}], name
    values = {k: v for blob in out.emf for k, v in blob.items() if k in metrics}
    assert values["PackFresh"] == [1.0]
    assert values["PackAgeDays"] == [0.0]
    assert values["ReconciliationBps"] == [float(result["reconciliation_error_bps"])]
    spans = {s.name: s for s in out.spans()}
    root = spans["pack_builder pack build"]
    assert root.attributes is not None
    assert root.attributes["pricing_pack_id"] == result["pack_id"]
    build = spans["pack_build"]
    assert build.attributes == {"policy": "ECB", "date": FRI.isoformat()}
    assert build.parent is not None
    assert build.parent.span_id == root.context.span_id


def test_spans_reach_an_otlp_collector_and_a_dead_one_fails_nothing(
    executing: Execute, fake_provider: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_provider.serve("/v1/traces", (200, b"", 0.0))
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", fake_provider.url)
    resources.get_settings.cache_clear()
    resources.get_telemetry.cache_clear()

    response = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})

    assert response.status == HTTPStatus.OK
    bodies = [body for path, body in fake_provider.posted if path == "/v1/traces"]
    assert bodies
    assert any(
        b"pricing_pack_id" in body and b"capability charts.overview" in body for body in bodies
    )

    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
    resources.get_settings.cache_clear()
    resources.get_telemetry.cache_clear()
    again = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})
    assert again.status == HTTPStatus.OK
