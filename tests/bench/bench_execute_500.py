"""Warm ``POST /v1/execute portfolio_overview`` for a synthetic portfolio of 500 holdings
over ten years of weekdays (2,609 packs), in-process, with the same measures as the demo's.

The ledger is real Beancount (500 commodities bought once, synced from Git); the packs are
written through the pack repository's own path (content rows while warming, prewarmed
valuations, then fresh) from a seeded random walk of prices and USD/CAD, without the
per-pack reconciliation, which would take most of an hour here.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import tempfile
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

from rich.console import Console

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import analyze_pack_tables, finish_pack, insert_pack
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing.content import content_hash
from tests.bench.bench_execute import measure, overview_event_for
from tests.bench.database import bench_server
from tests.integration.conftest import LedgerRepo

TITLE = "warm POST /v1/execute portfolio_overview: 500 holdings, ten years"
HOLDINGS = 500
START = dt.date(2016, 11, 1)
END = dt.date(2026, 10, 30)
NOW = "2026-10-30T18:00:00Z"


def _ledger() -> str:
    lines = [
        'option "operating_currency" "CAD"',
        f"{START - dt.timedelta(days=1)} open Assets:Broker:Cash USD",
        f"{START - dt.timedelta(days=1)} open Equity:Opening",
    ]
    for i in range(HOLDINGS):
        lines.append(f"{START - dt.timedelta(days=1)} commodity S{i:03d}")
        lines.append(f"{START - dt.timedelta(days=1)} open Assets:Broker:S{i:03d} S{i:03d}")
    for i in range(HOLDINGS):
        lines += [
            f'{START} * "buy S{i:03d}"',
            f"  Assets:Broker:S{i:03d}  {10 + i % 90} S{i:03d} {{100.00 USD}}",
            "  Equity:Opening",
            f"{START} price S{i:03d} 100.00 USD",
            f"{END} price S{i:03d} 100.00 USD",
        ]
    return "\n".join(lines) + "\n"


def _packs(db: Database, commit: str, console: Console) -> int:
    rng = random.Random(500)
    units = {f"S{i:03d}": Decimal(10 + i % 90) for i in range(HOLDINGS)}
    price = {c: 100.0 for c in units}
    usd = 1.30
    days = list(weekdays(START, END))
    with console.status(f"writing {len(days)} packs of {HOLDINGS} prices and valuations..."):
        for day in days:
            for c in price:
                price[c] *= 1 + rng.gauss(0.0002, 0.012)
            usd *= 1 + rng.gauss(0, 0.004)
            prices = [(c, "USD", Decimal(f"{price[c]:.4f}"), "Internal", day) for c in units]
            rate = Decimal(f"{usd:.6f}")
            fx = [("USD", "CAD", rate, "ECB", day)]
            digest = content_hash(day, "ECB_CAD", "CAD", commit, prices, fx)
            pack_id = f"PP_ECB_CAD_{day}_{digest[:12]}"
            holdings = []
            total = Decimal(0)
            for c, _, px, _, _ in prices:
                local = units[c] * px
                base = local * rate
                total += base
                holdings.append(("p500", c, units[c], "USD", px, local, rate, base))
            with db.transaction() as conn:
                insert_pack(conn, pack_id, day, "ECB_CAD", digest, "CAD", commit, prices, fx)
            with db.transaction() as conn:
                finish_pack(
                    conn,
                    pack_id,
                    day,
                    "ECB_CAD",
                    commit,
                    "CAD",
                    Decimal(0),
                    [("p500", total, Decimal(0), Decimal(0))],
                    holdings,
                )
    with db.session() as conn:  # as autovacuum would have by now in a running database
        analyze_pack_tables(conn)
    return len(days)


def _build(url: str, root: str) -> int:
    """The ledger, portfolio and packs, in a process of its own, so that the peak RSS the
    measurement reports is the handler's."""
    db = Database(lambda: url)
    repo = LedgerRepo(Path(root) / "ledger")
    repo.commit({"main.beancount": _ledger()})
    synced = sync_ledger(db, repo.path)
    create_portfolio(
        db, PortfolioSpec(id="p500", owner_sub="bench", account_prefixes=["Assets:Broker"])
    )
    packs = _packs(db, synced.commit_hash, Console(stderr=True))
    db.close()
    return packs


def run(console: Console) -> None:
    with tempfile.TemporaryDirectory() as tmp, bench_server() as fresh:
        url = fresh()
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            packs = pool.submit(_build, url, tmp).result()
        console.print(f"{packs} packs x {HOLDINGS} holdings; lookback {packs - 1} weekdays")
        measure(
            console,
            url,
            NOW,
            overview_event_for("p500", "bench", lookback_days=packs - 1),
            repeat=10,
        )
