"""Re-valuing ten years of 500 holdings (2,609 packs) after a commit that changes the first
day: ``revalue_commit`` as ``dawsos ledger sync`` runs it (the first changed date, the
valuations copied from before it, every pack from it valued anew, set-based, and the day
effects of every day from it made from the new holding-days), against a bare set-based SQL
doing the valuation's arithmetic alone (each holding-day's units x price x rate,
into an unlogged table with no keys, then each day's sum). Target: at most 3x.
"""

from __future__ import annotations

import multiprocessing
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table

from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.valuations import revalue_commit
from tests.bench.bench_execute_500 import END, PORTFOLIO, START, _build, _ledger
from tests.bench.database import bench_server

TITLE = "re-valuation after a commit that changes the first day: 500 holdings, ten years"

# The same arithmetic as a valuation's holdings, bare: no keys, no triggers, no flows.
FLOOR = """
CREATE UNLOGGED TABLE floor_holdings AS
WITH packs AS (SELECT id AS pack_id, date FROM pricing_packs WHERE policy = 'ECB'),
fixings AS (
    SELECT pack_id, currency, rate FROM pack_fixings
    UNION ALL SELECT pack_id, 'EUR', 1 FROM packs),
to_base AS (
    SELECT f.pack_id, f.currency, b.rate / f.rate AS rate
    FROM fixings f JOIN fixings b ON b.pack_id = f.pack_id AND b.currency = 'CAD'),
moves AS (
    SELECT currency, date, sum(units) AS units FROM ledger_postings
    WHERE commit_hash = %(commit)s AND starts_with(account, 'Assets:Broker')
    GROUP BY currency, date),
balances AS (
    SELECT currency, date AS since, lead(date) OVER w AS until, sum(units) OVER w AS units
    FROM moves WINDOW w AS (PARTITION BY currency ORDER BY date))
SELECT k.pack_id, k.date, b.currency, b.units, p.price, t.rate,
       b.units * coalesce(p.price, 1) * t.rate AS value_base
FROM packs k JOIN balances b ON b.since <= k.date AND (b.until IS NULL OR b.until > k.date)
LEFT JOIN pack_prices p ON p.pack_id = k.pack_id AND p.commodity = b.currency
JOIN to_base t ON t.pack_id = k.pack_id AND t.currency = coalesce(p.quote_currency, b.currency)
WHERE b.units <> 0;
CREATE UNLOGGED TABLE floor_days AS
SELECT pack_id, date, sum(value_base) AS value_base FROM floor_holdings GROUP BY pack_id, date;
"""


def _first_day_changed() -> str:
    """The ledger with one more share of S000 bought on its first day."""
    return _ledger() + (
        f'{START} * "one more, booked late"\n  Assets:Broker:S000  1 S000 {{100.00 USD}}\n'
        "  Equity:Opening\n"
    )


def _commit(repo: Path, text: str) -> str:
    from dulwich import porcelain

    (repo / "main.beancount").write_text(text)
    porcelain.add(str(repo), paths=[str(repo / "main.beancount")])
    who = b"Bench <bench@example.com>"
    return porcelain.commit(str(repo), message=b"late", author=who, committer=who).decode()


def run(console: Console) -> None:
    with tempfile.TemporaryDirectory() as tmp, bench_server() as fresh:
        url = fresh()
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            packs = pool.submit(_build, url, tmp).result()
        db = Database(lambda: url)
        repo = Path(tmp) / "ledger"  # the repository _build committed the ledger into
        new_commit = _commit(repo, _first_day_changed())
        sync_ledger(db, repo)

        started = time.perf_counter()
        (revalued,) = revalue_commit(db, new_commit, "ECB", today=END)
        ours = time.perf_counter() - started
        db.close()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        with psycopg.connect(url, autocommit=True) as conn:
            started = time.perf_counter()
            conn.execute(FLOOR.replace("%(commit)s", f"'{new_commit}'").encode())
            floor = time.perf_counter() - started
            rows = conn.execute("SELECT count(*) FROM floor_holdings").fetchone()
            (ours_rows,) = conn.execute(
                "SELECT count(*) FROM holding_valuations h JOIN valuations v"
                " ON v.id = h.valuation_id WHERE v.portfolio_id = %s AND v.ledger_commit_hash = %s",
                (PORTFOLIO, new_commit),
            ).fetchone()  # type: ignore[misc]
    assert rows is not None
    assert revalued.changed_from == START, revalued
    assert ours_rows == rows[0], (ours_rows, rows[0])
    table = Table("measure", "value")
    table.add_row("packs re-valued / kept", f"{revalued.valued} / {revalued.copied} of {packs}")
    table.add_row("holding-days written", f"{ours_rows:,}")
    table.add_row("revalue_commit", f"{ours:.2f} s")
    table.add_row("floor: the same arithmetic, bare SQL", f"{floor:.2f} s")
    table.add_row("peak RSS of this process", f"{peak_mb:.0f} MB")
    console.print(table)
    console.print(
        f"re-valued from {revalued.changed_from}: {ours / floor:.2f}x the bare SQL floor "
        "(target <= 3x); the work is the database server's"
    )
