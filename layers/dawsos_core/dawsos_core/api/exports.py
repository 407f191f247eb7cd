"""``POST /v1/exports`` and ``GET /v1/exports/{export_id}``: the export contract.

Executions are looked up scoped to the caller (another user's is a 404). Rendering, the
rights gate and S3 are not built yet; a request for a real execution answers 501.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses
from dawsos_core.db.repositories.executions import find_execution
from dawsos_core.errors import NotFound, NotImplementedYet
from dawsos_core.resources import get_database

router = APIGatewayHttpRouter()

ExportFormat = Literal["csv", "json", "xlsx", "pdf", "txt"]


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    execution_id: uuid.UUID = Field(description="Execution whose result is exported")
    format: ExportFormat = Field(description="File format")


@router.post(
    "/v1/exports",
    summary="Export an execution",
    tags=["exports"],
    responses=error_responses(400, 401, 404, 501, 503),
)
def create_export(request: ExportRequest) -> dict[str, Any]:
    sub = caller_sub(router.current_event)
    db = get_database()
    with db.tenant(sub), db.session() as conn:
        execution = find_execution(conn, request.execution_id, sub)
    if execution is None:
        raise NotFound(f"no execution {request.execution_id}")
    raise NotImplementedYet("exports are not available yet")


@router.get(
    "/v1/exports/<export_id>",
    summary="Fresh link to an export",
    tags=["exports"],
    responses=error_responses(400, 401, 404),
)
def get_export(export_id: uuid.UUID) -> dict[str, Any]:
    caller_sub(router.current_event)
    # No export can exist before exports are stored; the owner check lands with them.
    raise NotFound(f"no export {export_id}")
