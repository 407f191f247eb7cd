"""The OpenAPI 3.1 document of the whole HTTP API, as Powertools generates it.

The routes live in three functions (execute, export, and the pack builder's ledger
ingestion); the document is built from a resolver that includes every router, so one
document describes the API the gateway serves. The ledger webhook is signed, not
authorised by a token: its operation carries no security requirement.
"""

from __future__ import annotations

import json
from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from dawsos_core.api.ingest import WEBHOOK_PATH

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

    from dawsos_core.api import execute, exports, health, ingest, ledgers, packs, portfolios

    app = APIGatewayHttpResolver(enable_validation=True)
    routers = (
        health.router,
        execute.router,
        packs.router,
        ledgers.router,
        ingest.router,
        portfolios.router,
        exports.router,
    )
    for router in routers:
        app.include_router(router)

    document = app.get_openapi_json_schema(
        title=API_TITLE,
        version=API_VERSION,
        description=description,
        security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
        security=[{"bearer": []}],
    )
    return with_pattern_examples(document)


# Sample values of the library's required inputs, for the examples.
_SAMPLE_INPUTS = {"portfolio_id": "demo", "start": "2025-11-03", "end": "2026-10-30"}


def with_pattern_examples(document: str) -> str:
    """The document with one request example per library pattern on POST /v1/execute: its
    id, its required inputs (sample values) and its other inputs at their defaults."""
    from dawsos_core.orchestration.patterns import load_library

    doc = json.loads(document)
    examples = {
        p.id: {
            "summary": p.description,
            "value": {
                "pattern_id": p.id,
                "inputs": {
                    name: _SAMPLE_INPUTS[name] if spec.required else spec.default
                    for name, spec in p.inputs.items()
                    if spec.required or spec.default not in (None, "")
                },
            },
        }
        for p in load_library().values()
    }
    body = doc["paths"]["/v1/execute"]["post"]["requestBody"]["content"]["application/json"]
    body["examples"] = examples
    doc["paths"][WEBHOOK_PATH]["post"]["security"] = []  # signed by GitHub, no token
    return json.dumps(doc, indent=2)
