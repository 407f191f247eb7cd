"""Sync one commit of the ledger repository into PostgreSQL, in one transaction: its rows
(accounts, transactions, postings, prices) and its files, content-addressed, so that
nothing after a sync needs the repository.

A commit already synced is recognised before any parsing and nothing is written (a commit
synced before files were stored gets its files); a newer commit is added beside the older
ones, which stay intact. The ledger must be registered (404 otherwise), and a commit is
synced to one ledger only (409 when another holds it).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.ledger import (
    DEFAULT_LEDGER,
    commit_by_hash,
    commit_files,
    insert_commit,
    insert_files,
)
from dawsos_core.db.repositories.ledgers import ledger_by_id
from dawsos_core.errors import Conflict, NotFound
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
    db: Database,
    path: Path,
    ref: str = "HEAD",
    main_file: str | None = None,
    *,
    ledger_id: str = DEFAULT_LEDGER,
) -> SyncResult:
    commit = resolve_commit(path, ref, main_file)
    with db.session() as conn:
        if ledger_by_id(conn, ledger_id, None) is None:
            raise NotFound(f"no ledger {ledger_id}: register it before syncing its commits")
        known = commit_by_hash(conn, commit.commit_hash)
        stored = known is not None and bool(commit_files(conn, commit.commit_hash))
    if known is not None and known.ledger_id != ledger_id:
        raise _held_by_another(commit.commit_hash)
    if known is not None:
        if not stored:
            with tempfile.TemporaryDirectory(prefix="dawsos-ledger-") as tmp:
                files = checkout(commit, Path(tmp))
            with db.transaction() as conn:
                insert_files(conn, commit.commit_hash, files, known.ledger_id)
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
        files = checkout(commit, root)
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
            ledger_id=ledger_id,
        )
        if created:
            insert_files(conn, commit.commit_hash, files, ledger_id)
        else:  # a sync that ran meanwhile stored it: of this ledger, or of another
            raced = commit_by_hash(conn, commit.commit_hash)
            if raced is not None and raced.ledger_id != ledger_id:
                raise _held_by_another(commit.commit_hash)
    return SyncResult(
        commit.commit_hash,
        commit.main_file,
        created,
        len(rows.transactions),
        len(rows.postings),
        len(rows.prices),
    )


def _held_by_another(commit_hash: str) -> Conflict:
    """A fork: the same commit pushed to two ledgers. Its rows name one ledger (what row-level
    security admits them by), so the second is refused rather than shown the first's rows;
    the holder is not named, since it may be another owner's."""
    return Conflict(
        f"commit {commit_hash[:12]} is already a commit of another ledger: a commit is synced"
        " to one ledger only; sync a commit of this ledger's own (any new commit on the fork)"
    )
