"""``POST /v1/execute`` and ``GET /v1/patterns``: the executor API."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
)

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses, oversized_body
from dawsos_core.errors import PayloadTooLarge
from dawsos_core.execution import ExecutionOutcome, execute_pattern, resolve_pattern
from dawsos_core.resources import get_database, get_library, get_orchestrator, get_settings

router = APIGatewayHttpRouter()


def _text_only(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("an ISO 8601 date and time as text")
    return value


class ExecuteRequest(BaseModel):
    """Strict: no boolean or number is read from a string."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern_id: StrictStr = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="Pattern to run")
    inputs: dict[str, Any] = Field(default_factory=dict, description="The pattern's inputs")
    require_fresh: StrictBool = Field(
        default=True, description="Refuse (503) unless the pack is fresh"
    )
    pack_id: StrictStr | None = Field(default=None, max_length=80, description="Pin a pricing pack")
    ledger_commit: StrictStr | None = Field(
        default=None,
        pattern=r"^[0-9a-fA-F]{7,64}$",
        description="Pin the ledger commit: a hash, or an unambiguous prefix of 7 or more hex "
        "digits (default: the portfolio's ledger's latest synced commit)",
    )
    packs_as_of: Annotated[AwareDatetime, BeforeValidator(_text_only)] | None = Field(
        default=None,
        description="Value each day of a window with the pack live at this instant (ISO 8601 "
        "with a time zone; default: now). Pin it with pack_id and ledger_commit to replay",
    )


class ExecuteResponse(BaseModel):
    result: dict[str, Any]
    provenance: dict[str, Any]
    attributions: list[dict[str, str]]
    trace: list[dict[str, Any]]
    execution_id: str
    result_hash: str


@router.post(
    "/v1/execute",
    summary="Run a pattern",
    tags=["execute"],
    responses={
        200: {
            "description": "The answer with its provenance, attributions and trace",
            "content": {"application/json": {"model": ExecuteResponse}},
        },
        **error_responses(400, 401, 403, 404, 413, 415, 422, 429, 503),
    },
)
def execute(request: ExecuteRequest) -> Response[str]:
    event = router.current_event
    sub = caller_sub(event)
    settings = get_settings()
    too_large = oversized_body(event.body)
    if too_large:
        raise PayloadTooLarge(too_large)
    context = event.request_context
    pattern, values = resolve_pattern(get_library(), request.pattern_id, request.inputs)
    outcome = execute_pattern(
        get_database(),
        settings,
        get_orchestrator(),
        pattern,
        values,
        require_fresh=request.require_fresh,
        pack_id=request.pack_id,
        user_sub=sub,
        request_id=context.request_id,
        trace_id=(event.headers or {}).get("x-amzn-trace-id", context.request_id),
        ledger_commit=request.ledger_commit,
        packs_as_of=request.packs_as_of,
    )
    return Response(200, content_types.APPLICATION_JSON, response_body(outcome))


def response_body(outcome: ExecutionOutcome) -> str:
    """The ExecuteResponse as JSON, the result as its canonical text: the text that was
    hashed and stored."""
    return orjson.dumps(
        {
            "result": orjson.Fragment(outcome.result_text),
            "provenance": outcome.provenance,
            "attributions": outcome.attributions,
            "trace": outcome.trace,
            "execution_id": outcome.execution_id,
            "result_hash": outcome.result_hash,
        }
    ).decode()


class PatternSummary(BaseModel):
    id: str
    version: int
    description: str
    inputs: dict[str, dict[str, Any]]


@router.get(
    "/v1/patterns",
    summary="List the pattern library",
    tags=["execute"],
    responses=error_responses(401),
)
def list_patterns() -> dict[str, list[PatternSummary]]:
    caller_sub(router.current_event)
    return {
        "patterns": [
            PatternSummary(
                id=p.id,
                version=p.version,
                description=p.description,
                inputs={k: v.model_dump() for k, v in p.inputs.items()},
            )
            for p in sorted(get_library().values(), key=lambda p: p.id)
        ]
    }
