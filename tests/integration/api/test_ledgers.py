"""The ledger management routes and POST /v1/portfolios, as the execute function's own
login role runs them: each owner registers its ledgers, sees only its own with their
commits, and cuts portfolios from them only, valued at once."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from dawsos_core import resources
from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from tests.conftest import ApiResponse
from tests.integration.api.conftest import Execute
from tests.integration.conftest import LEDGER, LedgerRepo

Call = Callable[..., ApiResponse]
SECRETS = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"


def post(call_api: Call, path: str, body: dict[str, Any], sub: str = "alice") -> ApiResponse:
    return call_api("execute", "POST", path, body=json.dumps(body), sub=sub)


def get(call_api: Call, path: str, sub: str = "alice", **params: str) -> ApiResponse:
    return call_api("execute", "GET", path, sub=sub, path_parameters=params or None)


def register(call_api: Call, ledger_id: str, path: Path, sub: str) -> ApiResponse:
    return post(call_api, "/v1/ledgers", {"id": ledger_id, "local_path": str(path)}, sub)


def test_each_owner_registers_ledgers_and_sees_only_its_own(
    executing: Execute, call_api: Call, tmp_path: Path
) -> None:
    alices = register(call_api, "la", tmp_path / "a", "alice")
    mallorys = register(call_api, "lm", tmp_path / "m", "mallory")
    taken = register(call_api, "la", tmp_path / "m", "mallory")

    listed = get(call_api, "/v1/ledgers")
    one = get(call_api, "/v1/ledgers/la", ledger_id="la")
    theirs = get(call_api, "/v1/ledgers/la", sub="mallory", ledger_id="la")

    assert alices.status == mallorys.status == HTTPStatus.CREATED, alices.body
    assert len(alices.body["webhook_secret"]) >= 32
    assert taken.status == HTTPStatus.CONFLICT
    assert taken.body["message"] == "ledger la already exists"
    assert [v["id"] for v in listed.body["ledgers"]] == ["la"]
    assert "webhook_secret" not in listed.body["ledgers"][0]
    assert one.status == HTTPStatus.OK
    assert (one.body["local_path"], one.body["latest_commit"]) == (str(tmp_path / "a"), None)
    assert theirs.status == HTTPStatus.NOT_FOUND
    assert theirs.body["message"] == "no ledger la"


def test_a_registration_names_what_is_wrong(
    executing: Execute, call_api: Call, monkeypatch: pytest.MonkeyPatch
) -> None:
    both = post(
        call_api,
        "/v1/ledgers",
        {"id": "x", "local_path": "/srv/l", "remote_url": "https://example.com/l.git"},
    )
    bad_id = post(call_api, "/v1/ledgers", {"id": "a b", "local_path": "/srv/l"})
    anothers_secret = post(
        call_api,
        "/v1/ledgers",
        {
            "id": "x",
            "remote_url": "https://example.com/l.git",
            "token_secret_arn": f"{SECRETS}dawsos/ledgers/y/token",
        },
    )
    monkeypatch.setenv("ENVIRONMENT", "production")
    resources.reset()
    path_in_production = post(call_api, "/v1/ledgers", {"id": "x", "local_path": "/srv/l"})
    http_in_production = post(
        call_api, "/v1/ledgers", {"id": "x", "remote_url": "http://example.com/l.git"}
    )

    assert both.status == bad_id.status == HTTPStatus.BAD_REQUEST
    assert "give either remote_url or local_path" in both.body["message"]
    assert bad_id.body["message"].startswith("body.id:")
    assert anothers_secret.status == HTTPStatus.BAD_REQUEST
    assert anothers_secret.body["message"].startswith(
        "token_secret_arn: the secret must be named dawsos/ledgers/x/..."
    )
    assert path_in_production.status == http_in_production.status == HTTPStatus.BAD_REQUEST
    assert path_in_production.body["message"] == (
        "local_path: a path is a source only in development, not production"
    )
    assert http_in_production.body["message"] == "remote_url: use https://"


def test_a_portfolio_is_cut_from_the_callers_own_ledger_and_valued_at_once(
    executing: Execute, call_api: Call, setup: tuple[Database, LedgerRepo], tmp_path: Path
) -> None:
    db, _ = setup
    repo = LedgerRepo(tmp_path / "alices")
    repo.commit({"main.beancount": LEDGER + "\n; alice's own\n"})  # not the default's commit
    assert register(call_api, "la", repo.path, "alice").status == HTTPStatus.CREATED
    synced = sync_ledger(db, repo.path, ledger_id="la")
    spec = {"id": "pa", "ledger_id": "la", "account_prefixes": ["Assets:Broker"]}

    created = post(call_api, "/v1/portfolios", spec)
    again = post(call_api, "/v1/portfolios", spec)
    by_another = post(call_api, "/v1/portfolios", {**spec, "id": "pm"}, sub="mallory")
    from_the_operators = post(
        call_api, "/v1/portfolios", {**spec, "id": "pd", "ledger_id": "default"}
    )
    no_account = post(
        call_api, "/v1/portfolios", {**spec, "id": "pn", "account_prefixes": ["Assets:Nope"]}
    )
    not_internal = post(
        call_api, "/v1/portfolios", {**spec, "id": "pi", "internal_prefixes": ["Assets:Bank"]}
    )
    commits = get(call_api, "/v1/ledgers/la/commits", ledger_id="la")
    their_commits = get(call_api, "/v1/ledgers/la/commits", sub="mallory", ledger_id="la")
    answer = executing("portfolio_overview", {"portfolio_id": "pa", "lookback_days": 5})

    assert created.status == HTTPStatus.CREATED, created.body
    assert created.body["portfolio"]["ledger_id"] == "la"
    assert created.body["portfolio"]["latest_commit"]["commit_hash"] == synced.commit_hash
    assert created.body["packs_valued"] == 10
    assert again.status == HTTPStatus.CONFLICT
    assert again.body["message"] == "portfolio pa already exists"
    assert by_another.status == HTTPStatus.NOT_FOUND
    assert by_another.body["message"] == "no ledger la"
    assert from_the_operators.status == HTTPStatus.NOT_FOUND  # no caller sees the operator's
    assert from_the_operators.body["message"] == "no ledger default"
    assert no_account.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "Assets:Nope" in no_account.body["message"]
    assert not_internal.status == HTTPStatus.BAD_REQUEST
    assert not_internal.body["message"].startswith("body.internal_prefixes:")
    assert [c["commit_hash"] for c in commits.body["commits"]] == [synced.commit_hash]
    assert their_commits.status == HTTPStatus.NOT_FOUND
    assert answer.status == HTTPStatus.OK, answer.body
    assert answer.body["provenance"]["ledger_commit_hash"] == synced.commit_hash


def test_a_portfolio_that_cannot_be_valued_is_refused_and_leaves_nothing_behind(
    executing: Execute, call_api: Call, setup: tuple[Database, LedgerRepo], tmp_path: Path
) -> None:
    db, _ = setup
    repo = LedgerRepo(tmp_path / "alices")
    unpriced = (
        '\n2024-06-06 * "Buy a fund the packs never price"\n'
        "  Assets:Broker:FUND          3 FUND {10 USD}\n  Assets:Broker:Cash\n"
    )
    opened = LEDGER.replace(
        "2024-06-01 open Assets:Broker:ACME ACME",
        "2024-06-01 open Assets:Broker:ACME ACME\n2024-06-01 open Assets:Broker:FUND FUND",
    )
    repo.commit({"main.beancount": opened + unpriced})
    assert register(call_api, "la", repo.path, "alice").status == HTTPStatus.CREATED
    sync_ledger(db, repo.path, ledger_id="la")
    spec = {"id": "pa", "ledger_id": "la", "account_prefixes": ["Assets:Broker"]}

    refused = post(call_api, "/v1/portfolios", spec)
    listed = get(call_api, "/v1/portfolios")
    shown = get(call_api, "/v1/portfolios/pa", portfolio_id="pa")

    assert refused.status == HTTPStatus.UNPROCESSABLE_ENTITY, refused.body
    assert refused.body["error"] == "missing_observations"
    assert re.fullmatch(
        r"portfolio pa cannot be valued: FUND has no price in 10 packs, 2024-06-17 to"
        r" 2024-06-28 \(the first PP_ECB_2024-06-17_[0-9a-f]{12}\): add price directives for"
        r" it to the ledger, or use a price source that carries it",
        refused.body["message"],
    ), refused.body["message"]
    assert [p["id"] for p in listed.body["portfolios"]] == ["p"]  # the fixture's only
    assert shown.status == HTTPStatus.NOT_FOUND
    assert shown.body["message"] == "no portfolio pa"
