"""Execute Lambda: pack health, the OpenAPI document and the executor API."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from dawsos_core.api import execute, health
from dawsos_core.api.errors import register_error_handlers
from dawsos_core.api.openapi import openapi_json

logger = Logger(service="execute")
tracer = Tracer(service="execute")
metrics = Metrics(namespace="DawsOS", service="execute")

app = APIGatewayHttpResolver(enable_validation=True)
register_error_handlers(app, logger)
app.include_router(health.router)
app.include_router(execute.router)


@app.get("/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    document = openapi_json(app, description="Portfolio analytics over a Beancount ledger.")
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=document)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
