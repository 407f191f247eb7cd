"""Ledgers registered by their owners: a Git remote (URL, ref and the Secrets Manager ARN of
the token that reads it) or, in development only, a local path; pushes to it are signed
with its webhook secret. Each keeps its own commits (``ledger_commits.ledger_id``)."""

from __future__ import annotations

import datetime as dt
import secrets

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import latest_commit, recent_commits
from dawsos_core.db.repositories.ledgers import (
    LedgerRecord,
    insert_ledger,
    ledger_by_id,
    list_ledgers,
)
from dawsos_core.errors import BadRequest, Conflict, NotFound
from dawsos_core.portfolios import LatestCommit
from dawsos_core.settings import Environment

SECRETS_MANAGER_ARN = (
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$"
)
MAX_LISTED_COMMITS = 200
LEDGER_SECRETS = "dawsos/ledgers/"  # the pack builder reads secrets under this name only


class LedgerSpec(BaseModel):
    """What a caller registers: a remote, or (development only) a path."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="The ledger's id")
    remote_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s@]+$",
        max_length=2048,
        description="HTTPS URL of the Git repository (no credentials in it); http:// only "
        "in development",
    )
    remote_ref: str = Field(
        default="refs/heads/main",
        pattern=r"^refs/[A-Za-z0-9._/-]{1,250}$",
        description="The branch whose pushes are synced",
    )
    token_secret_arn: str | None = Field(
        default=None,
        pattern=SECRETS_MANAGER_ARN,
        description="Secrets Manager secret holding the token that reads the repository",
    )
    local_path: str | None = Field(
        default=None,
        min_length=1,
        max_length=4096,
        pattern=r"^/",
        description="Development only: an absolute path to a Git repository",
    )
    webhook_secret_arn: str | None = Field(
        default=None,
        pattern=SECRETS_MANAGER_ARN,
        description="Secrets Manager secret holding the webhook secret; without it one is "
        "made and shown once",
    )

    @model_validator(mode="after")
    def _one_source(self) -> LedgerSpec:
        if (self.remote_url is None) == (self.local_path is None):
            raise ValueError("give either remote_url or local_path")
        if self.token_secret_arn is not None and self.remote_url is None:
            raise ValueError("token_secret_arn reads a remote: give remote_url")
        return self


class LedgerView(BaseModel):
    """A ledger as its owner sees it: its source and latest commit, never a secret."""

    model_config = ConfigDict(frozen=True)

    id: str
    remote_url: str | None
    remote_ref: str | None
    token_secret_arn: str | None
    local_path: str | None
    webhook_secret_arn: str | None
    created_at: dt.datetime
    latest_commit: LatestCommit | None = Field(description="its most recently synced commit")


class RegisteredLedger(LedgerView):
    webhook_secret: str | None = Field(
        description="The secret that signs its webhook (X-Hub-Signature-256), shown only now; "
        "null when it is kept in Secrets Manager"
    )


class CommitView(BaseModel):
    model_config = ConfigDict(frozen=True)

    commit_hash: str
    main_file: str
    committed_at: dt.datetime
    synced_at: dt.datetime
    transactions: int
    postings: int
    prices: int


def register_ledger(
    conn: Connection, spec: LedgerSpec, owner_sub: str, environment: Environment
) -> RegisteredLedger:
    """Register the caller's ledger (409 when the id is taken, whoever holds it). A local
    path, or a remote over plain HTTP, is refused (400) outside development; a secret must
    be named under ``dawsos/ledgers/<id>/`` (the ids are unique, so no owner names
    another's secret)."""
    development = environment == Environment.DEVELOPMENT
    if spec.local_path is not None and not development:
        raise BadRequest(f"local_path: a path is a source only in development, not {environment}")
    if spec.remote_url is not None and spec.remote_url.startswith("http://") and not development:
        raise BadRequest("remote_url: use https://")
    for name, arn in (("token_secret_arn", spec.token_secret_arn),
                      ("webhook_secret_arn", spec.webhook_secret_arn)):  # fmt: skip
        if arn is not None and f":secret:{LEDGER_SECRETS}{spec.id}/" not in arn:
            raise BadRequest(
                f"{name}: the secret must be named {LEDGER_SECRETS}{spec.id}/..., the"
                " secrets the pack builder may read for this ledger"
            )
    secret = None if spec.webhook_secret_arn is not None else secrets.token_urlsafe(32)
    record = LedgerRecord(
        id=spec.id,
        owner_sub=owner_sub,
        remote_url=spec.remote_url,
        remote_ref=spec.remote_ref if spec.remote_url is not None else None,
        token_secret_arn=spec.token_secret_arn,
        local_path=spec.local_path,
        webhook_secret_arn=spec.webhook_secret_arn,
        created_at=dt.datetime.now(dt.UTC),
    )
    if not insert_ledger(conn, record, secret):
        raise Conflict(f"ledger {spec.id} already exists")
    return RegisteredLedger(**_view(record, None).model_dump(), webhook_secret=secret)


def get_ledger(conn: Connection, ledger_id: str, owner_sub: str | None) -> LedgerRecord:
    """The ledger (404 naming it when it is unknown or, to ``owner_sub``, not its own)."""
    record = ledger_by_id(conn, ledger_id, owner_sub)
    if record is None:
        raise NotFound(f"no ledger {ledger_id}")
    return record


def ledger_views(
    conn: Connection, owner_sub: str, ledger_id: str | None = None
) -> list[LedgerView]:
    """The owner's ledgers (or the one named) with their latest commits."""
    records = (
        list_ledgers(conn, owner_sub)
        if ledger_id is None
        else [get_ledger(conn, ledger_id, owner_sub)]
    )
    return [_view(r, conn) for r in records]


def ledger_commit_views(
    conn: Connection, owner_sub: str, ledger_id: str, limit: int
) -> list[CommitView]:
    """The owner's ledger's synced commits, the newest first."""
    get_ledger(conn, ledger_id, owner_sub)
    return [
        CommitView(
            commit_hash=c.commit_hash,
            main_file=c.main_file,
            committed_at=c.committed_at,
            synced_at=c.synced_at,
            transactions=c.transactions,
            postings=c.postings,
            prices=c.prices,
        )
        for c in recent_commits(conn, ledger_id, limit)
    ]


def _view(record: LedgerRecord, conn: Connection | None) -> LedgerView:
    return LedgerView(
        id=record.id,
        remote_url=record.remote_url,
        remote_ref=record.remote_ref,
        token_secret_arn=record.token_secret_arn,
        local_path=record.local_path,
        webhook_secret_arn=record.webhook_secret_arn,
        created_at=record.created_at,
        latest_commit=None if conn is None else LatestCommit.of(latest_commit(conn, record.id)),
    )
