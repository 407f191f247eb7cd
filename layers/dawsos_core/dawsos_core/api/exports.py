"""``POST /v1/exports`` and ``GET /v1/exports/{export_id}``: rights-gated exports.

Both are scoped to the caller: another user's execution or export is a 404. The
``Idempotency-Key`` header is required on POST; the same key again returns the same export.
Every link either route issues passes the rights gate of the current environment first.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Literal

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses
from dawsos_core.errors import BadRequest
from dawsos_core.resources import get_export_service

router = APIGatewayHttpRouter()

ExportFormat = Literal["csv", "json", "xlsx", "pdf", "txt"]
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    execution_id: uuid.UUID = Field(description="Execution whose result is exported")
    format: ExportFormat = Field(description="File format")


class ExportResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    export_id: str
    url: str = Field(description="Presigned GET link to the file")
    expires_at: dt.datetime = Field(description="When the link stops working (at most 15 min)")
    sha256: str = Field(description="SHA-256 of the file as stored")
    format: ExportFormat
    size_bytes: int
    replayed: bool = Field(description="True when the Idempotency-Key named an earlier export")
    watermark: str = Field(
        description="The visible mark the file carries on every page or sheet (who exported"
        " it, when, from which pack and ledger commit); the file also embeds the signed token"
        " that `dawsos watermark verify` checks"
    )


def _idempotency_key() -> str:
    headers = router.current_event.headers or {}
    key = next((v for k, v in headers.items() if k.lower() == "idempotency-key"), None)
    if key is None:
        raise BadRequest("the Idempotency-Key header is required: one export per key")
    if not _IDEMPOTENCY_KEY.match(key):
        raise BadRequest("Idempotency-Key must be 1 to 255 visible ASCII characters")
    return key


@router.post(
    "/v1/exports",
    summary="Export an execution (send an Idempotency-Key header)",
    tags=["exports"],
    responses=error_responses(400, 401, 403, 404, 409, 422, 503),
)
def create_export(request: ExportRequest) -> ExportResponse:
    event = router.current_event
    sub = caller_sub(event)
    link = get_export_service().create(
        user_sub=sub,
        execution_id=request.execution_id,
        export_format=request.format,
        idempotency_key=_idempotency_key(),
        request_id=event.request_context.request_id,
    )
    return ExportResponse.model_validate(link)


@router.get(
    "/v1/exports/<export_id>",
    summary="Fresh link to an export",
    tags=["exports"],
    responses=error_responses(400, 401, 403, 404, 503),
)
def get_export(export_id: uuid.UUID) -> ExportResponse:
    event = router.current_event
    sub = caller_sub(event)
    link = get_export_service().link(
        user_sub=sub, export_id=export_id, request_id=event.request_context.request_id
    )
    return ExportResponse.model_validate(link)
