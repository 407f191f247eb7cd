"""Warm ``POST /v1/execute portfolio_overview`` through the execute handler, in-process, on
the demo's data (bean-example ledger, a year of packs).

Reported: p50 and p95; orchestration overhead (handler time minus the capabilities' own
time, target at most 2 ms); total against the bare SQL floor, every statement the request
ran replayed on one connection (target at most 3x); peak RSS (target at most 256 MB).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from rich.console import Console
from rich.table import Table

from dawsos_core import resources
from dawsos_core.db.connection import Database, Tenant
from dawsos_core.db.repositories.packs import analyze_pack_tables
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.orchestration.orchestrator import PatternOrchestrator, RunResult
from dawsos_core.portfolios import create_portfolio
from dawsos_core.pricing.calendar import weekdays
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
        build_pack(db, day, "ECB_CAD", fx=EcbFx(), ledger_repo=repo, today=end)
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
    """Per request: the execute path's own round trips, and the orchestrator's time between
    its steps."""

    own_sql: float = 0.0
    between_steps: float = 0.0


@contextmanager
def _timed_parts() -> Iterator[Parts]:
    """Times the opening round trip (transaction, role, ownership, freshness gate), the
    closing one (execution record and commit), and ``PatternOrchestrator.run`` minus its
    steps (the DAG, templates, runtime and trace entries)."""
    parts = Parts()
    opening, closing, running = Database.tenant, Tenant.close, PatternOrchestrator.run

    @contextmanager
    def timed_tenant(self: Database, user_sub: str, *reads: Any) -> Iterator[Tenant]:
        started = time.perf_counter()
        with opening(self, user_sub, *reads) as tenant:
            parts.own_sql += time.perf_counter() - started
            yield tenant

    def timed_close(self: Tenant, write: Any) -> None:
        started = time.perf_counter()
        closing(self, write)
        parts.own_sql += time.perf_counter() - started

    def timed_run(self: PatternOrchestrator, *args: Any) -> RunResult:
        started = time.perf_counter()
        result = running(self, *args)
        steps = sum(t.duration_ms for t in result.trace) / 1000
        parts.between_steps += time.perf_counter() - started - steps
        return result

    Database.tenant = timed_tenant  # type: ignore[method-assign]
    Tenant.close = timed_close  # type: ignore[method-assign]
    PatternOrchestrator.run = timed_run  # type: ignore[method-assign]
    try:
        yield parts
    finally:
        Database.tenant, Tenant.close = opening, closing  # type: ignore[method-assign]
        PatternOrchestrator.run = running  # type: ignore[method-assign]


def _replay(url: str, statements: list[Statement], repeat: int) -> tuple[list[float], list[float]]:
    """The request's statements on one autocommit connection, in the request's round trips
    (a pipelined group is one), each run committing a new execution as the request does.
    Returns each run's total and the time of the path's own two round trips in it."""
    groups = [list(g) for _, g in itertools.groupby(statements, key=lambda s: s[3] or id(s))]
    own = {i for i, g in enumerate(groups) if _is_own(g)}
    totals, own_totals = [], []
    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        for _ in range(repeat):
            total = own_total = 0.0
            for i, group in enumerate(groups):
                started = time.perf_counter()
                with conn.pipeline() if len(group) > 1 else nullcontext():
                    cursors = [conn.execute(q, _fresh_id(q, a), **kw) for q, a, kw, _ in group]
                for cursor in cursors:
                    if cursor.description is not None:
                        cursor.fetchall()
                spent = time.perf_counter() - started
                total += spent
                own_total += spent if i in own else 0.0
            totals.append(total)
            own_totals.append(own_total)
    return totals, own_totals


def _is_own(group: list[Statement]) -> bool:
    """The opening round trip begins the transaction; the closing one writes the record."""
    texts = [str(q) for q, *_ in group]
    return texts[0] == "BEGIN" or any(t.startswith("INSERT INTO executions") for t in texts)


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
    return http_api_event(
        "POST",
        "/v1/execute",
        body=json.dumps({"pattern_id": "portfolio_overview", "inputs": inputs}),
        claims={"sub": sub},
        headers={"content-type": "application/json"},
    )


def measure(
    console: Console, url: str, now: str, event: dict[str, Any], *, repeat: int = REPEAT
) -> None:
    """Time the handler on ``event``, split off the capabilities' own time, replay the SQL
    floor, and print the table and the ratios against the issue's targets."""
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
        handler = load_handler(FUNCTIONS_DIR / "execute" / "app.py")
        for _ in range(3):
            response = handler(fresh_request(event), LambdaContext("execute"))
            assert response["statusCode"] == 200, response["body"][:500]
        totals, overheads, own_sql, between = [], [], [], []
        for _ in range(repeat):
            request = fresh_request(event)  # a new request id: nothing of the last is reused
            with _timed_parts() as parts:
                started = time.perf_counter()
                response = handler(request, LambdaContext("execute"))
                total = time.perf_counter() - started
            trace = json.loads(response["body"])["trace"]
            totals.append(total)
            overheads.append(total - sum(t["duration_ms"] for t in trace) / 1000)
            own_sql.append(parts.own_sql)
            between.append(parts.between_steps)
        statements = _recorded_statements(handler, event)
        floor, own_floor = _replay(url, statements, repeat)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        resources.reset()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = Table("measure", "p50", "p95")
    table.add_row("handler total", ms(p(totals, 50)), ms(p(totals, 95)))
    table.add_row(
        "outside the capabilities (orchestration, gate, HTTP, store)",
        ms(p(overheads, 50)),
        ms(p(overheads, 95)),
    )
    table.add_row(
        "  of which the path's own two round trips (role, ownership, gate; record, commit)",
        ms(p(own_sql, 50)),
        ms(p(own_sql, 95)),
    )
    table.add_row(
        "    the same statements replayed bare (their floor)",
        ms(p(own_floor, 50)),
        ms(p(own_floor, 95)),
    )
    cpu = [o - s for o, s in zip(overheads, own_sql, strict=True)]
    table.add_row(
        "  of which the rest (HTTP, validation, DAG, runtime, JSON)", ms(p(cpu, 50)), ms(p(cpu, 95))
    )
    table.add_row(
        "    of which the orchestrator between steps (DAG, templates, runtime, trace)",
        ms(p(between, 50)),
        ms(p(between, 95)),
    )
    table.add_row(
        f"bare SQL floor ({len(statements)} statements replayed)",
        ms(p(floor, 50)),
        ms(p(floor, 95)),
    )
    console.print(table)
    console.print(
        f"overhead p50 {p(overheads, 50) * 1000:.2f} ms (target <= 2 ms), "
        f"{p(cpu, 50) * 1000:.2f} ms without the path's own SQL, "
        f"{p(between, 50) * 1000:.2f} ms in the orchestrator itself; "
        f"total / floor = {p(totals, 50) / p(floor, 50):.2f}x (target <= 3x); "
        f"peak RSS {peak_mb:.0f} MB (target <= 256 MB)"
    )


def run(console: Console) -> None:
    with tempfile.TemporaryDirectory() as tmp, bench_server() as fresh:
        url = demo_database(fresh, Path(tmp), console)
        measure(console, url, DEMO_NOW, overview_event())
