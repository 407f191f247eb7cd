"""Positions from our ingest equal Beancount's own inventory, for every account and many
dates, on `bean-example` ledgers from several seeds and date ranges."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.core import convert, data
from beancount.core.inventory import Inventory

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.ledger import holdings
from dawsos_core.ledger.sync import sync_ledger
from tests.integration.conftest import LedgerRepo

ROOTS = ["Assets", "Liabilities", "Equity", "Income", "Expenses"]
Balances = dict[tuple[str, str], Decimal]


def beancount_balances(entries: list[Any], on: dt.date) -> tuple[Balances, Balances]:
    """(units, cost) per (account, currency) from Beancount inventories at the end of ``on``."""
    inventories: dict[str, Inventory] = defaultdict(Inventory)
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date <= on:
            for posting in entry.postings:
                inventories[posting.account].add_position(posting)
    units: Balances = {}
    cost: Balances = {}
    for account, inventory in inventories.items():
        for position in inventory.reduce(convert.get_units):
            if position.units.number:
                units[(account, position.units.currency)] = position.units.number
        for position in inventory.reduce(convert.get_cost):
            if position.units.number:
                cost[(account, position.units.currency)] = position.units.number
    return units, cost


def our_balances(db: Database, commit: str, on: dt.date) -> tuple[Balances, Balances]:
    with db.session() as conn:
        rows = holdings(conn, commit, on, ROOTS, by_account=True)
    units: Balances = defaultdict(Decimal)
    cost: Balances = defaultdict(Decimal)
    for row in rows:
        assert row.account is not None
        units[(row.account, row.commodity)] += row.units
        cost[(row.account, row.cost_currency)] += row.cost
    return ({k: v for k, v in units.items() if v}, {k: v for k, v in cost.items() if v})


def sample_dates(begin: str, end: str, count: int) -> list[dt.date]:
    first, last = dt.date.fromisoformat(begin), dt.date.fromisoformat(end)
    step = (last - first) / (count - 1)
    return [first + step * i for i in range(count)] + [last + dt.timedelta(days=30)]


@pytest.mark.parametrize(
    ("seed", "begin", "end"),
    [
        (1, "2019-01-01", "2021-12-31"),
        (42, "2022-03-15", "2024-06-30"),
        (2026, "2023-01-01", "2026-10-30"),
    ],
)
def test_positions_match_beancount_inventory(
    db: Database,
    ledger_repo: LedgerRepo,
    tmp_path: Path,
    bean_example: Callable[[int, str, str], str],
    seed: int,
    begin: str,
    end: str,
) -> None:
    text = bean_example(seed, begin, end)
    ledger_repo.commit({"example.beancount": text})
    result = sync_ledger(db, ledger_repo.path)
    entries, errors, _ = loader.load_string(text)
    assert errors == []

    checked = 0
    for on in sample_dates(begin, end, 14):
        expected_units, expected_cost = beancount_balances(entries, on)
        ours_units, ours_cost = our_balances(db, result.commit_hash, on)

        assert ours_units == expected_units, f"units differ on {on}"
        assert ours_cost == expected_cost, f"cost differs on {on}"
        checked += len(expected_units)
    assert checked > 500  # the comparison covered real holdings, not empty ledgers
