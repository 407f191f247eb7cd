"""GET /health/pack reports the real state of the latest pack, read from PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import psycopg
import pytest

from tests.conftest import ApiResponse

Conn = psycopg.Connection[Any]


def add_pack(
    conn: Conn, pack_id: str, date: str, *, policy: str = "ECB", state: str = "warming"
) -> None:
    digest = hashlib.sha256(pack_id.encode()).hexdigest()
    conn.execute(
        "INSERT INTO pricing_packs (id, date, policy, hash) VALUES (%s, %s, %s, %s)",
        (pack_id, date, policy, digest),
    )
    if state == "fresh":
        conn.execute(
            "UPDATE pricing_packs SET reconciliation_passed = true,"
            " reconciliation_error_bps = 0.25, prewarm_done = true,"
            " status = 'fresh', is_fresh = true WHERE id = %s",
            (pack_id,),
        )
    elif state == "error":
        conn.execute(
            "UPDATE pricing_packs SET status = 'error', error_message = %s WHERE id = %s",
            ("no price for VBMPX on 2026-11-23", pack_id),
        )


@pytest.fixture
def health(
    as_functions: Callable[[], None],
    call_api: Callable[..., ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., ApiResponse]:
    monkeypatch.setenv("DAWSOS_NOW", "2026-11-20T18:00:00Z")  # Friday, after the 16:30 cut
    as_functions()
    return lambda query="": call_api("execute", "GET", "/health/pack", query=query)


def test_no_pack_yet_is_status_none(health: Callable[..., ApiResponse]) -> None:
    response = health()

    assert response.status == HTTPStatus.OK
    assert response.body["status"] == "none"
    assert response.body["pack_id"] is None
    assert response.body["policy"] == "ECB"
    assert response.body["expected_date"] == "2026-11-20"


def test_fresh_pack_is_reported_with_its_reconciliation(
    conn: Conn, health: Callable[..., ApiResponse]
) -> None:
    add_pack(conn, "PP_2026-11-20", "2026-11-20", state="fresh")

    body = health().body

    assert body["status"] == "fresh"
    assert body["pack_id"] == "PP_2026-11-20"
    assert body["date"] == "2026-11-20"
    assert body["is_fresh"] is True
    assert body["reconciliation_passed"] is True
    assert body["reconciliation_error_bps"] == pytest.approx(0.25)
    assert body["hash"] == hashlib.sha256(b"PP_2026-11-20").hexdigest()
    assert body["age_seconds"] >= 0


def test_latest_date_wins_even_while_it_is_warming(
    conn: Conn, health: Callable[..., ApiResponse]
) -> None:
    add_pack(conn, "PP_2026-11-19", "2026-11-19", state="fresh")
    add_pack(conn, "PP_2026-11-20", "2026-11-20", state="warming")

    body = health().body

    assert (body["status"], body["pack_id"], body["is_fresh"]) == (
        "warming",
        "PP_2026-11-20",
        False,
    )


def test_failed_pack_reports_its_reason(conn: Conn, health: Callable[..., ApiResponse]) -> None:
    add_pack(conn, "PP_2026-11-20", "2026-11-20", state="error")

    body = health().body

    assert body["status"] == "error"
    assert "VBMPX" in body["error"]


def test_policy_parameter_selects_the_policy(
    conn: Conn, health: Callable[..., ApiResponse]
) -> None:
    add_pack(conn, "PP_ECB", "2026-11-20", state="fresh")
    add_pack(conn, "PP_BOC", "2026-11-20", policy="BOC", state="error")

    assert health("policy=BOC").body["pack_id"] == "PP_BOC"
    assert health("policy=BOC_CAD").body["pack_id"] == "PP_BOC"  # the old name, an alias
    assert health().body["pack_id"] == "PP_ECB"
    unknown = health("policy=ECB_USD")
    assert unknown.status == HTTPStatus.BAD_REQUEST
    assert "unknown pricing policy 'ECB_USD'" in unknown.body["message"]


def test_yesterdays_pack_is_not_the_expected_one(
    conn: Conn, health: Callable[..., ApiResponse]
) -> None:
    add_pack(conn, "PP_2026-11-19", "2026-11-19", state="fresh")

    body = health().body

    assert (body["status"], body["pack_id"]) == ("none", None)
    assert (body["last_fresh_pack_id"], body["last_fresh_date"]) == ("PP_2026-11-19", "2026-11-19")


def test_restatement_in_progress_keeps_the_fresh_pack_current(
    conn: Conn, health: Callable[..., ApiResponse]
) -> None:
    add_pack(conn, "PP_old", "2026-11-20", state="fresh")
    add_pack(conn, "PP_new", "2026-11-20", state="warming")

    body = health().body

    assert (body["status"], body["pack_id"]) == ("fresh", "PP_old")


def test_invalid_policy_is_a_400_naming_it(health: Callable[..., ApiResponse]) -> None:
    response = health("policy=drop%20table")

    assert response.status == HTTPStatus.BAD_REQUEST
    assert "policy" in response.body["message"]


def test_openapi_document_is_served_and_committed(
    call_api: Callable[..., ApiResponse], repo_root: Any
) -> None:
    response = call_api("execute", "GET", "/openapi.json", sub=None)
    committed = (repo_root / "functions" / "execute" / "openapi.json").read_text()

    assert response.status == HTTPStatus.OK
    assert response.body["openapi"].startswith("3.1")
    assert response.body == __import__("json").loads(committed), (
        "the API changed: run `dawsos openapi` and commit functions/execute/openapi.json"
    )


def test_every_pattern_has_a_request_example_its_inputs_accept(
    call_api: Callable[..., ApiResponse],
) -> None:
    from dawsos_core.orchestration.patterns import load_library

    response = call_api("execute", "GET", "/openapi.json", sub=None)
    body = response.body["paths"]["/v1/execute"]["post"]["requestBody"]
    examples = body["content"]["application/json"]["examples"]
    library = load_library()

    assert set(examples) == set(library)
    for pattern_id, example in examples.items():
        assert example["value"]["pattern_id"] == pattern_id
        library[pattern_id].validate_inputs(example["value"]["inputs"])  # a 400 would raise
