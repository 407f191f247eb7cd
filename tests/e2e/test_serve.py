"""`dawsos serve` as a user runs it: a subprocess on a free port, called over HTTP."""

from __future__ import annotations

import os
import signal
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest

from tests.e2e.conftest import Served, request

pytestmark = pytest.mark.e2e


def test_health_with_a_minted_token(served: Served) -> None:
    status, _, body = request(f"{served.url}/health/pack", token=served.token())

    assert status == HTTPStatus.OK
    assert body["status"] in {"none", "warming", "fresh", "error"}
    assert body["policy"] == "ECB"


@pytest.mark.parametrize("kind", ["missing", "malformed", "wrong_signature", "expired"])
def test_bad_tokens_are_401(served: Served, kind: str) -> None:
    good = served.token()
    token = {
        "missing": None,
        "malformed": "not-a-token",
        "wrong_signature": good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),
        "expired": served.expired_token(),
    }[kind]

    status, _, body = request(f"{served.url}/health/pack", token=token)

    assert status == HTTPStatus.UNAUTHORIZED
    assert body["error"] == "unauthorized"
    assert body["request_id"]


def test_unknown_route_is_a_json_404(served: Served) -> None:
    status, _, body = request(f"{served.url}/v2/nowhere", token=served.token())

    assert status == HTTPStatus.NOT_FOUND
    assert set(body) == {"error", "message", "request_id"}


def test_malformed_json_body_is_a_400(served: Served) -> None:
    status, _, body = request(
        f"{served.url}/v1/execute",
        method="POST",
        token=served.token(),
        body=b'{"pattern_id": "portfolio_overview",',
    )

    assert status == HTTPStatus.BAD_REQUEST
    assert body["error"] == "malformed_json"


def test_openapi_needs_no_token(served: Served) -> None:
    status, _, body = request(f"{served.url}/openapi.json")

    assert status == HTTPStatus.OK
    assert "/health/pack" in body["paths"]


def test_concurrent_requests_are_all_answered(served: Served) -> None:
    token = served.token()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(
            pool.map(lambda _: request(f"{served.url}/health/pack", token=token)[0], range(24))
        )

    assert statuses == [HTTPStatus.OK] * 24


def test_ctrl_c_stops_every_part(served: Served) -> None:
    pid_file = served.data_dir / "postgres" / "postmaster.pid"
    embedded = "DATABASE_URL" not in os.environ
    if embedded:
        assert pid_file.exists()

    served.process.send_signal(signal.SIGINT)
    served.process.wait(timeout=60)
    served.drain.join(timeout=60)  # it ends once it has read serve's last line
    assert not served.drain.is_alive(), "serve's output is still open"
    output = "".join(served.output)

    assert served.process.returncode == 0, output
    assert "Traceback" not in output
    assert "stopped" in output
    if embedded:
        assert not pid_file.exists()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{served.url}/openapi.json", timeout=5)  # noqa: S310
