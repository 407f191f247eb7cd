"""The one place where domain exceptions become HTTP answers.

Every error body is ``{"error": code, "message": ..., "request_id": ...}``; no traceback
ever reaches a caller. Unexpected exceptions are logged with their traceback and answered
with a bare 500.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel

from dawsos_core.errors import DawsosError, ServiceUnavailable, TooManyRequests

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str
    message: str
    request_id: str


def error_responses(*statuses: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI ``responses`` entries for the error answers a route can give."""
    content = {"application/json": {"model": ErrorBody}}
    descriptions = {
        400: "Malformed JSON, a body that is not UTF-8 or nests over 32 levels, text with a NUL "
        "or a lone surrogate, or an invalid field (each named in the message)",
        401: "Missing, malformed, wrongly signed or expired token",
        403: "Refused by the rights registry (export_blocked names the sources and the "
        "recorded violation_id) or view_blocked, or a ledger the caller may not cut "
        "portfolios from",
        404: "Unknown or not the caller's",
        409: "The Idempotency-Key was used for a different export, or the id is taken",
        413: "Body over 64 KiB",
        415: "A body that is not application/json",
        422: "Valid request that cannot be answered",
        429: "The caller already runs as many requests as one caller may; see Retry-After",
        503: "A dependency or the pricing pack is not ready; see Retry-After",
    }
    return {
        s: {"description": descriptions[s], "content": content}  # type: ignore[typeddict-item]
        for s in statuses
    }


def error_response(
    status: HTTPStatus,
    code: str,
    message: str,
    request_id: str,
    headers: dict[str, str] | None = None,
    details: dict[str, object] | None = None,
) -> Response[str]:
    body = json.dumps(
        {"error": code, "message": message, "request_id": request_id, **(details or {})}
    )
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=headers or {},
    )


def describe_validation_errors(errors: list[dict[str, Any]]) -> tuple[str, str]:
    """(code, message) naming each offending field, e.g. ``body.pattern_id: Field required``."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "malformed_json", "the request body is not valid JSON"
    parts = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "invalid_request", "; ".join(parts) or "invalid request"


def oversized_body(body: str | None) -> str | None:
    """Why a body is refused for its size (MAX_BODY_BYTES), or None when it fits."""
    from dawsos_core.resources import get_settings

    limit = get_settings().max_body_bytes
    size = len((body or "").encode())
    return f"the body is {size} bytes; at most {limit} are accepted" if size > limit else None


def register_error_handlers(app: APIGatewayHttpResolver, logger: Logger) -> None:
    def request_id() -> str:
        return str(app.current_event.request_context.request_id)

    @app.exception_handler(DawsosError)
    def _domain(exc: DawsosError) -> Response[str]:
        headers = {}
        if isinstance(exc, ServiceUnavailable):
            headers["Retry-After"] = str(exc.retry_after_seconds)
            logger.warning("dependency unavailable", extra={"error": exc.code})
        elif isinstance(exc, TooManyRequests):
            headers["Retry-After"] = str(exc.retry_after_seconds)
        return error_response(exc.status, exc.code, exc.message, request_id(), headers, exc.details)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response[str]:
        too_large = oversized_body(app.current_event.body)
        if too_large:  # a large body is refused for its size before its content is judged
            return error_response(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", too_large, request_id()
            )
        code, message = describe_validation_errors(list(exc.errors()))
        return error_response(HTTPStatus.BAD_REQUEST, code, message, request_id())

    @app.not_found
    def _not_found(exc: NotFoundError) -> Response[str]:
        event = app.current_event
        message = f"no route for {event.http_method} {event.path}"
        return error_response(HTTPStatus.NOT_FOUND, "not_found", message, request_id())

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response[str]:
        logger.exception("unhandled error")
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "internal error", request_id()
        )
