"""Warm ``POST /v1/execute portfolio_overview`` through the execute handler, in-process, on
the demo's data (bean-example ledger, a year of packs).

Reported: p50 and p95; orchestration overhead (the orchestrator's run minus the time its
capabilities' handlers ran, target at most 2 ms); the whole request path outside the
handlers, beside the HTTP layer answering a canned outcome; total against the bare SQL
floor, every statement the request ran replayed on one connection (target at most 3x);
peak RSS (target at most 256 MB).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import os
import resource
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

from dawsos_core import resources
from dawsos_core.api import execute as execute_api
from dawsos_core.calendar import weekdays
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.packs import analyze_pack_tables
from dawsos_core.execution import ExecutionOutcome
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.orchestration.orchestrator import PatternOrchestrator, RunResult
from dawsos_core.orchestration.runtime import AgentRuntime, Capability, CapabilityResult, Handler
from dawsos_core.portfolios import create_portfolio
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_local import example_ledger
from dawsos_local.demo import DEMO_NOW, DEMO_PORTFOLIO
from dawsos_local.events import http_api_event
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler
from tests.bench.database import bench_server
from tests.bench.stats import ms, p

TITLE = "warm POST /v1/execute portfolio_overview (demo data)"
REPEAT = 60


def _prepare(db: Database, root: Path) -> None:
    repo = example_ledger.ensure_repository(root / "ledger").repo
    sync_ledger(db, repo)
    create_portfolio(db, DEMO_PORTFOLIO)
    end = example_ledger.END
    for day in weekdays(end - dt.timedelta(days=380), end):
        build_pack(db, day, "ECB_CAD", fx=EcbFx(), today=end)
    with db.session() as conn:  # as autovacuum would have by now in a running database
        analyze_pack_tables(conn)


def demo_database(fresh: Any, root: Path, console: Console) -> str:
    """A fresh database holding the demo's ledger and a year of packs; its URL."""
    url: str = fresh()
    db = Database(lambda: url)
    with console.status("building the demo's ledger and a year of packs..."):
        _prepare(db, root)
    db.close()
    return url


def overview_event() -> dict[str, Any]:
    return overview_event_for("demo", "demo")


def fresh_request(event: dict[str, Any]) -> dict[str, Any]:
    context = {**event["requestContext"], "requestId": str(uuid.uuid4())}
    return {**event, "requestContext": context}


Statement = tuple[Any, Any, dict[str, Any], int | None]  # query, params, kw, pipeline


def _recorded_statements(handler: Any, event: dict[str, Any]) -> list[Statement]:
    recorded: list[Statement] = []
    original = psycopg.Cursor.execute

    def recording(self: Any, query: Any, params: Any = None, **kw: Any) -> Any:
        pipeline = self.connection._pipeline  # statements sent together are replayed together
        # kw: binary results are replayed binary
        recorded.append((query, params, kw, None if pipeline is None else id(pipeline)))
        return original(self, query, params, **kw)

    psycopg.Cursor.execute = recording  # type: ignore[method-assign]
    try:
        handler(fresh_request(event), LambdaContext("execute"))
    finally:
        psycopg.Cursor.execute = original  # type: ignore[method-assign]
    return recorded


@dataclass
class Parts:
    """Per request: the orchestrator's run, and the intervals in which a capability's
    handler was running."""

    orchestrator: float = 0.0
    handlers: list[tuple[float, float]] = field(default_factory=list)

    def capabilities(self) -> float:
        """Wall time with at least one handler running: steps side by side count once."""
        spent, reach = 0.0, float("-inf")
        for start, end in sorted(self.handlers):
            if end > reach:
                spent += end - max(start, reach)
                reach = end
        return spent


_current: list[Parts] = []  # the request being timed; handlers may run on step threads


