"""Execute Lambda: pack health, the OpenAPI document and the executor API.

The X-Ray SDK is not imported at init (about half a second): the telemetry creates its
Tracer on the first traced span, and SnapStart's before-snapshot hook does that ahead.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from dawsos_core.api import execute, health
from dawsos_core.api.errors import register_error_handlers
from dawsos_core.api.openapi import openapi_json
from dawsos_core.observability.logs import service_logger
from dawsos_core.observability.telemetry import http_operation
from dawsos_core.resources import get_settings, get_telemetry
from dawsos_core.snapstart import register_hooks

SERVICE = "execute"
logger = service_logger(SERVICE, get_settings().log_format)

register_hooks()  # SnapStart: close the connection before the snapshot, reopen after restore

app = APIGatewayHttpResolver(enable_validation=True)
register_error_handlers(app, logger)
app.include_router(health.router)
app.include_router(execute.router)


def openapi_document() -> str:
    return openapi_json(description="Portfolio analytics over a Beancount ledger.")


@app.get("/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, openapi_document())


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    with get_telemetry(SERVICE).invocation(http_operation(event)) as invocation:
        response: dict[str, Any] = app.resolve(event, context)
        invocation.status = response["statusCode"]
    return response
