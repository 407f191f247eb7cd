"""``GET /health/pack``: the real state of the latest pricing pack."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses
from dawsos_core.pricing.health import PackHealth, pack_health
from dawsos_core.pricing.policies import get_policy
from dawsos_core.resources import get_database, get_settings
from dawsos_core.settings import POLICY_NAME_PATTERN

router = APIGatewayHttpRouter()


@router.get(
    "/health/pack",
    summary="State of the latest pricing pack",
    description="status is fresh, warming, error, or none when no pack exists yet.",
    tags=["health"],
    responses=error_responses(400, 401, 503),
)
def get_pack_health(
    policy: Annotated[
        str | None,
        Query(pattern=POLICY_NAME_PATTERN, description="Pricing policy: ECB, BOC or WM4PM"),
    ] = None,
) -> PackHealth:
    caller_sub(router.current_event)
    settings = get_settings()
    chosen = get_policy(policy or settings.pricing_policy)
    return pack_health(get_database(), chosen.name, settings.now())