def _timed_handler(handler: Handler) -> Handler:
    def timed(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
        started = time.perf_counter()
        try:
            return handler(ctx, tx, args)
        finally:
            if _current:
                _current[-1].handlers.append((started, time.perf_counter()))

    return timed


@contextmanager
def wrapped_capabilities(wrap: Callable[[Handler], Handler]) -> Iterator[None]:
    """Agents registered meanwhile (the runtime is built on a handler's first request) have
    each capability's handler wrapped by ``wrap``."""
    registering = AgentRuntime.register

    class Wrapped:
        def __init__(self, agent: Any) -> None:
            self.name = agent.name
            self._agent = agent

        def capabilities(self) -> list[Capability]:
            return [
                dataclasses.replace(c, handler=wrap(c.handler)) for c in self._agent.capabilities()
            ]

    def register(self: AgentRuntime, agent: Any) -> None:
        registering(self, Wrapped(agent))

    AgentRuntime.register = register  # type: ignore[method-assign]
    try:
        yield
    finally:
        AgentRuntime.register = registering  # type: ignore[method-assign]


def replayed(handler: Handler) -> Handler:
    """Every call answered with the first call's result: the request without its
    capabilities' work, so that what surrounds them is measured without their noise."""
    first: list[CapabilityResult] = []

    def replay(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
        if not first:
            first.append(handler(ctx, tx, args))
        return first[0]

    return replay


@contextmanager
def _timed_parts() -> Iterator[Parts]:
    """Times ``PatternOrchestrator.run`` and the capabilities' handlers."""
    parts = Parts()
    running = PatternOrchestrator.run

    def timed_run(self: PatternOrchestrator, *args: Any) -> RunResult:
        started = time.perf_counter()
        try:
            return running(self, *args)
        finally:
            parts.orchestrator += time.perf_counter() - started

    PatternOrchestrator.run = timed_run  # type: ignore[method-assign]
    _current.append(parts)
    try:
        yield parts
    finally:
        _current.pop()
        PatternOrchestrator.run = running  # type: ignore[method-assign]


def _http_floor(handler: Any, event: dict[str, Any], repeat: int) -> list[float]:
    """The handler with ``execute_pattern`` answering at once with the last real outcome:
    the HTTP layer (Powertools routing and validation, logging, telemetry, the response),
    which every request pays whatever it computes."""
    real = execute_api.execute_pattern
    outcome = None

    def remember(*args: Any, **kwargs: Any) -> ExecutionOutcome:
        nonlocal outcome
        outcome = real(*args, **kwargs)
        return outcome

    def canned(*args: Any, **kwargs: Any) -> ExecutionOutcome:
        assert outcome is not None
        return outcome

    times = []
    try:
        execute_api.execute_pattern = remember
        handler(fresh_request(event), LambdaContext("execute"))
        execute_api.execute_pattern = canned
        for _ in range(repeat):
            request = fresh_request(event)
            started = time.perf_counter()
            response = handler(request, LambdaContext("execute"))
            times.append(time.perf_counter() - started)
            assert response["statusCode"] == 200, response["body"][:500]
    finally:
        execute_api.execute_pattern = real
    return times


def _replay(url: str, statements: list[Statement], repeat: int) -> list[float]:
    """The request's statements on one autocommit connection, in the request's round trips
    (a pipelined group is one), each run committing a new execution as the request does."""
    groups = [list(g) for _, g in itertools.groupby(statements, key=lambda s: s[3] or id(s))]
    totals = []
    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        for _ in range(repeat):
            started = time.perf_counter()
            for group in groups:
                with conn.pipeline() if len(group) > 1 else nullcontext():
                    cursors = [conn.execute(q, _fresh_id(q, a), **kw) for q, a, kw, _ in group]
                for cursor in cursors:
                    if cursor.description is not None:
                        cursor.fetchall()
            totals.append(time.perf_counter() - started)
    return totals


def _fresh_id(query: Any, params: Any) -> Any:
    if str(query).startswith("INSERT INTO executions"):
        return (uuid.uuid4(), *params[1:])  # a new execution each time
    return params


def overview_event_for(
    portfolio_id: str, sub: str, lookback_days: int | None = None
) -> dict[str, Any]:
    inputs: dict[str, Any] = {"portfolio_id": portfolio_id}
    if lookback_days is not None:
        inputs["lookback_days"] = lookback_days
    return pattern_event("portfolio_overview", inputs, sub)


def pattern_event(pattern_id: str, inputs: dict[str, Any], sub: str) -> dict[str, Any]:
    return http_api_event(
        "POST",
        "/v1/execute",
        body=json.dumps({"pattern_id": pattern_id, "inputs": inputs}),
        claims={"sub": sub},
        headers={"content-type": "application/json"},
    )


@contextmanager
def handler_environment(url: str, now: str) -> Iterator[None]:
    """The environment a warm handler runs under here (the database, the pinned clock,
    telemetry off), with the cached resources reset on entry and on exit."""
    saved = dict(os.environ)
    os.environ.update(
        DATABASE_URL=url,
        DAWSOS_NOW=now,
        POWERTOOLS_LOG_LEVEL="WARNING",
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
    )
    resources.reset()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        resources.reset()


def interleaved(
    console: Console, url: str, now: str, events: Mapping[str, dict[str, Any]], repeat: int
) -> dict[str, list[float]]:
    """Warm handler seconds of each event, the events taking turns so that the machine's
    noise falls on all of them alike; prints their p50 and p95."""
    seconds: dict[str, list[float]] = {name: [] for name in events}
    with handler_environment(url, now):
        handler = load_handler(FUNCTIONS_DIR / "execute" / "app.py")
        for turn in range(repeat + 2):  # two warm-up turns
            for name, event in events.items():
                started = time.perf_counter()
                response = handler(fresh_request(event), LambdaContext("execute"))
                elapsed = time.perf_counter() - started
                assert response["statusCode"] == 200, response["body"][:500]
                if turn >= 2:
                    seconds[name].append(elapsed)
    table = Table("pattern", "p50", "p95")
    for name, values in seconds.items():
        table.add_row(name, ms(p(values, 50)), ms(p(values, 95)))
    console.print(table)
    return seconds


def measure(
    console: Console, url: str, now: str, event: dict[str, Any], *, repeat: int = REPEAT
) -> None:
    """Time the handler on ``event``, split off the capabilities' own time, replay the SQL
    floor, and print the table and the ratios against the issue's targets."""
    with handler_environment(url, now):
        with wrapped_capabilities(_timed_handler):  # the capabilities' own time is their handlers'
            handler = load_handler(FUNCTIONS_DIR / "execute" / "app.py")
            for _ in range(3):
                response = handler(fresh_request(event), LambdaContext("execute"))
                assert response["statusCode"] == 200, response["body"][:500]
            totals, outside, orchestration = [], [], []
            for _ in range(repeat):
                request = fresh_request(event)  # a new request id: nothing of the last reused
                with _timed_parts() as parts:
                    started = time.perf_counter()
                    response = handler(request, LambdaContext("execute"))
                    total = time.perf_counter() - started
                assert response["statusCode"] == 200, response["body"][:500]
                capabilities = parts.capabilities()
                totals.append(total)
                outside.append(total - capabilities)
                orchestration.append(parts.orchestrator - capabilities)
            # the handler's peak, before the floors below hold their own copies of the answer
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            statements = _recorded_statements(handler, event)
            http = _http_floor(handler, event, repeat)
        floor = _replay(url, statements, repeat)
    table = Table("measure", "p50", "p95")
    rows = [
        ("handler total", totals),
        ("outside the capabilities' handlers (the whole request path)", outside),
        ("  orchestration: the orchestrator's run minus the handlers", orchestration),
        ("the HTTP layer answering a canned outcome", http),
        (f"floor: all {len(statements)} statements replayed bare", floor),
    ]
    for name, values in rows:
        table.add_row(name, ms(p(values, 50)), ms(p(values, 95)))
    console.print(table)
    console.print(
        f"orchestration overhead p50 {p(orchestration, 50) * 1000:.2f} ms (target <= 2 ms); "
        f"the whole path outside the capabilities {p(outside, 50) * 1000:.2f} ms; "
        f"total / SQL floor = {p(totals, 50) / p(floor, 50):.2f}x (target <= 3x); "
        f"peak RSS {peak_mb:.0f} MB (target <= 256 MB)"
    )


def run(console: Console) -> None:
    with tempfile.TemporaryDirectory() as tmp, bench_server() as fresh:
        url = demo_database(fresh, Path(tmp), console)
        measure(console, url, DEMO_NOW, overview_event())
