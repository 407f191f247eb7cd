"""Pack builder Lambda: scheduled daily build of the pricing pack, and schema migrations."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import migrate
from dawsos_core.errors import NotImplementedYet
from dawsos_core.pricing.jobs import PackJob
from dawsos_core.resources import get_database

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
    database = db or get_database()
    applied = migrate(database)
    if job.action == "migrate":
        logger.info("migrations applied", extra={"applied": [m.label for m in applied]})
        return {"action": "migrate", "applied": [m.label for m in applied]}
    raise NotImplementedYet(f"building pricing packs is not available yet ({job.pack_date()})")
