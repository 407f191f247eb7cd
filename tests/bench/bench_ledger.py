"""Ledger sync and positions on a ten-year `bean-example` ledger.

Sync (dulwich checkout, Beancount load, COPY into PostgreSQL) against Beancount's own load
of the same file in the same run; target at most 1.5x. Positions of a portfolio at a date
through our SQL against the same answer computed by Beancount in memory from loaded entries.
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from dulwich import porcelain
from rich.console import Console
from rich.table import Table

from dawsos_core.db.connection import Database
from dawsos_core.ledger.positions import portfolio_positions
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from tests.bench.database import bench_server
from tests.bench.stats import ms, p, timed

TITLE = "ledger: sync of ten years of bean-example, and positions at a date"
RUNS = 3
PREFIX = "Assets:US:ETrade"
ON = dt.date(2024, 6, 28)


def _example(path: Path) -> Path:
    bean_example = Path(sys.executable).parent / "bean-example"
    subprocess.run(
        [
            str(bean_example),
            "--seed",
            "11",
            "--date-begin",
            "2016-01-01",
            "--date-end",
            "2025-12-31",
            "--date-birth",
            "1980-05-12",
            "-o",
            str(path / "ledger.beancount"),
        ],
        check=True,
        capture_output=True,
    )
    porcelain.init(str(path))
    porcelain.add(str(path), paths=[str(path / "ledger.beancount")])
    porcelain.commit(str(path), message=b"ten years", author=b"b <b@b>", committer=b"b <b@b>")
    return path / "ledger.beancount"


def _beancount_load(file: Path) -> list[Any]:
    from beancount import loader

    loader.initialize(use_cache=False)
    entries, errors, _ = loader.load_file(str(file))
    assert not errors
    return entries


def _beancount_positions(entries: list[Any], on: dt.date) -> dict[str, Any]:
    from beancount.core import convert, data
    from beancount.core.inventory import Inventory

    inventory = Inventory()
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date <= on:
            for posting in entry.postings:
                if posting.account == PREFIX or posting.account.startswith(PREFIX + ":"):
                    inventory.add_position(posting)
    units: dict[str, Any] = defaultdict(int)
    for position in inventory.reduce(convert.get_units):
        units[position.units.currency] += position.units.number
    return {k: v for k, v in units.items() if v}


def run(console: Console) -> None:
    with tempfile.TemporaryDirectory() as tmp, bench_server() as fresh:
        file = _example(Path(tmp))
        ours, base = [], []
        db = None
        for _ in range(RUNS):  # interleaved; each sync into a fresh database
            started = time.perf_counter()
            entries = _beancount_load(file)
            base.append(time.perf_counter() - started)
            url = fresh()
            db = Database(lambda url=url: url)  # type: ignore[misc]
            started = time.perf_counter()
            result = sync_ledger(db, Path(tmp))
            ours.append(time.perf_counter() - started)
        assert db is not None
        create_portfolio(db, PortfolioSpec(id="bench", owner_sub="b", account_prefixes=[PREFIX]))

        expected = _beancount_positions(entries, ON)
        answer = portfolio_positions(db, "bench", ON)
        assert {q.commodity: q.units for q in answer.positions} == expected
        sql = timed(lambda: portfolio_positions(db, "bench", ON), 200)
        memory = timed(lambda: _beancount_positions(entries, ON), 20, warmup=2)
        db.close()

    sync_s, load_s = statistics.median(ours), statistics.median(base)
    table = Table("step", "median", "p95")
    table.add_row(
        f"our sync ({result.transactions} txns, {result.postings} postings)", f"{sync_s:.3f} s", ""
    )
    table.add_row("beancount load of the same file", f"{load_s:.3f} s", "")
    table.add_row("positions: our SQL", ms(p(sql, 50)), ms(p(sql, 95)))
    table.add_row("positions: beancount in memory", ms(p(memory, 50)), ms(p(memory, 95)))
    console.print(table)
    console.print(f"sync / beancount load = {sync_s / load_s:.2f}x (target <= 1.5x)")
    console.print(
        f"positions ours / beancount in memory = {p(sql, 50) / p(memory, 50):.2f}x "
        "(below 1 means ours is faster)"
    )
