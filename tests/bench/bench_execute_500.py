"""Warm ``POST /v1/execute portfolio_overview`` for a synthetic portfolio of 500 holdings
over ten years of weekdays (2,609 packs), in-process, with the same measures as the demo's,
then ``period_returns`` over the same history beside it, in turns (target: at most 2x).

The ledger is real Beancount (500 commodities bought once, synced from Git); the packs are
written through the pack repository's own path (content rows while warming, then fresh)
from a seeded random walk of prices and of the ECB's USD and CAD fixings, and the portfolio
is valued with all of them in one set-based statement, its day effects stored as a
re-valuation stores them, without the per-pack reconciliation, which would take most of an
hour here. The overview reads one row of day effects a day, not the 1.3 million
holding-days.
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
from dawsos_core.day_effects import keep_day_effects
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import (
    PackDay,
    analyze_pack_tables,
    finish_pack,
    insert_pack,
)
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio, get_portfolio
from dawsos_core.pricing.content import content_hash
from dawsos_core.pricing.policies import get_policy
from dawsos_core.pricing.valuation import value_with_packs
from tests.bench.bench_execute import interleaved, measure, overview_event_for, pattern_event
from tests.bench.database import bench_server
from tests.bench.stats import p
from tests.integration.conftest import LedgerRepo

TITLE = "warm POST /v1/execute portfolio_overview: 500 holdings, ten years"
HOLDINGS = 500
PORTFOLIO = "p500"
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


def _packs(db: Database, console: Console) -> list[str]:
    """The packs of every weekday, fresh; their ids in date order."""
    rng = random.Random(500)
    price = {f"S{i:03d}": 100.0 for i in range(HOLDINGS)}
    usd, cad = 1.10, 1.45  # per EUR
    ids = []
    days = list(weekdays(START, END))
    with console.status(f"writing {len(days)} packs of {HOLDINGS} prices..."):
        for day in days:
            for c in price:
                price[c] *= 1 + rng.gauss(0.0002, 0.012)
            usd *= 1 + rng.gauss(0, 0.004)
            cad *= 1 + rng.gauss(0, 0.003)
            prices = [(c, "USD", Decimal(f"{p:.4f}"), "Internal", day) for c, p in price.items()]
            fixings = [
                (currency, "EUR", "per_pivot", Decimal(f"{rate:.4f}"), "ECB", day)
                for currency, rate in (("CAD", cad), ("USD", usd))
            ]
            digest = content_hash(day, "ECB", prices, fixings)
            pack_id = f"PP_ECB_{day}_{digest[:12]}"
            with db.transaction() as conn:
                insert_pack(conn, pack_id, day, "ECB", digest, prices, fixings)
                finish_pack(conn, pack_id, day, "ECB", Decimal(0))
            ids.append(pack_id)
    return ids


def value_all(db: Database, commit: str, pack_ids: list[str]) -> int:
    """The portfolio valued at the commit with every pack, in one statement, and its day
    effects stored, as a re-valuation stores them."""
    policy = get_policy("ECB")
    with db.transaction() as conn:
        portfolio = get_portfolio(conn, PORTFOLIO, None)
        valued = value_with_packs(conn, portfolio, commit, pack_ids, policy)
        packs = [PackDay(i, d) for i, d in zip(pack_ids, weekdays(START, END), strict=True)]
        keep_day_effects(conn, portfolio, commit, policy, packs)
        analyze_pack_tables(conn)  # as autovacuum would have by now in a running database
    return valued


def _build(url: str, root: str) -> int:
    """The ledger, portfolio and packs, in a process of its own, so that the peak RSS the
    measurement reports is the handler's."""
    db = Database(lambda: url)
    repo = LedgerRepo(Path(root) / "ledger")
    repo.commit({"main.beancount": _ledger()})
    synced = sync_ledger(db, repo.path)
    create_portfolio(
        db, PortfolioSpec(id=PORTFOLIO, owner_sub="bench", account_prefixes=["Assets:Broker"])
    )
    pack_ids = _packs(db, Console(stderr=True))
    value_all(db, synced.commit_hash, pack_ids)
    db.close()
    return len(pack_ids)


def run(console: Console) -> None:
    with tempfile.TemporaryDirectory() as tmp, bench_server() as fresh:
        url = fresh()
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            packs = pool.submit(_build, url, tmp).result()
        console.print(f"{packs} packs x {HOLDINGS} holdings; lookback {packs - 1} weekdays")
        overview = overview_event_for("p500", "bench", lookback_days=packs - 1)
        measure(console, url, NOW, overview, repeat=10)
        periods = pattern_event("period_returns", {"portfolio_id": PORTFOLIO}, "bench")
        seconds = interleaved(
            console, url, NOW, {"portfolio_overview": overview, "period_returns": periods}, 10
        )
        ratio = p(seconds["period_returns"], 50) / p(seconds["portfolio_overview"], 50)
        console.print(
            f"period_returns / portfolio_overview = {ratio:.2f}x (target <= 2x), both over "
            f"all {packs} packs, in turns"
        )
