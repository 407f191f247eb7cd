"""``POST /v1/execute`` and ``GET /v1/patterns``: the request contract of the executor.

Pattern execution itself (orchestrator, runtime, agents) is not built yet; the routes
validate their input and answer 501 until it is.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses
from dawsos_core.errors import NotImplementedYet

router = APIGatewayHttpRouter()


class ExecuteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern_id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$", description="Pattern to run")
    inputs: dict[str, Any] = Field(default_factory=dict, description="The pattern's inputs")
    require_fresh: bool = Field(default=True, description="Refuse (503) unless the pack is fresh")
    pack_id: str | None = Field(default=None, max_length=80, description="Pin a pricing pack")


@router.post(
    "/v1/execute",
    summary="Run a pattern",
    tags=["execute"],
    responses=error_responses(400, 401, 404, 501, 503),
)
def execute(request: ExecuteRequest) -> dict[str, Any]:
    caller_sub(router.current_event)
    raise NotImplementedYet(f"pattern execution is not available yet ({request.pattern_id})")


@router.get(
    "/v1/patterns",
    summary="List the pattern library",
    tags=["execute"],
    responses=error_responses(401, 501),
)
def list_patterns() -> dict[str, Any]:
    caller_sub(router.current_event)
    raise NotImplementedYet("the pattern library is not available yet")
