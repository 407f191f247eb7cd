"""Pack builder Lambda: the scheduled daily pricing pack, explicit rebuilds and the 18:00
freshness check, logged in as role dawsos_pack_builder; and, behind HTTP API events of its
own, a ledger's signed push webhook and its owner's sync (``api.ingest``), which write
ledger rows as only this role may and parse them with the Beancount it carries."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from dawsos_core.api import ingest
from dawsos_core.api.handler import http_function
from dawsos_core.db.connection import Database
from dawsos_core.jobs import PackJob, run_job
from dawsos_core.observability.logs import service_logger
from dawsos_core.resources import get_database, get_settings, get_telemetry

SERVICE = "pack_builder"
logger = service_logger(SERVICE, get_settings().log_format)
app, http_handler = http_function(SERVICE, ingest.router)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, *, db: Database | None = None
) -> dict[str, Any]:
    if "requestContext" in event:  # an HTTP API request: the ingestion routes
        return http_handler(event, context)
    job = PackJob.model_validate(event)
    with get_telemetry(SERVICE).invocation(f"pack {job.action}"):
        result = run_job(job, db or get_database(), get_settings())
    logger.info("pack job done", extra=result)
    return result
