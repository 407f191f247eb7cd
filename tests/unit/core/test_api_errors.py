"""Every error the handlers give is JSON {error, message, request_id}; none needs a database."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from tests.conftest import ApiResponse


def assert_error(response: ApiResponse, status: HTTPStatus, code: str) -> None:
    assert response.status == status
    assert set(response.body) == {"error", "message", "request_id"}
    assert response.body["error"] == code
    assert response.body["request_id"]
    assert "Traceback" not in response.body["message"]


def test_unknown_route_is_a_json_404(call_api: Callable[..., ApiResponse]) -> None:
    response = call_api("execute", "GET", "/v1/nothing-here")

    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert "/v1/nothing-here" in response.body["message"]


def test_malformed_json_is_a_400(call_api: Callable[..., ApiResponse]) -> None:
    response = call_api("execute", "POST", "/v1/execute", body='{"pattern_id": ')

    assert_error(response, HTTPStatus.BAD_REQUEST, "malformed_json")


def test_missing_field_is_named(call_api: Callable[..., ApiResponse]) -> None:
    response = call_api("execute", "POST", "/v1/execute", body='{"inputs": {}}')

    assert_error(response, HTTPStatus.BAD_REQUEST, "invalid_request")
    assert "body.pattern_id" in response.body["message"]


def test_ill_typed_field_is_named(call_api: Callable[..., ApiResponse]) -> None:
    response = call_api(
        "execute", "POST", "/v1/execute", body='{"pattern_id": "x", "require_fresh": "maybe"}'
    )

    assert_error(response, HTTPStatus.BAD_REQUEST, "invalid_request")
    assert "require_fresh" in response.body["message"]


def test_request_without_verified_subject_is_a_401(call_api: Callable[..., ApiResponse]) -> None:
    response = call_api("execute", "POST", "/v1/execute", sub=None, body='{"pattern_id": "x"}')

    assert_error(response, HTTPStatus.UNAUTHORIZED, "unauthorized")


def test_unknown_pattern_is_a_404(call_api: Callable[..., ApiResponse]) -> None:
    response = call_api("execute", "POST", "/v1/execute", body='{"pattern_id": "nope"}')

    assert_error(response, HTTPStatus.NOT_FOUND, "not_found")
    assert "nope" in response.body["message"]


def test_body_over_64_kib_is_a_413(call_api: Callable[..., ApiResponse]) -> None:
    big = '{"pattern_id": "portfolio_overview", "inputs": {"pad": "' + "x" * 70_000 + '"}}'

    response = call_api("execute", "POST", "/v1/execute", body=big)

    assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")


def test_malformed_body_over_64_kib_is_a_413_too(call_api: Callable[..., ApiResponse]) -> None:
    response = call_api("execute", "POST", "/v1/execute", body="{" + " " * 70_000)

    assert_error(response, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")


def test_pattern_library_is_listed_with_inputs(call_api: Callable[..., ApiResponse]) -> None:
    response = call_api("execute", "GET", "/v1/patterns")

    assert response.status == HTTPStatus.OK
    by_id = {p["id"]: p for p in response.body["patterns"]}
    assert by_id["portfolio_overview"]["inputs"]["lookback_days"]["default"] == 252
    assert by_id["performance_history"]["inputs"]["start"]["required"] is True


def test_export_with_unsupported_format_is_a_400(call_api: Callable[..., ApiResponse]) -> None:
    body = '{"execution_id": "123e4567-e89b-12d3-a456-426614174000", "format": "docx"}'

    response = call_api("export", "POST", "/v1/exports", body=body)

    assert_error(response, HTTPStatus.BAD_REQUEST, "invalid_request")
    assert "format" in response.body["message"]
