"""Beancount's own view of a synced commit, for reconciliation: the booked entries of the
commit, loaded from the files stored at its sync (kept for the last two commits a process
loaded: a commit's files never change)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import CommitRecord, commit_files
from dawsos_core.errors import Unprocessable
from dawsos_core.ledger.loading import load_ledger

_LOADED: dict[str, tuple[Any, ...]] = {}


def commit_entries(conn: Connection, commit: CommitRecord) -> tuple[Any, ...]:
    if commit.commit_hash not in _LOADED:
        files = commit_files(conn, commit.commit_hash)
        if not files:
            raise Unprocessable(
                f"ledger commit {commit.commit_hash[:12]} was synced before its files were "
                "stored: run `dawsos ledger sync` on its repository again"
            )
        with tempfile.TemporaryDirectory(prefix="dawsos-reconcile-") as tmp:
            root = Path(tmp)
            for path, data in files.items():
                target = root / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            entries = tuple(load_ledger(root, commit.main_file).entries)
        while len(_LOADED) >= 2:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[commit.commit_hash] = entries
    return _LOADED[commit.commit_hash]


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
