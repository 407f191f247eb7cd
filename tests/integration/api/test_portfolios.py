"""GET /v1/portfolios and /v1/portfolios/{id}: the caller's portfolios with their ledgers'
latest commits; another owner's is a 404 like one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from dawsos_core.db.connection import Database
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from tests.conftest import ApiResponse
from tests.integration.api.conftest import Execute
from tests.integration.conftest import LedgerRepo

Call = Callable[..., ApiResponse]


def _get(call_api: Call, path: str, sub: str = "alice", **params: str) -> ApiResponse:
    return call_api("execute", "GET", path, sub=sub, path_parameters=params or None)


def test_the_caller_sees_its_own_portfolios_with_the_latest_commit(
    executing: Execute, call_api: Call, setup: tuple[Database, LedgerRepo]
) -> None:
    db, _ = setup
    create_portfolio(
        db, PortfolioSpec(id="m", owner_sub="mallory", account_prefixes=["Assets:Bank"])
    )

    alices = _get(call_api, "/v1/portfolios")
    mallorys = _get(call_api, "/v1/portfolios", sub="mallory")

    assert alices.status == mallorys.status == HTTPStatus.OK, alices.body
    (p,) = alices.body["portfolios"]
    assert (p["id"], p["base_currency"], p["account_prefixes"]) == ("p", "CAD", ["Assets:Broker"])
    assert len(p["latest_commit"]["commit_hash"]) == 40
    assert [q["id"] for q in mallorys.body["portfolios"]] == ["m"]


def test_one_portfolio_is_shown_to_its_owner_only(executing: Execute, call_api: Call) -> None:
    mine = _get(call_api, "/v1/portfolios/p", portfolio_id="p")
    theirs = _get(call_api, "/v1/portfolios/p", sub="mallory", portfolio_id="p")
    missing = _get(call_api, "/v1/portfolios/nope", portfolio_id="nope")
    malformed = _get(call_api, "/v1/portfolios/a;b", portfolio_id="a;b")

    assert mine.status == HTTPStatus.OK, mine.body
    assert mine.body["id"] == "p"
    assert theirs.status == missing.status == HTTPStatus.NOT_FOUND
    assert theirs.body["message"] == "no portfolio p"  # as if it did not exist
    assert malformed.status == HTTPStatus.BAD_REQUEST
