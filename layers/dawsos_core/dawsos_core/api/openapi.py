"""The OpenAPI 3.1 document of the whole HTTP API, as Powertools generates it.

The routes live in two functions (execute and export); the document is built from a
resolver that includes every router, so one document describes the API the gateway serves.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

API_TITLE = "DawsOS"
API_VERSION = "0.1.0"


@cache
def openapi_json(*, description: str) -> str:
    """Built once per process: the routes do not change while it runs."""
    # The OpenAPI models take a tenth of a second to import; only this rare route needs them.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    from dawsos_core.api import execute, exports, health

    app = APIGatewayHttpResolver(enable_validation=True)
    for router in (health.router, execute.router, exports.router):
        app.include_router(router)

    return app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description=description,
        security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
        security=[{"bearer": []}],
    )
