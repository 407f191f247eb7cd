"""``POST``/``GET /v1/portfolios`` and ``GET``/``PATCH``/``DELETE /v1/portfolios/{portfolio_id}``:
the caller cuts portfolios from its own ledgers, sees them with their ledgers' latest
commits, renames them or changes their benchmarks, and deletes them (keeping their
history). Another owner's portfolio is a 404, like one that does not exist."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dawsos_core.api.auth import caller_sub
from dawsos_core.api.errors import describe_validation_errors, error_responses
from dawsos_core.calendar import london_today
from dawsos_core.errors import BadRequest
from dawsos_core.portfolios import (
    AccountPrefix,
    Commodity,
    PortfolioChange,
    PortfolioSpec,
    PortfolioView,
    change_portfolio_of,
    cut_portfolio,
    delete_portfolio_of,
    portfolio_views,
)
from dawsos_core.resources import get_database, get_settings

router = APIGatewayHttpRouter()
PortfolioId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Portfolio id")]


class PortfolioList(BaseModel):
    portfolios: list[PortfolioView]


class PortfolioRequest(BaseModel):
    """A portfolio of the caller's, cut from one of its ledgers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Its id, unique")
    ledger_id: str = Field(
        pattern=r"^[A-Za-z0-9_-]{1,64}$", description="One of the caller's ledgers"
    )
    name: str = Field(default="", max_length=200)
    account_prefixes: list[AccountPrefix] = Field(
        min_length=1, max_length=100, description="Holdings and cash"
    )
    internal_prefixes: list[AccountPrefix] = Field(
        default_factory=list, max_length=100, description="Income and Expenses that are return"
    )
    base_currency: str = Field(default="CAD", pattern=r"^[A-Z]{3}$")
    benchmarks: list[Commodity] = Field(default_factory=list, max_length=10)


class CreatedPortfolio(BaseModel):
    portfolio: PortfolioView
    packs_valued: int = Field(description="The live packs it was valued with at once")


@router.post(
    "/v1/portfolios",
    summary="Cut a portfolio from one of the caller's ledgers",
    description="Every prefix must match an account of the ledger's latest commit; the "
    "portfolio is valued at once with every live pack of the default policy.",
    tags=["portfolios"],
    responses={
        201: {
            "description": "Created and valued",
            "content": {"application/json": {"model": CreatedPortfolio}},
        },
        **error_responses(400, 401, 403, 404, 409, 415, 422, 503),
    },
)
def post_portfolio(request: PortfolioRequest) -> Response[str]:
    from dawsos_core.pricing.policies import get_policy
    from dawsos_core.pricing.sources import fx_currencies
    from dawsos_core.valuations import value_portfolio_in

    sub = caller_sub(router.current_event)
    settings = get_settings()
    policy = get_policy(settings.pricing_policy)
    try:
        spec = PortfolioSpec(owner_sub=sub, **request.model_dump())
    except ValidationError as exc:  # the spec's own rules (internal prefixes, disjointness)
        _, message = describe_validation_errors(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        )
        raise BadRequest(message) from exc
    with get_database().request_transaction(sub) as tx:
        # a savepoint: a refusal (a 4xx, which the request's transaction commits) leaves
        # no portfolio behind that could not be valued
        with tx.transaction():
            record, _ = cut_portfolio(
                tx, spec, caller=sub, currencies=fx_currencies(policy), exists_ok=False
            )
            valued = value_portfolio_in(tx, record, policy.name, london_today(settings.now()))
        (view,) = portfolio_views(tx, sub, record.id)
    body = CreatedPortfolio(portfolio=view, packs_valued=valued)
    return Response(
        HTTPStatus.CREATED.value, content_types.APPLICATION_JSON, body.model_dump_json()
    )


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
def get_portfolio_view(portfolio_id: PortfolioId) -> PortfolioView:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        (view,) = portfolio_views(tx, sub, portfolio_id)
    return view


@router.patch(
    "/v1/portfolios/<portfolio_id>",
    summary="Rename one of the caller's portfolios or change its benchmarks",
    description="Only what changes no valuation may change: name and benchmarks. What "
    "defines a portfolio (ledger, prefixes, base currency) is fixed; naming it is a 400 that "
    "says to cut a new portfolio instead.",
    tags=["portfolios"],
    responses=error_responses(400, 401, 404, 415, 503),
)
def patch_portfolio(portfolio_id: PortfolioId, change: PortfolioChange) -> PortfolioView:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        change_portfolio_of(tx, sub, portfolio_id, change)
        (view,) = portfolio_views(tx, sub, portfolio_id)
    return view


class DeletedPortfolio(BaseModel):
    id: str
    deleted_at: dt.datetime
    kept: str = Field(
        default="its valuations, executions and exports; its id is not reused",
        description="What stays of it",
    )


@router.delete(
    "/v1/portfolios/<portfolio_id>",
    summary="Delete one of the caller's portfolios, keeping its history",
    description="It is no longer listed, executed or valued with new packs; its "
    "valuations, stored answers and exports stay (an export of one of its executions still "
    "works), and its id is not reused.",
    tags=["portfolios"],
    responses=error_responses(400, 401, 404, 503),
)
def delete_portfolio(portfolio_id: PortfolioId) -> DeletedPortfolio:
    sub = caller_sub(router.current_event)
    with get_database().request_transaction(sub) as tx:
        deleted_at = delete_portfolio_of(tx, sub, portfolio_id)
    return DeletedPortfolio(id=portfolio_id, deleted_at=deleted_at)
