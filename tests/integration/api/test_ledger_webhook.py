"""Ingestion without a shared file system, end to end on loopback: a ledger's repository
is served over HTTP by dulwich, its owner registers it (execute function, as its role), a
push GitHub would sign reaches the webhook (pack builder function, as its role), which
fetches, syncs and re-values the pushed commit so that the next answer names it. A forged
or missing signature syncs nothing; a commit with Beancount errors is refused naming each;
two owners never see each other's ledgers, commits, portfolios or answers."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from dulwich.repo import Repo
from dulwich.server import DictBackend
from dulwich.web import WSGIRequestHandlerLogger, WSGIServerLogger, make_wsgi_chain

from tests.conftest import ApiResponse
from tests.integration.api.conftest import Execute
from tests.integration.conftest import LEDGER, LedgerRepo

Call = Callable[..., ApiResponse]
REF = "refs/heads/master"  # dulwich's default branch
NEW_TRADE = """
2024-06-20 * "Buy more"
  Assets:Broker:ACME         5 ACME {96 USD}
  Assets:Broker:Cash
"""
UNBALANCED = """
2024-06-21 * "Typo"
  Assets:Broker:Cash        10 USD
  Assets:Bank:Checking      -5 USD

2024-06-22 * "Unknown account"
  Assets:Nowhere            1 USD
  Assets:Bank:Checking
"""


@pytest.fixture
def git_server(tmp_path: Path) -> Iterator[tuple[LedgerRepo, str]]:
    """Alice's ledger repository, served by dulwich's smart HTTP server on loopback."""
    repo = LedgerRepo(tmp_path / "alices-ledger")
    repo.commit({"main.beancount": LEDGER + "\n; alice's\n"})
    backend = DictBackend({"/": Repo(str(repo.path))})
    server = make_server(
        "127.0.0.1",
        0,
        make_wsgi_chain(backend),
        handler_class=WSGIRequestHandlerLogger,
        server_class=WSGIServerLogger,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield repo, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def api(
    executing: Execute,
    logins: dict[str, str],
    api_env: Callable[[str], None],
    call_api: Call,
) -> Callable[..., ApiResponse]:
    """Call a function logged in as its own role: ``api(function, method, path, ...)``."""

    def call(function: str, method: str, path: str, **kwargs: Any) -> ApiResponse:
        api_env(logins[function])
        return call_api(function, method, path, **kwargs)

    return call


def signed(secret: str, payload: dict[str, Any]) -> tuple[str, dict[str, str]]:
    body = json.dumps(payload)
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
    return body, {"x-hub-signature-256": f"sha256={digest}", "x-github-event": "push"}


def webhook(
    api: Callable[..., ApiResponse], ledger: str, body: str, headers: dict[str, str]
) -> ApiResponse:
    return api(
        "pack_builder",
        "POST",
        f"/v1/ledgers/{ledger}/webhook",
        sub=None,
        body=body,
        headers=headers,
        path_parameters={"ledger_id": ledger},
    )


def overview(api: Callable[..., ApiResponse], portfolio: str, sub: str = "alice") -> ApiResponse:
    """POST /v1/execute: the portfolio's overview over the packs' last week."""
    inputs = {"portfolio_id": portfolio, "lookback_days": 5}
    body = json.dumps({"pattern_id": "portfolio_overview", "inputs": inputs})
    return api("execute", "POST", "/v1/execute", sub=sub, body=body)


def register_remote(api: Callable[..., ApiResponse], url: str) -> ApiResponse:
    """Alice registers ledger la, the loopback server's repository, as its remote."""
    return api(
        "execute",
        "POST",
        "/v1/ledgers",
        body=json.dumps({"id": "la", "remote_url": url, "remote_ref": REF}),
    )


def commits(api: Callable[..., ApiResponse], ledger: str, sub: str = "alice") -> ApiResponse:
    return api(
        "execute", "GET", f"/v1/ledgers/{ledger}/commits", sub=sub,
        path_parameters={"ledger_id": ledger},
    )  # fmt: skip


