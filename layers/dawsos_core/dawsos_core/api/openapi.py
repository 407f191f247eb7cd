"""The OpenAPI 3.1 document of the whole HTTP API, as Powertools generates it.

The routes live in two functions (execute and export); the document is built from a
resolver that includes every router, so one document describes the API the gateway serves.
"""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

API_TITLE = "DawsOS"
API_VERSION = "0.1.0"
API_DESCRIPTION = "Portfolio analytics over a Beancount ledger."

router = APIGatewayHttpRouter()


@router.get("/openapi.json", include_in_schema=False)
def get_openapi() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, openapi_json())


@cache
def openapi_json(*, description: str = API_DESCRIPTION) -> str:
    """The document, built once per process: the routes do not change while it runs."""
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
