"""The OpenAPI 3.1 document of a resolver, as Powertools generates it."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

API_TITLE = "DawsOS"
API_VERSION = "0.1.0"


def openapi_json(app: APIGatewayHttpResolver, *, description: str) -> str:
    # The OpenAPI models take a tenth of a second to import; only this rare route needs them.
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    return app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description=description,
        security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
        security=[{"bearer": []}],
    )
