"""One tenant cannot slow another: 8 clients x 200 requests to the execute handler, each
client a process of its own as a Lambda instance is, on the demo's data over loopback
PostgreSQL. Tenant A's 4 users ask for their portfolio overviews; tenant B, one caller on
4 connections, sends the worst requests the limits allow (the longest windows of every
pattern, 20 series, a 64 KiB body nested 32 deep, NUL bytes) and is held to its
concurrency (TENANT_CONCURRENCY, a 429 beyond it). Reported: A's p95 beside B against A's
p95 alone (target at most 2x) and beside as many of B's ordinary requests, and every
answer's status (none may be a 500).
"""

from __future__ import annotations

import json
import multiprocessing
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from dawsos_core.db.connection import Database
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_local.demo import DEMO_NOW
from dawsos_local.events import http_api_event
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler
from tests.bench.bench_execute import demo_database, handler_environment, pattern_event
from tests.bench.database import bench_server
from tests.bench.stats import ms, p

TITLE = "one tenant's worst requests beside another's overview: 8 clients x 200 requests"
REQUESTS = 200
CLIENTS = 4  # a tenant
A_USERS = [f"a{i}" for i in range(CLIENTS)]
B_PORTFOLIO = PortfolioSpec(
    id="b-books", owner_sub="tenant-b", account_prefixes=["Assets:US:ETrade"], base_currency="USD"
)


def _raw(body: str, sub: str) -> dict[str, Any]:
    return http_api_event(
        "POST",
        "/v1/execute",
        body=body,
        claims={"sub": sub},
        headers={"content-type": "application/json"},
    )


def _worst() -> list[dict[str, Any]]:
    """Tenant B's requests, in turn: each the most the limits and the packs let through (a
    year of packs: longer windows are refused at once), or a refusal."""
    b, longest = "tenant-b", {"portfolio_id": "b-books", "lookback_days": 265}
    deep = '{"pattern_id": "portfolio_overview", "inputs": ' + "[" * 31 + "]" * 31 + "}"
    padded = json.dumps({"pattern_id": "portfolio_overview", "inputs": {"portfolio_id": "b" * 256}})
    return [
        pattern_event("portfolio_overview", longest, b),
        pattern_event(
            "performance_history",
            {"portfolio_id": "b-books", "start": "2025-10-16", "end": "2026-10-30"},
            b,
        ),
        pattern_event("period_returns", {"portfolio_id": "b-books"}, b),
        pattern_event("allocation", longest, b),
        pattern_event("income_report", longest, b),
        pattern_event("benchmark_comparison", {**longest, "benchmark": "ITOT"}, b),
        pattern_event("macro_overview", {"series": ",".join(f"S{i}" for i in range(20))}, b),
        _raw(deep + " " * (64 * 1024 - len(deep) - 1), b),
        _raw(padded.replace("bbbb", "b\\u0000b", 1), b),
    ]


def _client(url: str, tenant: str, count: int) -> tuple[list[float], Counter[int]]:
    """One Lambda instance's worth: ``count`` requests in a row, each timed. Tenant A's
    clients are its four users (``a0`` to ``a3``), each on a portfolio of its own; tenant
    B is one caller on four connections."""
    with handler_environment(url, DEMO_NOW):
        handler = load_handler(FUNCTIONS_DIR / "execute" / "app.py")
        if tenant.startswith("a"):
            events = [pattern_event("portfolio_overview", {"portfolio_id": tenant}, tenant)]
        elif tenant == "b-usual":
            events = [pattern_event("portfolio_overview", {"portfolio_id": "b-books"}, "tenant-b")]
        else:
            events = _worst()
        handler(events[0], LambdaContext("execute"))  # warm
        seconds: list[float] = []
        statuses: Counter[int] = Counter()
        for i in range(count):
            started = time.perf_counter()
            response = handler(events[i % len(events)], LambdaContext("execute"))
            seconds.append(time.perf_counter() - started)
            statuses[response["statusCode"]] += 1
    return seconds, statuses


def _run(url: str, tenants: list[str]) -> dict[str, tuple[list[float], Counter[int]]]:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(len(tenants), mp_context=spawn) as pool:
        futures = [(t, pool.submit(_client, url, t, REQUESTS)) for t in tenants]
        done: dict[str, tuple[list[float], Counter[int]]] = {}
        for tenant, future in futures:
            seconds, statuses = future.result()
            mine = done.setdefault("a" if tenant in A_USERS else tenant, ([], Counter()))
            mine[0].extend(seconds)
            mine[1].update(statuses)
    return done


def run(console: Console) -> None:
    with tempfile.TemporaryDirectory() as tmp, bench_server() as fresh:
        url = demo_database(fresh, Path(tmp), console)
        db = Database(lambda: url)
        create_portfolio(db, B_PORTFOLIO)
        for user in A_USERS:
            create_portfolio(db, B_PORTFOLIO.model_copy(update={"id": user, "owner_sub": user}))
        db.close()
        with console.status(f"tenant A alone: {CLIENTS} clients x {REQUESTS}..."):
            alone = _run(url, A_USERS)
        with console.status(f"A and B as usual: {2 * CLIENTS} clients x {REQUESTS}..."):
            usual = _run(url, [*A_USERS, *["b-usual"] * CLIENTS])
        with console.status(f"A and B at its worst: {2 * CLIENTS} clients x {REQUESTS}..."):
            beside = _run(url, [*A_USERS, *["b"] * CLIENTS])
    table = Table("measure", "p50", "p95", "statuses")
    rows = [
        ("A alone", alone["a"]),
        ("A beside B's own overview", usual["a"]),
        ("A beside B's worst", beside["a"]),
        ("B's worst", beside["b"]),
    ]
    for name, (seconds, statuses) in rows:
        shown = ", ".join(f"{s} x{n}" for s, n in sorted(statuses.items()))
        table.add_row(name, ms(p(seconds, 50)), ms(p(seconds, 95)), shown)
    console.print(table)
    ratio = p(beside["a"][0], 95) / p(alone["a"][0], 95)
    control = p(beside["a"][0], 95) / p(usual["a"][0], 95)
    errors = sum(n for _, (_, st) in rows for s, n in st.items() if s >= 500 and s != 503)
    console.print(
        f"A's p95 beside B's worst / alone = {ratio:.2f}x (target <= 2x); / beside B's own "
        f"overview = {control:.2f}x: what B's worst inputs add over as many ordinary "
        f"requests (the rest is {2 * CLIENTS} processes sharing "
        f"{multiprocessing.cpu_count()} cores); answers of 500 or more: {errors}"
    )
