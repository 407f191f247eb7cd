"""Exports look executions up scoped to the caller: another user's is a 404."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import psycopg
import pytest

from tests.conftest import ApiResponse

Conn = psycopg.Connection[Any]


@pytest.fixture
def execution_of_alice(conn: Conn, database_url: str, api_env: Callable[[str], None]) -> str:
    api_env(database_url)
    execution_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO executions (id, request_id, user_sub, pattern_id) "
        "VALUES (%s, 'r1', 'alice', 'portfolio_overview')",
        (execution_id,),
    )
    return execution_id


def export(call_api: Callable[..., ApiResponse], execution_id: str, sub: str) -> ApiResponse:
    body = json.dumps({"execution_id": execution_id, "format": "csv"})
    return call_api("export", "POST", "/v1/exports", body=body, sub=sub)


def test_other_users_execution_is_not_found(
    execution_of_alice: str, call_api: Callable[..., ApiResponse]
) -> None:
    response = export(call_api, execution_of_alice, "mallory")

    assert response.status == HTTPStatus.NOT_FOUND
    assert response.body["error"] == "not_found"


def test_unknown_execution_is_not_found(
    execution_of_alice: str, call_api: Callable[..., ApiResponse]
) -> None:
    assert export(call_api, str(uuid.uuid4()), "alice").status == HTTPStatus.NOT_FOUND


def test_owners_execution_reaches_the_export_service(
    execution_of_alice: str, call_api: Callable[..., ApiResponse]
) -> None:
    response = export(call_api, execution_of_alice, "alice")

    assert response.status == HTTPStatus.NOT_IMPLEMENTED
    assert response.body["error"] == "not_implemented"


def test_export_link_of_unknown_id_is_not_found(
    execution_of_alice: str, call_api: Callable[..., ApiResponse]
) -> None:
    export_id = str(uuid.uuid4())
    response = call_api(
        "export", "GET", f"/v1/exports/{export_id}", path_parameters={"export_id": export_id}
    )

    assert response.status == HTTPStatus.NOT_FOUND
