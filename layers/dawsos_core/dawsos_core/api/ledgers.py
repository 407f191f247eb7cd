"""``POST /v1/ledgers``, ``GET /v1/ledgers``, ``GET /v1/ledgers/{ledger_id}`` and
``GET /v1/ledgers/{ledger_id}/commits``: the caller registers its ledgers and sees them with
their commits. Another owner's ledger is a 404, like one that does not exist."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses
from dawsos_core.ledgers import (
    MAX_LISTED_COMMITS,
    CommitView,
    LedgerSpec,
    LedgerView,
    RegisteredLedger,
    ledger_commit_views,
    ledger_views,
    register_ledger,
)
from dawsos_core.resources import get_database, get_settings

router = APIGatewayHttpRouter()

LedgerId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Ledger id")]


class LedgerList(BaseModel):
    ledgers: list[LedgerView]


class CommitList(BaseModel):
    commits: list[CommitView]


@router.post(
    "/v1/ledgers",
    summary="Register a ledger of the caller's",
    description="A Git remote (URL, ref, and the Secrets Manager ARN of a token that reads "
    "it) or, in development only, a local path. Its webhook secret is shown once.",
    tags=["ledgers"],
    responses={
        201: {
            "description": "Registered",
            "content": {"application/json": {"model": RegisteredLedger}},
        },
        **error_responses(400, 401, 409, 415, 503),
    },
)
def post_ledger(spec: LedgerSpec) -> Response[str]:
    sub = caller_sub(router.current_event)
    environment = get_settings().environment
    with get_database().request_transaction(sub) as tx:
        registered = register_ledger(tx, spec, sub, environment)
    return Response(
        HTTPStatus.CREATED.value, content_types.APPLICATION_JSON, registered.model_dump_json()
    )


@router.get(
    "/v1/ledgers",
    summary="List the caller's ledgers",
    tags=["ledgers"],
    responses=error_responses(401, 503),
)
def get_ledgers() -> LedgerList:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        return LedgerList(ledgers=ledger_views(tx, sub))


@router.get(
    "/v1/ledgers/<ledger_id>",
    summary="One of the caller's ledgers",
    tags=["ledgers"],
    responses=error_responses(400, 401, 404, 503),
)
def get_ledger_view(ledger_id: LedgerId) -> LedgerView:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        (view,) = ledger_views(tx, sub, ledger_id)
    return view


@router.get(
    "/v1/ledgers/<ledger_id>/commits",
    summary="The synced commits of one of the caller's ledgers, the newest first",
    tags=["ledgers"],
    responses=error_responses(400, 401, 404, 503),
)
def get_ledger_commits(
    ledger_id: LedgerId,
    limit: Annotated[int, Query(ge=1, le=MAX_LISTED_COMMITS, description="At most this many")] = 50,
) -> CommitList:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        return CommitList(commits=ledger_commit_views(tx, sub, ledger_id, limit))
