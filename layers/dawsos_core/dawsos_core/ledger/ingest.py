"""Ingestion without a file system shared with the repository: a ledger's pushes arrive
signed by GitHub (``X-Hub-Signature-256``, the HMAC-SHA256 of the raw body under the
ledger's webhook secret) or carrying GitLab's token (``X-Gitlab-Token``, the secret
itself), or its owner asks for a sync; the pushed commit is fetched with
dulwich (over HTTPS, with the token in Secrets Manager) or, for a local path source, read
where it is, synced (``ledger.sync``) and every portfolio of the ledger re-valued at it.
The same sync runs on a schedule for every registered ledger (``sync_registered_ledgers``),
which catches a push whose webhook was lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.ledgers import LedgerRecord, list_ledgers
from dawsos_core.errors import DawsosError, LedgerSourceError, Unprocessable
from dawsos_core.ledger.sync import SyncResult, sync_ledger
from dawsos_core.valuations import Revaluation, revalue_commit

log = logging.getLogger(__name__)

SIGNATURE_PREFIX = "sha256="
GITHUB_HTTPS_USER = "x-access-token"  # GitHub's user name for a token over HTTPS


def signature_verifies(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is ``sha256=`` and the hex HMAC-SHA256 of ``body`` under
    ``secret``, compared in constant time."""
    if header is None or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len(SIGNATURE_PREFIX) :].strip().lower())


def token_matches(secret: str, token: str) -> bool:
    """Whether GitLab's ``X-Gitlab-Token`` is the webhook secret, compared in constant
    time (GitLab sends the secret itself, not a signature of the body)."""
    return hmac.compare_digest(secret.encode(), token.strip().encode())


@dataclass(frozen=True)
class Ingested:
    sync: SyncResult
    revaluations: list[Revaluation]


def ingest_commit(
    db: Database,
    ledger: LedgerRecord,
    commit: str | None,
    *,
    token: str | None,
    policy_name: str,
    today: dt.date,
) -> Ingested:
    """Sync ``commit`` (None: the tip of the ledger's ref) of the ledger's source and
    re-value the ledger's portfolios at it. Beancount's errors refuse it (LedgerInvalid,
    each named) and nothing is written."""
    if ledger.local_path is not None:
        synced = sync_ledger(db, Path(ledger.local_path), commit or "HEAD", ledger_id=ledger.id)
    elif ledger.remote_url is not None:
        with tempfile.TemporaryDirectory(prefix="dawsos-fetch-") as tmp:
            fetch_remote(ledger.remote_url, Path(tmp), token)
            ref = commit or f"refs/remotes/origin/{_branch(ledger.remote_ref)}"
            synced = sync_ledger(db, Path(tmp), ref, ledger_id=ledger.id)
    else:
        raise Unprocessable(
            f"ledger {ledger.id} has no source: the operator syncs it with dawsos ledger sync"
        )
    revalued = revalue_commit(db, synced.commit_hash, policy_name, today=today)
    return Ingested(synced, revalued)


def ledger_token(ledger: LedgerRecord) -> str | None:
    """The token that reads the ledger's remote, from Secrets Manager (None: a public
    remote, or a local path)."""
    if ledger.token_secret_arn is None:
        return None
    from dawsos_core.providers.credentials import provider_key

    return provider_key(None, ledger.token_secret_arn)


@dataclass(frozen=True)
class ScheduledSync:
    """One ledger's outcome in a scheduled sync; a failure names its cause and what to do."""

    ledger_id: str
    outcome: Literal["synced", "already_synced", "failed"]
    commit_hash: str | None = None
    portfolios: int = 0  # re-valued at the commit
    packs_valued: int = 0
    error: str | None = None
    message: str | None = None


def sync_registered_ledgers(
    db: Database, *, policy_name: str, today: dt.date
) -> list[ScheduledSync]:
    """Sync the tip of every registered ledger that has a source (a remote, or a local path
    in development) and re-value its portfolios, one ledger at a time, in id order. A ledger
    that fails (unreachable, refused token, Beancount errors, a fork's commit) is reported
    with its error and the rest go on; nothing of a failed ledger is written."""
    with db.session() as conn:
        ledgers = [
            ledger
            for ledger in list_ledgers(conn, None)
            if ledger.remote_url is not None or ledger.local_path is not None
        ]
    outcomes = []
    for ledger in ledgers:
        try:
            done = ingest_commit(
                db,
                ledger,
                None,
                token=ledger_token(ledger),
                policy_name=policy_name,
                today=today,
            )
        except DawsosError as exc:
            failed = ScheduledSync(ledger.id, "failed", error=exc.code, message=exc.message)
            outcomes.append(failed)
            continue
        except Exception as exc:  # a repository that breaks the Git or Beancount code
            log.exception("scheduled sync of ledger %s failed", ledger.id)
            failed = ScheduledSync(
                ledger.id,
                "failed",
                error="internal",
                message=f"{type(exc).__name__}: the sync failed unexpectedly; see the logs",
            )
            outcomes.append(failed)
            continue
        outcomes.append(
            ScheduledSync(
                ledger.id,
                "synced" if done.sync.created else "already_synced",
                commit_hash=done.sync.commit_hash,
                portfolios=len(done.revaluations),
                packs_valued=sum(r.valued for r in done.revaluations),
            )
        )
    return outcomes


def fetch_remote(url: str, target: Path, token: str | None) -> None:
    """Clone the repository at ``url`` bare into ``target`` (its branches under
    refs/remotes/origin); a failure is a LedgerSourceError without the token."""
    from dulwich import porcelain
    from dulwich.client import HTTPProxyUnauthorized, HTTPUnauthorized
    from dulwich.errors import GitProtocolError, HangupException

    try:
        if token is None:
            repo = porcelain.clone(url, str(target), bare=True, errstream=io.BytesIO())
        else:
            repo = porcelain.clone(
                url,
                str(target),
                bare=True,
                errstream=io.BytesIO(),
                username=GITHUB_HTTPS_USER,
                password=token,
            )
        repo.close()
    except (
        GitProtocolError,
        HangupException,
        HTTPUnauthorized,
        HTTPProxyUnauthorized,
        OSError,
    ) as exc:
        raise LedgerSourceError(f"cannot fetch {url}: {type(exc).__name__}") from exc


def _branch(ref: str | None) -> str:
    return (ref or "refs/heads/main").removeprefix("refs/heads/")
