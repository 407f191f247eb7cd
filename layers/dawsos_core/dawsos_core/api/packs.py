"""``GET /v1/packs`` and ``GET /v1/packs/{pack_id}``: the pricing packs, and one pack's
prices and FX fixings as the caller may see them (``pricing.listing``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses
from dawsos_core.calendar import expected_pack_date
from dawsos_core.pricing.listing import (
    MAX_LISTED,
    PackContent,
    PackList,
    listed_packs,
    pack_content,
)
from dawsos_core.resources import get_database, get_settings
from dawsos_core.settings import POLICY_NAME_PATTERN

router = APIGatewayHttpRouter()


@router.get(
    "/v1/packs",
    summary="List pricing packs",
    description="The newest first: live, superseded and failed packs alike.",
    tags=["packs"],
    responses=error_responses(400, 401, 503),
)
def get_packs(
    policy: Annotated[
        str | None, Query(pattern=POLICY_NAME_PATTERN, description="ECB, BOC or WM4PM")
    ] = None,
    start: Annotated[dt.date | None, Query(alias="from", description="First date")] = None,
    end: Annotated[dt.date | None, Query(alias="to", description="Last date")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LISTED, description="At most this many")] = 50,
) -> PackList:
    sub = caller_sub(router.current_event)
    expected = expected_pack_date(get_settings().now())
    with get_database().request_transaction(sub) as tx:
        return listed_packs(tx, policy=policy, start=start, end=end, limit=limit, expected=expected)


@router.get(
    "/v1/packs/<pack_id>",
    summary="One pricing pack with its prices and FX fixings",
    description="Prices only of the commodities the caller's ledgers post or its portfolios "
    "name as benchmarks; every fixing, as its source quotes it.",
    tags=["packs"],
    responses=error_responses(400, 401, 403, 404, 503),
)
def get_pack(
    pack_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,80}$", description="Pack id")],
) -> PackContent:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        return pack_content(tx, pack_id, user_sub=sub, environment=get_settings().environment)