def test_a_signed_push_is_synced_and_the_next_answer_names_it(
    api: Callable[..., ApiResponse], git_server: tuple[LedgerRepo, str]
) -> None:
    repo, url = git_server
    registered = register_remote(api, url)
    secret = registered.body["webhook_secret"]
    first = api("pack_builder", "POST", "/v1/ledgers/la/sync", path_parameters={"ledger_id": "la"})
    cut = api(
        "execute", "POST", "/v1/portfolios",
        body=json.dumps({"id": "pa", "ledger_id": "la", "account_prefixes": ["Assets:Broker"]}),
    )  # fmt: skip
    pushed = repo.commit({"main.beancount": LEDGER + "\n; alice's\n" + NEW_TRADE})

    synced = webhook(api, "la", *signed(secret, {"ref": REF, "after": pushed}))
    answer = overview(api, "pa")

    assert registered.status == HTTPStatus.CREATED, registered.body
    assert first.status == HTTPStatus.OK, first.body
    assert first.body["outcome"] == "synced"
    assert cut.status == HTTPStatus.CREATED, cut.body
    assert synced.status == HTTPStatus.OK, synced.body
    assert (synced.body["outcome"], synced.body["commit_hash"]) == ("synced", pushed)
    assert [r["portfolio_id"] for r in synced.body["revalued"]] == ["pa"]
    assert answer.status == HTTPStatus.OK, answer.body
    assert answer.body["provenance"]["ledger_commit_hash"] == pushed
    assert commits(api, "la").body["commits"][0]["commit_hash"] == pushed


def test_a_forged_or_missing_signature_is_refused_and_nothing_is_synced(
    api: Callable[..., ApiResponse], git_server: tuple[LedgerRepo, str]
) -> None:
    repo, url = git_server
    register_remote(api, url)
    pushed = repo.commit({"main.beancount": LEDGER + NEW_TRADE})
    body, headers = signed("not-the-ledgers-secret", {"ref": REF, "after": pushed})

    forged = webhook(api, "la", body, headers)
    missing = webhook(api, "la", body, {"x-github-event": "push"})
    unknown = webhook(api, "nope", body, headers)

    assert forged.status == missing.status == unknown.status == HTTPStatus.UNAUTHORIZED
    assert forged.body["error"] == "unauthorized"
    assert "X-Hub-Signature-256" in forged.body["message"]
    assert commits(api, "la").body["commits"] == []


def test_a_commit_with_beancount_errors_is_refused_naming_each(
    api: Callable[..., ApiResponse], git_server: tuple[LedgerRepo, str]
) -> None:
    repo, url = git_server
    registered = register_remote(api, url)
    pushed = repo.commit({"main.beancount": LEDGER + UNBALANCED})

    refused = webhook(
        api, "la", *signed(registered.body["webhook_secret"], {"ref": REF, "after": pushed})
    )

    assert refused.status == HTTPStatus.UNPROCESSABLE_ENTITY, refused.body
    assert refused.body["error"] == "ledger_invalid"
    issues = refused.body["issues"]
    assert len(issues) == 2, issues
    assert any("Typo" in i or "balance" in i.lower() for i in issues), issues
    assert any("Assets:Nowhere" in i for i in issues), issues
    assert commits(api, "la").body["commits"] == []


