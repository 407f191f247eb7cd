"""EMF blobs: one per dimension set, in the DawsOS namespace, nothing when disabled."""

from __future__ import annotations

import json

import pytest

from dawsos_core.errors import ProviderError
from dawsos_core.observability.logs import service_logger
from dawsos_core.observability.metrics import MetricsRecorder
from dawsos_core.observability.telemetry import Telemetry
from dawsos_core.observability.tracing import Spans
from dawsos_core.orchestration.runtime import AgentRuntime, Capability, CapabilityResult


def test_one_blob_per_dimension_set() -> None:
    lines: list[str] = []
    recorder = MetricsRecorder("execute", sink=lines.append)

    recorder.add("AgentInvocations", 1, capability="a", outcome="ok")
    recorder.add("AgentInvocations", 1, capability="b", outcome="ok")
    recorder.add("ApiLatency", 12.5, pattern="p")
    recorder.flush()

    blobs = [json.loads(line) for line in lines]
    assert len(blobs) == 3
    latency = next(b for b in blobs if "ApiLatency" in b)
    directive = latency["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "DawsOS"
    assert directive["Metrics"] == [{"Name": "ApiLatency", "Unit": "Milliseconds"}]
    assert sorted(directive["Dimensions"][0]) == ["pattern", "service"]
    assert (latency["pattern"], latency["service"], latency["ApiLatency"]) == (
        "p",
        "execute",
        [12.5],
    )


def test_disabled_metrics_write_nothing_and_unknown_names_are_refused() -> None:
    lines: list[str] = []
    MetricsRecorder("execute", enabled=False, sink=lines.append).add("ApiLatency", 1)

    assert lines == []
    with pytest.raises(ValueError, match="unknown metric Latency"):
        MetricsRecorder("execute", sink=lines.append).add("Latency", 1)


def test_an_opening_breaker_is_counted() -> None:
    lines: list[str] = []
    telemetry = Telemetry(
        "execute",
        service_logger("execute", "json"),
        MetricsRecorder("execute", sink=lines.append),
        Spans("execute", xray=False, otel=None),
    )

    def broken(ctx: object, tx: object, args: object) -> CapabilityResult:
        raise ProviderError("provider down")

    class Agent:
        name = "flaky"

        def capabilities(self) -> list[Capability]:
            return [Capability("x.fetch", "flaky", broken)]  # type: ignore[arg-type]

    runtime = AgentRuntime(failure_threshold=2)
    runtime.register(Agent())
    with telemetry.invocation("test"):
        for _ in range(2):
            with pytest.raises(ProviderError):
                runtime.call("x.fetch", None, None, {})  # type: ignore[arg-type]

    names = [
        m["Name"]
        for line in lines
        for m in json.loads(line)["_aws"]["CloudWatchMetrics"][0]["Metrics"]
    ]
    assert names.count("CircuitBreakerOpens") == 1
    assert names.count("AgentInvocations") == 1  # one blob: both calls share a dimension set
    errors = [json.loads(line) for line in lines if "AgentInvocations" in line]
    assert errors[0]["outcome"] == "error"


def test_blobs_match_what_powertools_serialises() -> None:
    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
        AmazonCloudWatchEMFProvider,
    )

    lines: list[str] = []
    recorder = MetricsRecorder("execute", sink=lines.append)
    recorder.add("AgentInvocations", 1, capability="ledger.positions", outcome="ok")
    recorder.add("AgentInvocations", 1, capability="ledger.positions", outcome="ok")
    recorder.flush()
    reference = AmazonCloudWatchEMFProvider(
        namespace="DawsOS", service="execute", default_dimensions={"service": "execute"}
    )
    reference.add_metric(name="AgentInvocations", unit=MetricUnit.Count, value=1)
    reference.add_metric(name="AgentInvocations", unit=MetricUnit.Count, value=1)
    reference.add_dimension(name="capability", value="ledger.positions")
    reference.add_dimension(name="outcome", value="ok")
    expected = reference.serialize_metric_set()

    ours = json.loads(lines[0])
    for blob in (ours, expected):
        del blob["_aws"]["Timestamp"]
        blob["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0].sort()
    assert ours == expected


def test_the_default_sink_is_stdout_one_line_per_blob_and_powertools_prints_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import warnings

    recorder = MetricsRecorder("execute")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. Powertools' "No application metrics to publish"
        recorder.flush()
        assert capsys.readouterr().out == ""

        recorder.add("Requests", 1, status="200")
        recorder.add("ApiLatency", 3, pattern="p")
        recorder.flush()
        recorder.flush()

    lines = capsys.readouterr().out.splitlines()
    assert [sorted(json.loads(line)) for line in lines] == [
        ["Requests", "_aws", "service", "status"],
        ["ApiLatency", "_aws", "pattern", "service"],
    ]


def test_past_99_values_a_dimension_set_continues_in_another_blob(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines: list[str] = []
    recorder = MetricsRecorder("execute", sink=lines.append)
    for i in range(150):
        recorder.add("AgentInvocations", i, capability="a", outcome="ok")
    recorder.add("CircuitBreakerOpens", 1, capability="a", outcome="ok")
    recorder.flush()

    assert capsys.readouterr().out == ""
    blobs = [json.loads(line) for line in lines]
    assert [len(b["AgentInvocations"]) for b in blobs] == [99, 51]
    assert [b["AgentInvocations"][0] for b in blobs] == [0.0, 99.0]
    assert "CircuitBreakerOpens" not in blobs[0]
    assert blobs[1]["CircuitBreakerOpens"] == [1.0]
    for blob in blobs:
        assert (blob["service"], blob["capability"], blob["outcome"]) == ("execute", "a", "ok")
