"""Who is calling: the JWT claims that API Gateway's authorizer verified."""

from __future__ import annotations

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from dawsos_core.errors import Unauthorized
from dawsos_core.observability.telemetry import identify

MAX_SUB_LENGTH = 256


def caller_sub(event: APIGatewayProxyEventV2) -> str:
    """The verified ``sub`` claim; a request without one never reaches domain code."""
    authorizer = event.request_context.authorizer
    claims = authorizer.jwt_claim if authorizer is not None else None
    sub = (claims or {}).get("sub")
    if not sub:
        raise Unauthorized("the request carries no verified subject")
    sub = str(sub)
    if len(sub) > MAX_SUB_LENGTH or not sub.isprintable():
        raise Unauthorized(
            f"the token's subject must be printable text of at most {MAX_SUB_LENGTH} characters"
        )
    identify(sub)
    return sub
