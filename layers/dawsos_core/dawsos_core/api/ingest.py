"""``POST /v1/ledgers/{ledger_id}/webhook`` and ``POST /v1/ledgers/{ledger_id}/sync``, served
by the pack builder function as its role (the one that writes ledger rows, and carries
Beancount): a push GitHub signs with the ledger's webhook secret, or its owner's request,
syncs the commit and re-values the ledger's portfolios at it (``ledger.ingest``).

The webhook carries no bearer token: the ledger is named by its path and the push is
trusted only when GitHub's ``X-Hub-Signature-256`` verifies the raw body under the ledger's
webhook secret, or GitLab's ``X-Gitlab-Token`` is that secret; a forged or missing
signature or token, or a ledger that does not exist (not told apart), is a 401 and nothing
is synced. Configure a GitHub webhook with content type application/json."""

from __future__ import annotations

import json
import re
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses
from dawsos_core.calendar import london_today
from dawsos_core.db.repositories.ledgers import LedgerRecord, ledger_by_id, webhook_secret
from dawsos_core.errors import BadRequest, NotFound, Unauthorized
from dawsos_core.resources import get_database, get_settings

router = APIGatewayHttpRouter()

WEBHOOK_PATH = "/v1/ledgers/{ledger_id}/webhook"
LedgerId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Ledger id")]
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_DELETED = "0" * 40


class Revalued(BaseModel):
    portfolio_id: str
    valued: int = Field(description="Packs valued anew at the commit")
    copied: int = Field(description="Valuations of earlier days kept from the previous commit")


class IngestAnswer(BaseModel):
    ledger_id: str
    outcome: Literal["synced", "already_synced", "ignored", "pong"]
    reason: str | None = Field(default=None, description="Why a push was ignored")
    commit_hash: str | None = None
    transactions: int | None = None
    revalued: list[Revalued] = Field(default_factory=list)


@router.post(
    "/v1/ledgers/<ledger_id>/webhook",
    summary="A Git host's push webhook of a ledger (GitHub signed, or GitLab's token)",
    description="GitHub: X-Hub-Signature-256 must be the HMAC-SHA256 of the raw body under "
    "the ledger's webhook secret; X-GitHub-Event push syncs the pushed commit of the "
    "ledger's ref and re-values its portfolios, ping answers pong, other events are ignored. "
    "GitLab: X-Gitlab-Token must be the webhook secret; X-Gitlab-Event Push Hook syncs, "
    "other events are ignored.",
    tags=["ledgers"],
    responses=error_responses(400, 401, 415, 422, 503),
)
def post_webhook(ledger_id: LedgerId) -> IngestAnswer:
    event = router.current_event
    body = (event.body or "").encode()
    db = get_database()
    with db.session() as conn:
        ledger = ledger_by_id(conn, ledger_id, None)
        secret = None if ledger is None else webhook_secret(conn, ledger_id)
    if ledger is not None and secret is None and ledger.webhook_secret_arn is not None:
        from dawsos_core.providers.credentials import provider_key

        secret = provider_key(None, ledger.webhook_secret_arn)
    from dawsos_core.ledger.ingest import signature_verifies, token_matches

    headers = event.headers  # case-insensitive
    gitlab_token = headers.get("x-gitlab-token")
    if gitlab_token is not None:
        trusted = secret is not None and token_matches(secret, gitlab_token)
        kind = "push" if headers.get("x-gitlab-event") == "Push Hook" else "other"
        shown = headers.get("x-gitlab-event") or ""
    else:
        signature = headers.get("x-hub-signature-256")
        trusted = secret is not None and signature_verifies(secret, body, signature)
        kind = shown = headers.get("x-github-event") or ""
    if ledger is None or not trusted:
        raise Unauthorized(
            "X-Hub-Signature-256 (GitHub) or X-Gitlab-Token (GitLab) is missing or does not"
            " match this ledger's webhook secret"
        )
    if kind == "ping":
        return IngestAnswer(ledger_id=ledger_id, outcome="pong")
    if kind != "push":
        return IngestAnswer(ledger_id=ledger_id, outcome="ignored", reason=f"event {shown[:64]!r}")
    commit, ignored = _pushed_commit(body, ledger)
    if ignored is not None:
        return IngestAnswer(ledger_id=ledger_id, outcome="ignored", reason=ignored)
    return _ingest(ledger, commit)


@router.post(
    "/v1/ledgers/<ledger_id>/sync",
    summary="Sync the tip of one of the caller's ledgers and re-value its portfolios",
    tags=["ledgers"],
    responses=error_responses(400, 401, 404, 409, 422, 503),
)
def post_sync(ledger_id: LedgerId) -> IngestAnswer:
    sub = caller_sub(router.current_event)
    with get_database().session() as conn:
        ledger = ledger_by_id(conn, ledger_id, sub)  # this role sees every ledger: filter
    if ledger is None:
        raise NotFound(f"no ledger {ledger_id}")
    return _ingest(ledger, None)


def _pushed_commit(body: bytes, ledger: LedgerRecord) -> tuple[str, str | None]:
    """(the pushed commit, why the push is ignored or None)."""
    try:
        push = json.loads(body)
    except ValueError as exc:
        raise BadRequest("the push body is not JSON") from exc
    ref, after = (push.get("ref"), push.get("after")) if isinstance(push, dict) else (None, None)
    if not isinstance(after, str) or not _COMMIT.match(after):
        raise BadRequest("the push names no commit: 'after' must be 40 hex digits")
    wanted = ledger.remote_ref if ledger.remote_url is not None else None
    if wanted is not None and ref != wanted:
        return after, f"a push to {str(ref)[:256]}, not to {wanted}"
    if after == _DELETED:
        return after, f"{str(ref)[:256]} was deleted"
    return after, None


def _ingest(ledger: LedgerRecord, commit: str | None) -> IngestAnswer:
    from dawsos_core.ledger.ingest import ingest_commit, ledger_token

    settings = get_settings()
    done = ingest_commit(
        get_database(),
        ledger,
        commit,
        token=ledger_token(ledger),
        policy_name=settings.pricing_policy,
        today=london_today(settings.now()),
    )
    return IngestAnswer(
        ledger_id=ledger.id,
        outcome="synced" if done.sync.created else "already_synced",
        commit_hash=done.sync.commit_hash,
        transactions=done.sync.transactions,
        revalued=[
            Revalued(portfolio_id=r.portfolio_id, valued=r.valued, copied=r.copied)
            for r in done.revaluations
        ],
    )
