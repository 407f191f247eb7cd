"""Export Lambda: rights-gated exports of stored executions."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from dawsos_core.api import exports
from dawsos_core.api.errors import register_error_handlers

logger = Logger(service="export")
tracer = Tracer(service="export")
metrics = Metrics(namespace="DawsOS", service="export")

app = APIGatewayHttpResolver(enable_validation=True)
register_error_handlers(app, logger)
app.include_router(exports.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
