"""Pricing-pack storage.

One pack of 10,000 instruments and 30 FX fixings (hash and insert with every constraint and
trigger) against a bare COPY of the same rows into an identical table without triggers or
foreign keys (the floor); target at most 2x. Then a backfill of ten years of weekdays for
500 instruments through the same write path: rows per second and peak RSS (target at most
512 MB). Prices are synthetic (a seeded random walk); the full build with reconciliation is
measured by `make demo` on a real ledger.
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import statistics
import time
from decimal import Decimal

import psycopg
from rich.console import Console
from rich.table import Table

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import FixingRow, PriceRow, insert_pack
from dawsos_core.pricing.content import content_hash
from tests.bench.database import bench_server

TITLE = "pricing packs: one 10,000-instrument pack, and a ten-year backfill"
RUNS = 5


def _rows(
    day: dt.date, instruments: int, fx_pairs: int, rng: random.Random
) -> tuple[list[PriceRow], list[FixingRow]]:
    prices = [
        (f"I{i:05d}", "USD", Decimal(f"{rng.uniform(5, 500):.4f}"), "Internal", day)
        for i in range(instruments)
    ]
    fx = [
        (
            f"C{chr(65 + i // 26)}{chr(65 + i % 26)}",
            "EUR",
            "per_pivot",
            Decimal(f"{rng.uniform(0.5, 2):.6f}"),
            "ECB",
            day,
        )
        for i in range(fx_pairs)
    ]
    return prices, fx


def _write(db: Database, day: dt.date, prices: list[PriceRow], fx: list[FixingRow]) -> None:
    digest = content_hash(day, "ECB", prices, fx)
    with db.transaction() as conn:
        insert_pack(conn, f"PP_ECB_{day}_{digest[:12]}", day, "ECB", digest, prices, fx)


def _floor(url: str, prices: list[PriceRow], fx: list[FixingRow], run: int) -> float:
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("pack_prices", "pack_fixings"):
            conn.execute(f"CREATE TABLE IF NOT EXISTS floor_{table} (LIKE {table} INCLUDING ALL)")
        started = time.perf_counter()
        with conn.transaction():
            with conn.cursor().copy("COPY floor_pack_prices FROM STDIN") as copy:
                for row in prices:
                    copy.write_row((f"floor{run}", *row))
            with conn.cursor().copy("COPY floor_pack_fixings FROM STDIN") as copy:
                for row in fx:
                    copy.write_row((f"floor{run}", *row))
        return time.perf_counter() - started


def run(console: Console) -> None:
    rng = random.Random(20261124)
    with bench_server() as fresh:
        url = fresh()
        db = Database(lambda: url)
        ours, floor = [], []
        for run_no in range(RUNS):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=run_no)
            prices, fx = _rows(day, 10_000, 30, rng)
            started = time.perf_counter()
            _write(db, day, prices, fx)
            ours.append(time.perf_counter() - started)
            floor.append(_floor(url, prices, fx, run_no))

        days = weekdays(dt.date(2015, 1, 1), dt.date(2024, 12, 31))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        written = 0
        for day in days:
            prices, fx = _rows(day, 500, 1, rng)
            _write(db, day, prices, fx)
            written += len(prices) + len(fx) + 1
        backfill_s = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        db.close()

    ours_s, floor_s = statistics.median(ours), statistics.median(floor)
    table = Table("measure", "value")
    table.add_row("one pack, 10,000 prices + 30 rates (ours, median)", f"{ours_s * 1000:.1f} ms")
    table.add_row("bare COPY of the same rows (floor, median)", f"{floor_s * 1000:.1f} ms")
    table.add_row(f"backfill: {len(days)} weekdays x 500 instruments", f"{backfill_s:.1f} s")
    table.add_row("backfill rows per second", f"{written / backfill_s:,.0f}")
    table.add_row("peak RSS of this process", f"{peak_mb:.0f} MB (before: {rss_before / 1024:.0f})")
    console.print(table)
    console.print(
        f"one pack / bare COPY = {ours_s / floor_s:.2f}x (target <= 2x); "
        f"peak RSS {peak_mb:.0f} MB (target <= 512 MB)"
    )
