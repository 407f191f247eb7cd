"""Export Lambda: rights-gated exports of stored executions."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from dawsos_core.api import exports
from dawsos_core.api.errors import register_error_handlers
from dawsos_core.observability.logs import service_logger
from dawsos_core.observability.telemetry import http_operation
from dawsos_core.resources import get_settings, get_telemetry

SERVICE = "export"
logger = service_logger(SERVICE, get_settings().log_format)

app = APIGatewayHttpResolver(enable_validation=True)
register_error_handlers(app, logger)
app.include_router(exports.router)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    with get_telemetry(SERVICE).invocation(http_operation(event)) as invocation:
        response: dict[str, Any] = app.resolve(event, context)
        invocation.status = response["statusCode"]
    return response
