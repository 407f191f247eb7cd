"""Warm ``POST /v1/execute portfolio_overview`` with all observability on against all off,
interleaved in one run on the demo's data.

On: EMF metrics (written to /dev/null), the request log line at INFO, X-Ray subsegments
through the Powertools Tracer (sent by UDP to a daemon address where nothing listens, as
the SDK does) for a sampled and for an unsampled trace, OpenTelemetry spans through a batch
processor, and Sentry
initialised with its scrubber (a capturing transport: nothing leaves the machine). Off:
none of them. Target: on costs at most 10% or 1 ms more at p50.

The request's own time varies by more than that cost from run to run here, so the cost is
also measured with the capabilities' answers replayed (the same request without their
work) and reported against the live request's time.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from dawsos_core import resources
from dawsos_local.demo import DEMO_NOW
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler
from tests.bench.bench_execute import (
    demo_database,
    fresh_request,
    overview_event,
    replayed,
    wrapped_capabilities,
)
from tests.bench.database import bench_server
from tests.bench.stats import ms, p

TITLE = "warm POST /v1/execute with all observability on vs all off"
ROUNDS = 12
PER_ROUND = 6
OFF = {"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true"}
ON = {
    "POWERTOOLS_TRACE_DISABLED": "false",
    "POWERTOOLS_METRICS_DISABLED": "false",
    "AWS_LAMBDA_FUNCTION_NAME": "execute",
    "LAMBDA_TASK_ROOT": "/var/task",
    "_X_AMZN_TRACE_ID": (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    ),
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
}


def _configure(on: bool, devnull: Any, *, sampled: bool = True) -> None:
    import sentry_sdk
    from sentry_sdk.transport import Transport

    for name in ON:
        os.environ.pop(name, None)
    os.environ.update(ON if on else OFF)
    if on and not sampled:
        os.environ["_X_AMZN_TRACE_ID"] = ON["_X_AMZN_TRACE_ID"].replace("Sampled=1", "Sampled=0")
    resources.get_settings.cache_clear()
    resources.get_telemetry.cache_clear()
    telemetry = resources.get_telemetry("execute")
    logging.getLogger("execute").setLevel(logging.INFO if on else logging.WARNING)
    if not on:
        sentry_sdk.init()
        return
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from dawsos_core.observability.sentry import init_sentry
    from dawsos_core.observability.telemetry import current_user

    class Discard(Transport):
        def capture_envelope(self, envelope: Any) -> None:
            return None

    init_sentry(
        "https://public@sentry.example.invalid/1",
        salt="bench",
        environment="development",
        service="execute",
        current_user=current_user,
        transport=Discard(),
    )
    telemetry.metrics.sink = lambda line: devnull.write(line + "\n")
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(InMemorySpanExporter()))
    telemetry.spans.otel = provider.get_tracer("bench")
    telemetry.otel_provider = provider


CONFIGS = {"all off": (False, True), "all on, trace sampled": (True, True),
           "all on, trace not sampled": (True, False)}  # fmt: skip


def _interleaved(handler: Any, event: dict[str, Any], devnull: Any) -> dict[str, list[float]]:
    """The configurations in turn, a round at a time, each round's first request untimed
    (it pays for the reconfiguration)."""
    samples: dict[str, list[float]] = {name: [] for name in CONFIGS}
    for on, sampled in CONFIGS.values():  # warm every path
        _configure(on, devnull, sampled=sampled)
        for _ in range(5):
            response = handler(fresh_request(event), LambdaContext("execute"))
            assert response["statusCode"] == 200
    for _ in range(ROUNDS):
        for name, (on, sampled) in CONFIGS.items():
            _configure(on, devnull, sampled=sampled)
            handler(fresh_request(event), LambdaContext("execute"))
            for _ in range(PER_ROUND):
                request = fresh_request(event)
                started = time.perf_counter()
                response = handler(request, LambdaContext("execute"))
                samples[name].append(time.perf_counter() - started)
                assert response["statusCode"] == 200
    return samples


def _table(title: str, samples: dict[str, list[float]]) -> Table:
    table = Table(title, "p50", "p95", "p50 vs off")
    off50 = p(samples["all off"], 50)
    for name, values in samples.items():
        on50 = p(values, 50)
        table.add_row(
            name,
            ms(on50),
            ms(p(values, 95)),
            f"{on50 / off50:.3f}x, +{(on50 - off50) * 1000:.2f} ms",
        )
    return table


def run(console: Console) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        bench_server() as fresh,
        open(os.devnull, "w") as devnull,
    ):
        url = demo_database(fresh, Path(tmp), console)
        saved = dict(os.environ)
        os.environ.update(DATABASE_URL=url, DAWSOS_NOW=DEMO_NOW, POWERTOOLS_LOG_LEVEL="INFO")
        resources.reset()
        try:
            handler = load_handler(FUNCTIONS_DIR / "execute" / "app.py")
            for h in logging.getLogger("execute").handlers:
                if isinstance(h, logging.StreamHandler):
                    h.setStream(devnull)
            event = overview_event()
            live = _interleaved(handler, event, devnull)
            resources.reset()  # a new runtime, built with replaying capabilities
            with wrapped_capabilities(replayed):
                fixed = _interleaved(handler, event, devnull)
        finally:
            _configure(False, devnull)
            os.environ.clear()
            os.environ.update(saved)
            resources.reset()
    console.print(_table("observability, live request", live))
    console.print(_table("observability, capabilities' answers replayed", fixed))
    off50 = p(live["all off"], 50)
    shares = ", ".join(
        f"{name} +{(p(fixed[name], 50) - p(fixed['all off'], 50)) * 1000:.2f} ms"
        f" = {(p(fixed[name], 50) - p(fixed['all off'], 50)) / off50:.1%}"
        for name in CONFIGS
        if name != "all off"
    )
    console.print(
        f"fixed cost (replayed answers) against the live request's {off50 * 1000:.1f} ms: "
        f"{shares}; target: at most 10% or 1 ms more. X-Ray samples one request a second "
        "and 5% of the rest by default; a sampled request also sends each step's subsegment "
        "to the daemon."
    )
