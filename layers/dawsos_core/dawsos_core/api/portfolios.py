"""``GET /v1/portfolios`` and ``GET /v1/portfolios/{portfolio_id}``: the caller's
portfolios with their ledgers' latest commits. Another owner's portfolio is a 404, like one
that does not exist."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import error_responses
from dawsos_core.portfolios import PortfolioView, portfolio_views
from dawsos_core.resources import get_database

router = APIGatewayHttpRouter()


class PortfolioList(BaseModel):
    portfolios: list[PortfolioView]


@router.get(
    "/v1/portfolios",
    summary="List the caller's portfolios",
    tags=["portfolios"],
    responses=error_responses(401, 503),
)
def get_portfolios() -> PortfolioList:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        return PortfolioList(portfolios=portfolio_views(tx, sub))


@router.get(
    "/v1/portfolios/<portfolio_id>",
    summary="One of the caller's portfolios",
    tags=["portfolios"],
    responses=error_responses(400, 401, 404, 503),
)
def get_portfolio_view(
    portfolio_id: Annotated[
        str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Portfolio id")
    ],
) -> PortfolioView:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        (view,) = portfolio_views(tx, sub, portfolio_id)
    return view