def test_two_owners_never_see_each_others_ledgers_commits_portfolios_or_answers(
    api: Callable[..., ApiResponse],
    git_server: tuple[LedgerRepo, str],
    tmp_path: Path,
) -> None:
    _, url = git_server
    theirs = LedgerRepo(tmp_path / "mallorys-ledger")
    theirs.commit({"main.beancount": LEDGER + "\n; mallory's\n"})
    for sub, spec in (
        ("alice", {"id": "la", "remote_url": url, "remote_ref": REF}),
        ("mallory", {"id": "lm", "local_path": str(theirs.path)}),
    ):
        ledger = spec["id"]
        assert api("execute", "POST", "/v1/ledgers", sub=sub, body=json.dumps(spec)).status == 201
        sync = api("pack_builder", "POST", f"/v1/ledgers/{ledger}/sync", sub=sub,
                   path_parameters={"ledger_id": ledger})  # fmt: skip
        assert sync.status == HTTPStatus.OK, sync.body
        portfolio = {"id": f"p{sub[0]}", "ledger_id": ledger, "account_prefixes": ["Assets:Broker"]}
        cut = api("execute", "POST", "/v1/portfolios", sub=sub, body=json.dumps(portfolio))
        assert cut.status == HTTPStatus.CREATED, cut.body

    listed = api("execute", "GET", "/v1/ledgers", sub="mallory").body["ledgers"]
    their_commits = commits(api, "la", sub="mallory")
    their_sync = api("pack_builder", "POST", "/v1/ledgers/la/sync", sub="mallory",
                     path_parameters={"ledger_id": "la"})  # fmt: skip
    portfolios = api("execute", "GET", "/v1/portfolios", sub="mallory").body["portfolios"]
    their_answer = overview(api, "pa", sub="mallory")
    own_answer = overview(api, "pm", sub="mallory")
    alices_of_theirs = overview(api, "pm")

    assert [v["id"] for v in listed] == ["lm"]
    assert their_commits.status == their_sync.status == HTTPStatus.NOT_FOUND
    assert their_sync.body["message"] == "no ledger la"
    assert [p["id"] for p in portfolios] == ["pm"]
    assert their_answer.status == alices_of_theirs.status == HTTPStatus.NOT_FOUND
    assert own_answer.status == HTTPStatus.OK, own_answer.body


def test_a_ping_another_ref_or_a_deleted_branch_syncs_nothing(
    api: Callable[..., ApiResponse], git_server: tuple[LedgerRepo, str]
) -> None:
    _, url = git_server
    registered = register_remote(api, url)
    secret = registered.body["webhook_secret"]
    body, headers = signed(secret, {"zen": "Keep it logically awesome."})
    other_ref = signed(secret, {"ref": "refs/heads/wip", "after": "b" * 40})
    deleted = signed(secret, {"ref": REF, "after": "0" * 40})

    pong = webhook(api, "la", body, {**headers, "x-github-event": "ping"})
    elsewhere = webhook(api, "la", *other_ref)
    gone = webhook(api, "la", *deleted)

    assert pong.status == elsewhere.status == gone.status == HTTPStatus.OK, pong.body
    assert pong.body["outcome"] == "pong"
    assert (elsewhere.body["outcome"], elsewhere.body["reason"]) == (
        "ignored",
        f"a push to refs/heads/wip, not to {REF}",
    )
    assert gone.body["reason"] == f"{REF} was deleted"
    assert commits(api, "la").body["commits"] == []


