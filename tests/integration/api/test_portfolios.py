"""GET /v1/portfolios and /v1/portfolios/{id}: the caller's portfolios with their ledgers'
latest commits; another owner's is a 404 like one that does not exist. PATCH changes what
changes no valuation; DELETE keeps the history and retires the id (as dawsos_execute)."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest

from dawsos_core.db.connection import Database
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from tests.conftest import ApiResponse
from tests.integration.api.conftest import Execute
from tests.integration.conftest import LedgerRepo, rows

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


def _patch(call_api: Call, body: dict[str, Any], sub: str = "alice") -> ApiResponse:
    return call_api(
        "execute", "PATCH", "/v1/portfolios/p", sub=sub, body=json.dumps(body),
        path_parameters={"portfolio_id": "p"},
    )  # fmt: skip


def _delete(call_api: Call, sub: str = "alice") -> ApiResponse:
    return call_api(
        "execute", "DELETE", "/v1/portfolios/p", sub=sub, path_parameters={"portfolio_id": "p"}
    )


def test_the_owner_renames_a_portfolio_and_replaces_its_benchmarks(
    executing: Execute, call_api: Call
) -> None:
    theirs = _patch(call_api, {"name": "Mallory's now"}, sub="mallory")
    renamed = _patch(call_api, {"name": "Retirement", "benchmarks": ["ACME"]})
    benchmarks_only = _patch(call_api, {"benchmarks": []})
    shown = _get(call_api, "/v1/portfolios/p", portfolio_id="p")

    assert theirs.status == HTTPStatus.NOT_FOUND
    assert theirs.body["message"] == "no portfolio p"
    assert renamed.status == HTTPStatus.OK, renamed.body
    assert (renamed.body["name"], renamed.body["benchmarks"]) == ("Retirement", ["ACME"])
    assert (benchmarks_only.body["name"], benchmarks_only.body["benchmarks"]) == ("Retirement", [])
    assert shown.body == benchmarks_only.body


def test_what_defines_a_portfolio_cannot_be_patched_and_the_refusal_names_it(
    executing: Execute, call_api: Call, database_url: str
) -> None:
    before = rows(database_url, "SELECT * FROM portfolios WHERE id = 'p'")

    rebased = _patch(call_api, {"name": "x", "base_currency": "USD"})
    moved = _patch(call_api, {"account_prefixes": ["Assets"], "ledger_id": "other"})
    empty = _patch(call_api, {})
    unknown = _patch(call_api, {"colour": "red"})

    assert rebased.status == moved.status == empty.status == unknown.status == 400
    assert "base_currency cannot change" in rebased.body["message"], rebased.body
    assert "cut a new portfolio (POST /v1/portfolios)" in rebased.body["message"]
    assert "ledger_id, account_prefixes cannot change" in moved.body["message"], moved.body
    assert "give name or benchmarks" in empty.body["message"], empty.body
    assert "colour" in unknown.body["message"], unknown.body
    assert rows(database_url, "SELECT * FROM portfolios WHERE id = 'p'") == before


def test_a_deleted_portfolio_keeps_its_history_and_its_id_is_not_reused(
    executing: Execute, call_api: Call, database_url: str
) -> None:
    answered = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})
    valuations = rows(database_url, "SELECT count(*) AS n FROM valuations WHERE portfolio_id = 'p'")

    theirs = _delete(call_api, sub="mallory")
    deleted = _delete(call_api)
    listed = _get(call_api, "/v1/portfolios")
    shown = _get(call_api, "/v1/portfolios/p", portfolio_id="p")
    executed = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})
    again = _delete(call_api)
    patched = _patch(call_api, {"name": "back"})
    reused = call_api(
        "execute", "POST", "/v1/portfolios",
        body=json.dumps({"id": "p", "ledger_id": "default", "account_prefixes": ["Assets"]}),
    )  # fmt: skip

    assert answered.status == HTTPStatus.OK, answered.body
    assert theirs.status == HTTPStatus.NOT_FOUND
    assert theirs.body["message"] == "no portfolio p"
    assert deleted.status == HTTPStatus.OK, deleted.body
    assert deleted.body["id"] == "p"
    day = deleted.body["deleted_at"][:10]
    assert listed.body["portfolios"] == []
    gone = f"portfolio p was deleted on {day}"
    for refused in (shown, executed, again, patched):
        assert refused.status == HTTPStatus.NOT_FOUND, refused.body
        assert refused.body["message"].startswith(gone), refused.body
    assert reused.status == HTTPStatus.CONFLICT, reused.body
    assert "a deleted portfolio's id is not reused" in reused.body["message"]
    kept = rows(database_url, "SELECT count(*) AS n FROM valuations WHERE portfolio_id = 'p'")
    assert kept == valuations
    assert valuations[0]["n"] > 0
    stored = rows(database_url, "SELECT portfolio_id FROM executions")
    assert stored == [{"portfolio_id": "p"}]


def test_no_role_removes_a_portfolio_row_or_revives_a_deleted_one(
    executing: Execute, call_api: Call, database_url: str
) -> None:
    import psycopg

    assert _delete(call_api).status == HTTPStatus.OK
    refused = psycopg.errors.IntegrityConstraintViolation
    with psycopg.connect(database_url, autocommit=True) as admin:
        with pytest.raises(refused, match="never removed"):
            admin.execute("DELETE FROM portfolios WHERE id = 'p'")
        with pytest.raises(refused, match="was deleted: it no longer changes"):
            admin.execute("UPDATE portfolios SET deleted_at = NULL WHERE id = 'p'")
        admin.execute(
            "INSERT INTO portfolios (id, owner_sub, account_prefixes)"
            " VALUES ('q', 'alice', '{Assets}')"
        )
        with pytest.raises(refused, match="base currency and creation cannot change"):
            admin.execute("UPDATE portfolios SET base_currency = 'USD' WHERE id = 'q'")


def test_a_deleted_portfolio_is_not_revalued_at_its_ledgers_next_commit(
    executing: Execute, call_api: Call, setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    from dawsos_core.ledger.sync import sync_ledger
    from dawsos_core.valuations import revalue_commit
    from tests.integration.conftest import LEDGER, TODAY

    db, repo = setup
    create_portfolio(
        db, PortfolioSpec(id="kept", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    assert _delete(call_api).status == HTTPStatus.OK
    repo.commit({"main.beancount": LEDGER + "\n; a later commit\n"})
    commit = sync_ledger(db, repo.path).commit_hash

    revalued = revalue_commit(db, commit, "ECB", today=TODAY)

    assert [r.portfolio_id for r in revalued] == ["kept"]
    at_new_commit = rows(
        database_url,
        "SELECT DISTINCT portfolio_id FROM valuations WHERE ledger_commit_hash = %s",
        commit,
    )
    assert at_new_commit == [{"portfolio_id": "kept"}]


def test_an_answer_of_a_deleted_portfolio_still_exports(
    exporting: Callable[..., ApiResponse], executing: Execute, call_api: Call
) -> None:
    """Each function as its own role: the answer and the deletion (execute), the export of
    the stored answer afterwards (export)."""
    answered = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})
    assert _delete(call_api).status == HTTPStatus.OK

    exported = exporting(str(answered.body["execution_id"]), "json")

    assert exported.status == HTTPStatus.OK, exported.body
    assert (exported.body["format"], exported.body["replayed"]) == ("json", False)
    assert exported.body["size_bytes"] > 0
