"""Hostile input is refused at the door, naming what is wrong, and never reaches a 500: NUL
and lone surrogates anywhere, bodies nested 5,000 deep, not UTF-8 or not JSON, strings for
booleans, windows from year 1, too many series, a token's unprintable subject; and one
caller's bad input cannot switch a capability off for another."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest

from tests.conftest import ApiResponse
from tests.integration.api.conftest import Execute

Call = Callable[..., ApiResponse]
OVERVIEW = {"pattern_id": "portfolio_overview", "inputs": {"portfolio_id": "p"}}


def _post(call_api: Call, body: str | bytes, path: str = "/v1/execute", **kw: Any) -> ApiResponse:
    function = "export" if path.startswith("/v1/exports") else "execute"
    return call_api(function, "POST", path, body=body, **kw)


def _refused(response: ApiResponse, status: HTTPStatus, *words: str) -> None:
    assert response.status == status, response.body
    assert {"error", "message", "request_id"} <= set(response.body), response.body
    for word in words:
        assert word in response.body["message"], response.body


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({**OVERVIEW, "inputs": {"portfolio_id": "p\u0000"}}, "body.inputs.portfolio_id"),
        ({**OVERVIEW, "pack_id": "PP\u0000"}, "body.pack_id"),
        (
            {"pattern_id": "macro_overview", "inputs": {"series": "DGS10\u0000"}},
            "body.inputs.series",
        ),
        ({**OVERVIEW, "inputs": {"portfolio_id": "\ud800"}}, "body.inputs.portfolio_id"),
        ({**OVERVIEW, "inputs": {"\u0000": 1}}, "body.inputs key"),
    ],
    ids=["nul-portfolio", "nul-pack", "nul-series", "surrogate", "nul-key"],
)
def test_nul_and_lone_surrogates_are_a_400_naming_the_field(
    executing: Execute, call_api: Call, body: dict[str, Any], where: str
) -> None:
    response = _post(call_api, json.dumps(body))

    _refused(response, HTTPStatus.BAD_REQUEST, where)
    assert response.body["error"] == "invalid_text"


def test_nul_in_a_path_query_or_header_is_a_400(executing: Execute, call_api: Call) -> None:
    in_path = call_api("export", "GET", "/v1/exports/abc%00def")
    in_query = call_api("execute", "GET", "/v1/patterns", query="x=%00")
    in_header = call_api("execute", "GET", "/v1/patterns", headers={"x-note": "a\u0000b"})

    _refused(in_path, HTTPStatus.BAD_REQUEST, "path")
    _refused(in_query, HTTPStatus.BAD_REQUEST, "query.x")
    _refused(in_header, HTTPStatus.BAD_REQUEST, "header x-note")


@pytest.mark.parametrize("path", ["/v1/execute", "/v1/exports"])
def test_json_nested_5000_deep_is_a_400_naming_the_limit(
    executing: Execute, call_api: Call, path: str
) -> None:
    response = _post(call_api, "[" * 5000 + "]" * 5000, path)

    _refused(response, HTTPStatus.BAD_REQUEST, "5000 levels", "at most 32")


def test_deep_brackets_inside_a_string_are_text_not_nesting(
    executing: Execute, call_api: Call
) -> None:
    body = {**OVERVIEW, "inputs": {"portfolio_id": "[" * 100}}

    response = _post(call_api, json.dumps(body))

    assert response.status == HTTPStatus.NOT_FOUND, response.body  # no such portfolio


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", ""])
def test_a_body_that_is_not_json_is_a_415(
    executing: Execute, call_api: Call, content_type: str
) -> None:
    response = _post(call_api, json.dumps(OVERVIEW), headers={"content-type": content_type})

    _refused(response, HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "application/json")


def test_a_body_that_is_not_utf8_is_a_400(executing: Execute, call_api: Call) -> None:
    response = _post(call_api, b'{"pattern_id": "\xff\xfe"}')

    _refused(response, HTTPStatus.BAD_REQUEST, "UTF-8")


def test_a_base64_body_of_utf8_json_is_read_as_json(executing: Execute, call_api: Call) -> None:
    body = json.dumps({**OVERVIEW, "inputs": {"portfolio_id": "p", "lookback_days": 5}})

    response = _post(call_api, body.encode())  # bytes: the event carries them base64-encoded

    assert response.status == HTTPStatus.OK, response.body


@pytest.mark.parametrize(
    ("field", "value"),
    [("require_fresh", "no"), ("require_fresh", 0), ("pack_id", 7), ("packs_as_of", 1)],
)
def test_request_fields_are_strictly_typed(
    executing: Execute, call_api: Call, field: str, value: object
) -> None:
    response = _post(call_api, json.dumps({**OVERVIEW, field: value}))

    _refused(response, HTTPStatus.BAD_REQUEST, field)


@pytest.mark.parametrize(
    ("inputs", "named"),
    [
        ({"portfolio_id": "p", "lookback_days": "5"}, "inputs.lookback_days"),
        ({"portfolio_id": "p", "lookback_days": True}, "inputs.lookback_days"),
        ({"portfolio_id": 7}, "inputs.portfolio_id"),
        ({"portfolio_id": "p" * 300}, "inputs.portfolio_id"),
    ],
)
def test_pattern_inputs_are_strictly_typed(
    executing: Execute, inputs: dict[str, Any], named: str
) -> None:
    _refused(executing("portfolio_overview", inputs), HTTPStatus.BAD_REQUEST, named)


@pytest.mark.parametrize("start", ["0001-01-01", "1990-01-01", 0])
def test_a_window_is_bounded_to_thirty_years(executing: Execute, start: object) -> None:
    window = {"portfolio_id": "p", "start": start, "end": "2024-06-28"}

    response = executing("performance_history", window)

    _refused(response, HTTPStatus.BAD_REQUEST, "start")
    if start != 0:
        assert "30 years" in response.body["message"]


def test_a_window_from_year_9999_is_a_400(executing: Execute) -> None:
    window = {"portfolio_id": "p", "start": "2024-06-17", "end": "9999-12-31"}

    _refused(executing("performance_history", window), HTTPStatus.BAD_REQUEST, "9999-12-31")


def test_series_are_bounded_in_number_and_form(executing: Execute) -> None:
    many = ",".join(f"S{i}" for i in range(21))

    _refused(executing("macro_overview", {"series": many}), HTTPStatus.BAD_REQUEST, "series")
    _refused(executing("macro_overview", {"series": "A B"}), HTTPStatus.BAD_REQUEST, "series")


@pytest.mark.parametrize("sub", ["alice\u0000", "a" * 257, "bob\n"])
def test_a_tokens_unprintable_or_long_subject_is_a_401(executing: Execute, sub: str) -> None:
    response = executing("portfolio_overview", {"portfolio_id": "p"}, sub=sub)

    _refused(response, HTTPStatus.UNAUTHORIZED, "subject")


def test_one_callers_bad_input_cannot_switch_a_capability_off_for_another(
    executing: Execute,
) -> None:
    for _ in range(12):  # more than the breaker's threshold
        bad = executing("macro_overview", {"series": "NOPE"}, sub="mallory")
        assert bad.status == HTTPStatus.UNPROCESSABLE_ENTITY, bad.body

    good = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})
    other = executing("macro_overview", {"series": "NOPE"})

    assert good.status == HTTPStatus.OK, good.body
    assert other.status == HTTPStatus.UNPROCESSABLE_ENTITY  # refused, not "circuit open"
    assert "circuit" not in other.body["message"]


def test_a_caller_over_its_concurrency_gets_a_429_and_no_other_caller_does(
    executing: Execute, database_url: str
) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as other:  # alice's two requests
        for slot in (0, 1):
            other.execute(
                "SELECT pg_advisory_lock(hashtext('dawsos.request:' || %s), %s)", ("alice", slot)
            )
        busy = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})
        others = executing("macro_overview", {"series": "NOPE"}, sub="mallory")
        other.execute("SELECT pg_advisory_unlock_all()")
    after = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})

    _refused(busy, HTTPStatus.TOO_MANY_REQUESTS, "2 requests at once")
    assert busy.headers["Retry-After"] == "1"
    assert others.status == HTTPStatus.UNPROCESSABLE_ENTITY  # answered, not turned away
    assert after.status == HTTPStatus.OK, after.body