def test_the_scheduled_sync_syncs_each_ledger_at_its_tip_and_names_each_failure(
    api: Callable[..., ApiResponse],
    git_server: tuple[LedgerRepo, str],
    logins: dict[str, str],
    api_env: Callable[[str], None],
    tmp_path: Path,
) -> None:
    """The pack builder's scheduled ``sync_ledgers`` event, as its role: Alice's remote is
    synced and her portfolio re-valued; Mallory's ledger with Beancount errors and Bob's
    unreachable remote fail, each named with its cause, and write nothing; a second run
    finds Alice's tip synced already."""
    from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler

    pack_builder = load_handler(FUNCTIONS_DIR / "pack_builder" / "app.py")
    repo, url = git_server
    broken = LedgerRepo(tmp_path / "mallorys-ledger")
    broken.commit({"main.beancount": LEDGER + UNBALANCED})
    for sub, spec in (
        ("alice", {"id": "la", "remote_url": url, "remote_ref": REF}),
        ("bob", {"id": "lb", "remote_url": "http://127.0.0.1:9/gone.git"}),
        ("mallory", {"id": "lm", "local_path": str(broken.path)}),
    ):
        assert api("execute", "POST", "/v1/ledgers", sub=sub, body=json.dumps(spec)).status == 201
    api("pack_builder", "POST", "/v1/ledgers/la/sync", path_parameters={"ledger_id": "la"})
    cut = api(
        "execute", "POST", "/v1/portfolios",
        body=json.dumps({"id": "pa", "ledger_id": "la", "account_prefixes": ["Assets:Broker"]}),
    )  # fmt: skip
    assert cut.status == HTTPStatus.CREATED, cut.body
    pushed = repo.commit({"main.beancount": LEDGER + "\n; alice's\n" + NEW_TRADE})  # no webhook
    api_env(logins["pack_builder"])
    scheduled = {"action": "sync_ledgers"}  # the LedgerSchedule event's input

    first = pack_builder(scheduled, LambdaContext("pack_builder"))
    again = pack_builder(scheduled, LambdaContext("pack_builder"))

    by_ledger = {o["ledger_id"]: o for o in first["ledgers"]}
    assert list(by_ledger) == ["la", "lb", "lm"]  # the operator's default has no source
    assert (by_ledger["la"]["outcome"], by_ledger["la"]["commit_hash"]) == ("synced", pushed)
    assert by_ledger["la"]["portfolios"] == 1
    assert by_ledger["la"]["packs_valued"] > 0
    assert (by_ledger["lb"]["outcome"], by_ledger["lb"]["error"]) == ("failed", "ledger_source")
    assert by_ledger["lb"]["message"].startswith("cannot fetch http://127.0.0.1:9/gone.git")
    assert (by_ledger["lm"]["outcome"], by_ledger["lm"]["error"]) == ("failed", "ledger_invalid")
    assert "Assets:Nowhere" in by_ledger["lm"]["message"]
    assert first["failed"] == 2
    assert [(o["ledger_id"], o["outcome"]) for o in again["ledgers"]] == [
        ("la", "already_synced"), ("lb", "failed"), ("lm", "failed"),
    ]  # fmt: skip
    assert overview(api, "pa").body["provenance"]["ledger_commit_hash"] == pushed
    assert commits(api, "lm", sub="mallory").body["commits"] == []


def test_a_gitlab_push_with_the_ledgers_token_is_synced_and_a_wrong_token_is_refused(
    api: Callable[..., ApiResponse], git_server: tuple[LedgerRepo, str]
) -> None:
    """GitLab sends the webhook secret itself as X-Gitlab-Token, and the push as
    X-Gitlab-Event "Push Hook" with the same ref and after fields as GitHub's."""
    repo, url = git_server
    registered = register_remote(api, url)
    secret = registered.body["webhook_secret"]
    pushed = repo.commit({"main.beancount": LEDGER + "\n; alice's\n" + NEW_TRADE})
    push = json.dumps({"object_kind": "push", "ref": REF, "after": pushed})
    hook = {"x-gitlab-event": "Push Hook"}

    wrong = webhook(api, "la", push, {**hook, "x-gitlab-token": secret[:-1] + "x"})
    tag = webhook(api, "la", push, {"x-gitlab-event": "Tag Push Hook", "x-gitlab-token": secret})
    before = commits(api, "la").body["commits"]
    synced = webhook(api, "la", push, {**hook, "x-gitlab-token": secret})

    assert wrong.status == HTTPStatus.UNAUTHORIZED
    assert "X-Gitlab-Token" in wrong.body["message"]
    assert (tag.status, tag.body["outcome"]) == (HTTPStatus.OK, "ignored")
    assert tag.body["reason"] == "event 'Tag Push Hook'"
    assert before == []
    assert synced.status == HTTPStatus.OK, synced.body
    assert (synced.body["outcome"], synced.body["commit_hash"]) == ("synced", pushed)
    assert commits(api, "la").body["commits"][0]["commit_hash"] == pushed
