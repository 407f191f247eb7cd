"""No input produces a server error: schemathesis generates requests from the committed
OpenAPI document, valid and (its negative phase) invalid, and sends them to `dawsos serve`
with a valid token, beside a corpus of hostile inputs (NUL, lone surrogates, deep nesting,
years 1 and 9999, other content types, bodies that are not UTF-8, huge tokens). Over 2,000
requests in all; every answer under 500 but a 503 with Retry-After, and every error a JSON
body naming its code."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from dawsos_local.handlers import OPENAPI_FILE
from tests.e2e.conftest import Served

pytestmark = pytest.mark.e2e

SCHEMA = schemathesis.openapi.from_dict(json.loads(OPENAPI_FILE.read_text()))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
EXAMPLES = {GenerationMode.POSITIVE: 150, GenerationMode.NEGATIVE: 300}


def _acceptable(status: int, headers: Any, text: str) -> None:
    assert status < 500 or status == 503, (status, text[:500])
    if status == 503:
        assert "retry-after" in {name.lower() for name in headers}, text
    if status >= 400:
        body = json.loads(text)
        assert {"error", "message", "request_id"} <= set(body), text


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_generated_request_is_a_server_error(
    served: Served, operation: Any, mode: GenerationMode
) -> None:
    headers = {"Authorization": f"Bearer {served.token(ttl=3600)}"}
    sent: list[int] = []

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=served.url, headers=headers)
        sent.append(response.status_code)
        _acceptable(response.status_code, response.headers, response.text)

    check()
    assert len(sent) >= EXAMPLES[mode] * 0.9, len(sent)  # 5 operations x 450: over 2,000


def _send(
    served: Served, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, Any, str]:
    url = urlsplit(served.url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        conn.close()


def _execute(inputs: dict[str, Any], **extra: Any) -> str:
    return json.dumps({"pattern_id": "portfolio_overview", "inputs": inputs, **extra})


# (method, path, raw body or None, content type or None), each sent as alice
CORPUS: list[tuple[str, str, str | bytes | None, str | None]] = [
    ("POST", "/v1/execute", _execute({"portfolio_id": "p\u0000"}), "application/json"),
    ("POST", "/v1/execute", _execute({"portfolio_id": "p"}, pack_id="P\u0000"), None),
    (
        "POST",
        "/v1/execute",
        '{"pattern_id": "portfolio_overview", "inputs": {"portfolio_id": "\\ud800"}}',
        None,
    ),
    (
        "POST",
        "/v1/execute",
        json.dumps({"pattern_id": "macro_overview", "inputs": {"series": "DGS10\u0000"}}),
        None,
    ),
    ("POST", "/v1/execute", "[" * 5000 + "]" * 5000, None),
    ("POST", "/v1/exports", "{" + '"a":{' * 5000 + "}" * 5001, None),
    (
        "POST",
        "/v1/execute",
        json.dumps(
            {
                "pattern_id": "performance_history",
                "inputs": {"portfolio_id": "p", "start": "0001-01-01", "end": "2024-06-28"},
            }
        ),
        None,
    ),
    (
        "POST",
        "/v1/execute",
        json.dumps(
            {
                "pattern_id": "performance_history",
                "inputs": {"portfolio_id": "p", "start": "2024-01-01", "end": "9999-12-31"},
            }
        ),
        None,
    ),
    ("POST", "/v1/execute", _execute({"portfolio_id": "p"}, require_fresh="no"), None),
    ("POST", "/v1/execute", _execute({"portfolio_id": "p"}), "text/plain"),
    ("POST", "/v1/execute", _execute({"portfolio_id": "p"}), "application/xml"),
    ("POST", "/v1/exports", '{"execution_id": "x"}', "text/plain"),
    ("POST", "/v1/execute", b'{"pattern_id": "\xff\xfe"}', None),
    ("POST", "/v1/execute", "not json", None),
    ("GET", "/v1/exports/%00", None, None),
    ("GET", "/v1/exports/" + "9" * 5000, None, None),
    ("GET", "/v1/patterns?x=%00", None, None),
]


@pytest.mark.parametrize("case", CORPUS, ids=[f"corpus{i}" for i in range(len(CORPUS))])
def test_no_hostile_request_is_a_server_error(
    served: Served, case: tuple[str, str, str | bytes | None, str | None]
) -> None:
    method, path, body, content_type = case
    headers = {"Authorization": f"Bearer {served.token()}"}
    if body is not None:
        headers["Content-Type"] = content_type or "application/json"
    raw = body.encode() if isinstance(body, str) else body

    status, response_headers, text = _send(served, method, path, raw, headers)

    _acceptable(status, response_headers, text)
    assert status != 200, text  # each of these is refused


@pytest.mark.parametrize("token", ["a" * 100_000, "x.y.z", "Bearer"])
def test_huge_or_malformed_tokens_are_refused_with_json(served: Served, token: str) -> None:
    status, headers, text = _send(
        served, "GET", "/v1/patterns", None, {"Authorization": f"Bearer {token}"}
    )

    _acceptable(status, headers, text)
    assert status in (400, 401, 431), text
