"""`dawsos serve` as a user runs it: a subprocess on a free port, called over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

DAWSOS = [str(Path(sys.executable).parent / "dawsos")]  # the installed console command


@dataclass
class Served:
    url: str
    data_dir: Path
    process: subprocess.Popen[str]
    output: list[str]

    def token(self, sub: str = "alice", ttl: int = 600) -> str:
        out = subprocess.run(
            [*DAWSOS, "token", "--sub", sub, "--ttl", str(ttl), "--data-dir", str(self.data_dir)],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return out.stdout.strip()


def request(
    url: str, *, method: str = "GET", token: str | None = None, body: bytes | None = None
) -> tuple[int, dict[str, str], Any]:
    req = urllib.request.Request(url, data=body, method=method)  # noqa: S310
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:  # noqa: S310
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("serve") / "data"
    process = subprocess.Popen(
        [*DAWSOS, "serve", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
    )
    url = ""
    assert process.stdout is not None
    deadline = time.monotonic() + 180
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("DAWSOS_URL="):
            url = line.strip().split("=", 1)[1]
            break
    if not url:
        process.kill()
        pytest.fail("dawsos serve did not start:\n" + "".join(lines))
    # Keep reading so serve's request log can never fill the pipe and block it.
    drain = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)  # type: ignore[arg-type]
    drain.start()
    yield Served(url, data_dir, process, lines)
    if process.poll() is None:
        process.kill()
        process.wait()


def test_health_with_a_minted_token(served: Served) -> None:
    status, _, body = request(f"{served.url}/health/pack", token=served.token())

    assert status == HTTPStatus.OK
    assert body["status"] in {"none", "warming", "fresh", "error"}
    assert body["policy"] == "ECB_CAD"


@pytest.mark.parametrize("kind", ["missing", "malformed", "wrong_signature", "expired"])
def test_bad_tokens_are_401(served: Served, kind: str) -> None:
    good = served.token()
    token = {
        "missing": None,
        "malformed": "not-a-token",
        "wrong_signature": good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),
        "expired": served.token(ttl=1),
    }[kind]
    if kind == "expired":
        time.sleep(2.1)

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
    time.sleep(0.2)  # let the drain thread read the last lines
    output = "".join(served.output)

    assert served.process.returncode == 0, output
    assert "Traceback" not in output
    assert "stopped" in output
    if embedded:
        assert not pid_file.exists()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{served.url}/openapi.json", timeout=5)  # noqa: S310
