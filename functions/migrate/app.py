"""Migrate Lambda: applies the database migrations as the owner role, then gives each
function role the password of its secret. The only function that reads the migrating
login's secret; invoked once after each deploy."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import migrate
from dawsos_core.db.roles import SecretReader, listed_arns, provision_logins, read_secret
from dawsos_core.observability.logs import service_logger
from dawsos_core.resources import get_database, get_settings, get_telemetry

SERVICE = "migrate"
logger = service_logger(SERVICE, get_settings().log_format)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(
    event: dict[str, Any],
    context: LambdaContext,
    *,
    db: Database | None = None,
    read: SecretReader = read_secret,
) -> dict[str, Any]:
    database = db or get_database()
    with get_telemetry(SERVICE).invocation("migrate"):
        applied = migrate(database)
        arns = listed_arns(get_settings().db_login_secret_arns)
        logins = provision_logins(database, arns, read=read)
    result = {"action": "migrate", "applied": [m.label for m in applied], "logins": logins}
    logger.info("migrations done", extra=result)
    return result
