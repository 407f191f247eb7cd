"""No input produces a server error: schemathesis generates requests from the committed
OpenAPI document and sends them to `dawsos serve` with a valid token."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from dawsos_local.handlers import OPENAPI_FILE
from tests.e2e.conftest import Served

pytestmark = pytest.mark.e2e

SCHEMA = schemathesis.openapi.from_dict(json.loads(OPENAPI_FILE.read_text()))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_generated_request_is_a_server_error(served: Served, operation: object) -> None:
    headers = {"Authorization": f"Bearer {served.token(ttl=3600)}"}

    @settings(
        max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy())  # type: ignore[attr-defined]
    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=served.url, headers=headers)
        assert response.status_code not in (500, 502, 504), (case.as_curl_command(), response.text)
        if response.status_code == 503:
            assert "Retry-After" in response.headers
        if response.status_code >= 400:
            body = response.json()
            assert {"error", "message", "request_id"} <= set(body), response.text

    check()
