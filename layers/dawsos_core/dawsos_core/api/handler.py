"""The HTTP functions' Lambda handler, made in one place: a Powertools resolver that
validates requests, maps every error to its JSON answer, serves the function's routers, and
runs each invocation under the function's logger and telemetry."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from dawsos_core.api.boundary import Refusal, decoded_body, refusal
from dawsos_core.api.errors import register_error_handlers
from dawsos_core.observability.logs import service_logger
from dawsos_core.observability.telemetry import http_operation
from dawsos_core.resources import get_settings, get_telemetry

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def http_function(
    service: str, *routers: APIGatewayHttpRouter
) -> tuple[APIGatewayHttpResolver, LambdaHandler]:
    """The resolver (``app``) and the ``lambda_handler`` of an HTTP function; a request
    the boundary refuses (``api.boundary``) is answered before it is routed."""
    logger = service_logger(service, get_settings().log_format)
    app = APIGatewayHttpResolver(enable_validation=True)
    register_error_handlers(app, logger)
    for router in routers:
        app.include_router(router)

    @logger.inject_lambda_context(
        correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
    )
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        with get_telemetry(service).invocation(http_operation(event)) as invocation:
            refused = refusal(event)
            if refused is None:
                response: dict[str, Any] = app.resolve(decoded_body(event), context)
            else:
                response = _refused(refused, event)
            invocation.status = response["statusCode"]
        return response

    return app, lambda_handler


def _refused(refused: Refusal, event: dict[str, Any]) -> dict[str, Any]:
    request_id = str((event.get("requestContext") or {}).get("requestId", ""))
    body = {"error": refused.code, "message": refused.message, "request_id": request_id}
    return {
        "statusCode": refused.status.value,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }
