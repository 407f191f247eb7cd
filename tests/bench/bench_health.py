"""Warm ``GET /health/pack`` through the execute handler in-process, against a bare psycopg
``SELECT`` of the same row on one open connection (the floor). Target ratio: at most 3x."""

from __future__ import annotations

import hashlib
import os

import psycopg
from rich.console import Console
from rich.table import Table

from dawsos_core import resources
from dawsos_local.events import http_api_event
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler
from tests.bench.database import bench_server
from tests.bench.stats import ms, p, timed

TITLE = "warm GET /health/pack: handler in-process vs bare SELECT"
REPEAT = 2000

LATEST = (
    "SELECT * FROM pricing_packs WHERE policy = %s "
    "ORDER BY date DESC, (superseded_by IS NULL) DESC, created_at DESC LIMIT 1"
)


def _seed(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for day in range(1, 28):
            date = f"2026-10-{day:02d}"
            digest = hashlib.sha256(date.encode()).hexdigest()
            conn.execute(
                "INSERT INTO pricing_packs (id, date, policy, hash) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (f"PP_{date}", date, "ECB_CAD", digest),
            )


def _time_both(url: str) -> tuple[list[float], list[float]]:
    handler = load_handler(FUNCTIONS_DIR / "execute" / "app.py")
    event = http_api_event("GET", "/health/pack", claims={"sub": "bench"})
    context = LambdaContext("execute")

    def through_handler() -> None:
        assert handler(event, context)["statusCode"] == 200

    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:

        def bare_select() -> None:
            assert conn.execute(LATEST, ("ECB_CAD",)).fetchone() is not None

        return timed(through_handler, REPEAT), timed(bare_select, REPEAT)


def _measure(url: str, console: Console) -> None:
    _seed(url)
    saved = dict(os.environ)  # the handler reads its settings from the environment
    os.environ.update(
        DATABASE_URL=url,
        POWERTOOLS_TRACE_DISABLED="true",
        POWERTOOLS_METRICS_DISABLED="true",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    resources.reset()
    try:
        ours, floor = _time_both(url)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        resources.reset()

    table = Table("path", "p50", "p95")
    table.add_row("handler (ours)", ms(p(ours, 50)), ms(p(ours, 95)))
    table.add_row("bare SELECT (floor)", ms(p(floor, 50)), ms(p(floor, 95)))
    console.print(table)
    console.print(
        f"ratio p50 = {p(ours, 50) / p(floor, 50):.2f}x, "
        f"p95 = {p(ours, 95) / p(floor, 95):.2f}x (target <= 3x)"
    )


def run(console: Console) -> None:
    with bench_server() as fresh:
        _measure(fresh(), console)
