"""Pack builder Lambda: the scheduled daily pricing pack, explicit rebuilds, and migrations."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from dawsos_core.db.connection import Database
from dawsos_core.pricing.builder import run_job
from dawsos_core.pricing.jobs import PackJob
from dawsos_core.resources import get_database, get_settings

logger = Logger(service="pack_builder")
tracer = Tracer(service="pack_builder")
metrics = Metrics(namespace="DawsOS", service="pack_builder")


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, *, db: Database | None = None
) -> dict[str, Any]:
    job = PackJob.model_validate(event)
    result = run_job(job, db or get_database(), get_settings())
    logger.info("pack job done", extra=result)
    return result
