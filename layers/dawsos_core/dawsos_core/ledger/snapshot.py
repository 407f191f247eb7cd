"""Beancount's own view of a synced commit, for reconciliation: the booked entries of the
commit, loaded from the ledger repository once per process."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from dawsos_core.ledger.loading import load_ledger
from dawsos_core.ledger.source import checkout, resolve_commit


@lru_cache(maxsize=2)
def commit_entries(repo: Path, commit_hash: str, main_file: str) -> tuple[Any, ...]:
    commit = resolve_commit(repo, commit_hash, main_file)
    with tempfile.TemporaryDirectory(prefix="dawsos-reconcile-") as tmp:
        checkout(commit, Path(tmp))
        return tuple(load_ledger(Path(tmp), main_file).entries)


def inventory_units(entries: Iterable[Any], prefixes: list[str], on: Any) -> dict[str, Decimal]:
    """Units per currency of Beancount inventories of the accounts under ``prefixes``."""
    from beancount.core import convert, data
    from beancount.core.inventory import Inventory

    inventory = Inventory()
    for entry in entries:
        if entry.date > on:
            break  # the loader returns entries sorted by date
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            account = posting.account
            if any(account == p or account.startswith(p + ":") for p in prefixes):
                inventory.add_position(posting)
    units: dict[str, Decimal] = {}
    for position in inventory.reduce(convert.get_units):
        if position.units.number:
            units[position.units.currency] = position.units.number
    return units
