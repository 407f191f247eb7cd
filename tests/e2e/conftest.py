"""`dawsos serve` started as a subprocess on a free port, one per test module."""

from __future__ import annotations

import datetime as dt
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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dawsos_local.browser import DESKTOP, chromium, sign_in, wait_for_view
from dawsos_local.stack import DataDir
from dawsos_local.tokens import mint

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

DAWSOS = [str(Path(sys.executable).parent / "dawsos")]  # the installed console command


@dataclass
class Served:
    url: str
    data_dir: Path
    process: subprocess.Popen[str]
    output: list[str]
    drain: threading.Thread  # appends serve's output to `output` until serve closes it

    def token(self, sub: str = "alice", ttl: int = 600) -> str:
        out = subprocess.run(
            [*DAWSOS, "token", "--sub", sub, "--ttl", str(ttl), "--data-dir", str(self.data_dir)],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return out.stdout.strip()

    def expired_token(self, sub: str = "alice") -> str:
        """A token signed with serve's secret that expired an hour ago: minted in-process as
        of a past time (`dawsos token` mints as of now, so its tokens would have to be waited
        out)."""
        issued = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        return mint(DataDir(self.data_dir).jwt_secret(), sub, ttl_seconds=60, now=issued)


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


def start_serve(data_dir: Path, env: dict[str, str] | None = None) -> Served:
    """`dawsos serve --port 0` on ``data_dir`` (``env`` added to the environment), once it
    prints its URL."""
    process = subprocess.Popen(
        [*DAWSOS, "serve", "--port", "0", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
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
    return Served(url, data_dir, process, lines, drain)


def stop_serve(served: Served) -> None:
    """Stop it as a user does, and check that its embedded Postgres stopped too."""
    process = served.process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # as a user stops it: its Postgres stops too
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    postmaster = served.data_dir / "postgres" / "postmaster.pid"
    assert not postmaster.exists(), "dawsos serve left its embedded Postgres running"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = start_serve(tmp_path_factory.mktemp("serve") / "data")
    yield served
    stop_serve(served)


@dataclass(frozen=True)
class DemoRun:
    data_dir: Path
    returncode: int
    output: str


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """`dawsos demo` run once, as `make demo` runs it: the demo's test reads what it printed,
    the dashboard's test serves what it left in its data dir."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    # Its own embedded server, as on a fresh machine, whatever DATABASE_URL the tests use.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["COLUMNS"] = "200"  # rich wraps at the terminal's width; one line per row here
    done = subprocess.run(
        [*DAWSOS, "demo", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    return DemoRun(data_dir, done.returncode, done.stdout + done.stderr)


@contextmanager
def serving_demo(demo_run: DemoRun, now: str) -> Iterator[Served]:
    """`dawsos serve` on the data the demo left, with the clock pinned at ``now``."""
    assert demo_run.returncode == 0, demo_run.output[-4000:]
    served = start_serve(demo_run.data_dir, {"DAWSOS_NOW": now})
    try:
        yield served
    finally:
        stop_serve(served)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The system's headless Chromium, one for the session."""
    with chromium() as browser:
        yield browser


@contextmanager
def signed_in(
    browser: Browser,
    url: str,
    sub: str | None = "demo",
    *,
    refused: int = 0,
    viewport: ViewportSize = DESKTOP,
) -> Iterator[Page]:
    """A fresh tab signed in through the page as ``sub`` (None: at the sign-in, signed out).
    A script error on it, or a failed load other than the ``refused`` status the test
    provokes, fails the test."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))

    def on_console(message: Any) -> None:
        if message.type == "error" and f"status of {refused} " not in message.text:
            errors.append(f"console: {message.text}")

    page.on("console", on_console)
    try:
        if sub is None:
            page.goto(f"{url}/")
            wait_for_view(page, "sign-in")
        else:
            sign_in(page, url, sub)
        yield page
    finally:
        context.close()
    assert errors == []
