"""Sync one commit of the ledger repository into PostgreSQL, in one transaction.

A commit already synced is recognised before any parsing and nothing is written; a newer
commit is added beside the older ones, which stay intact.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.ledger import commit_by_hash, insert_commit
from dawsos_core.ledger.loading import load_ledger
from dawsos_core.ledger.rows import extract_rows
from dawsos_core.ledger.source import checkout, resolve_commit


@dataclass(frozen=True)
class SyncResult:
    commit_hash: str
    main_file: str
    created: bool
    transactions: int
    postings: int
    prices: int


def sync_ledger(
    db: Database, path: Path, ref: str = "HEAD", main_file: str | None = None
) -> SyncResult:
    commit = resolve_commit(path, ref, main_file)
    with db.session() as conn:
        known = commit_by_hash(conn, commit.commit_hash)
    if known is not None:
        return SyncResult(
            commit.commit_hash,
            known.main_file,
            False,
            known.transactions,
            known.postings,
            known.prices,
        )
    with tempfile.TemporaryDirectory(prefix="dawsos-ledger-") as tmp:
        root = Path(tmp)
        checkout(commit, root)
        ledger = load_ledger(root, commit.main_file)
        rows = extract_rows(ledger.entries, root)
    with db.transaction() as conn:
        created = insert_commit(
            conn,
            commit.commit_hash,
            commit.main_file,
            commit.committed_at,
            ledger.operating_currencies,
            rows,
        )
    return SyncResult(
        commit.commit_hash,
        commit.main_file,
        created,
        len(rows.transactions),
        len(rows.postings),
        len(rows.prices),
    )
