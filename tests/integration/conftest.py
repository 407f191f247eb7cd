"""Ledger repositories for tests: real Git commits (dulwich) of real Beancount files."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from dulwich import porcelain
from psycopg.rows import dict_row

from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio

BEAN_EXAMPLE = Path(sys.executable).parent / "bean-example"


class LedgerRepo:
    """A Git working tree to which a test commits ledger files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        porcelain.init(str(path))

    def commit(self, files: dict[str, str], message: str = "ledger") -> str:
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        porcelain.add(str(self.path), paths=[str(self.path / n) for n in files])
        commit_id = porcelain.commit(
            str(self.path),
            message=message.encode(),
            author=b"Test <test@example.com>",
            committer=b"Test <test@example.com>",
        )
        return commit_id.decode()


@pytest.fixture
def ledger_repo(tmp_path: Path) -> LedgerRepo:
    return LedgerRepo(tmp_path / "ledger")


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(lambda: database_url)
    yield database  # type: ignore[misc]
    database.close()


_GENERATED: dict[tuple[int, str, str], str] = {}


@pytest.fixture(scope="session")
def bean_example() -> Callable[[int, str, str], str]:
    """The text of a `bean-example` ledger for a seed and date range (generated once)."""

    def generate(seed: int, begin: str, end: str) -> str:
        key = (seed, begin, end)
        if key not in _GENERATED:
            out = subprocess.run(
                [
                    str(BEAN_EXAMPLE),
                    "--seed",
                    str(seed),
                    "--date-begin",
                    begin,
                    "--date-end",
                    end,
                    "--date-birth",
                    "1980-05-12",
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            )
            _GENERATED[key] = out.stdout
        return _GENERATED[key]

    return generate


# A small priced ledger shared by the pricing, execute and analytics tests.
FRI = dt.date(2024, 6, 28)
THU = dt.date(2024, 6, 27)
TODAY = dt.date(2024, 7, 1)

LEDGER = textwrap.dedent("""\
    option "operating_currency" "USD"
    2024-06-01 open Assets:Broker:Cash USD
    2024-06-01 open Assets:Broker:ACME ACME
    2024-06-01 open Assets:Bank:Checking USD
    2024-06-01 open Equity:Opening USD

    2024-06-03 * "Opening"
      Assets:Bank:Checking   10000 USD
      Equity:Opening

    2024-06-04 * "Fund"
      Assets:Broker:Cash      5000 USD
      Assets:Bank:Checking

    2024-06-05 * "Buy"
      Assets:Broker:ACME        10 ACME {100 USD}
      Assets:Broker:Cash

    2024-06-17 price ACME 95.00 USD
    2024-06-18 price ACME 95.50 USD
    2024-06-19 price ACME 96.00 USD
    2024-06-20 price ACME 96.50 USD
    2024-06-21 price ACME 97.00 USD
    2024-06-24 price ACME 97.50 USD
    2024-06-25 price ACME 98.00 USD
    2024-06-26 price ACME 101.00 USD
    2024-06-27 price ACME 102.50 USD
    2024-06-28 price ACME 103.25 USD
""")


@pytest.fixture
def setup(db: Database, ledger_repo: LedgerRepo) -> tuple[Database, LedgerRepo]:
    ledger_repo.commit({"main.beancount": LEDGER})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="p", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    return db, ledger_repo


@contextmanager
def synced_database(
    pg_admin_url: str, template_database: str, repo_dir: Path, files: dict[str, str]
) -> Iterator[tuple[Database, str]]:
    """A migrated database of its own, with ``files`` committed into a Git repository at
    ``repo_dir`` and synced; dropped on exit."""
    from dawsos_local.postgres import drop_database, ensure_database
    from tests.conftest import with_database

    name = f"dawsos_m_{uuid.uuid4().hex[:8]}"
    ensure_database(pg_admin_url, name, template=template_database)
    url = with_database(pg_admin_url, name)
    db = Database(lambda: url)
    try:
        repo = LedgerRepo(repo_dir)
        repo.commit(files)
        sync_ledger(db, repo.path)
        yield db, url
    finally:
        db.close()
        drop_database(pg_admin_url, name)


def backfill_ecb(db: Database, start: dt.date, end: dt.date, today: dt.date) -> None:
    """Build an ECB pack for every weekday from ``start`` to ``end``; each must be fresh."""
    from rich.console import Console

    from dawsos_core.calendar import weekdays
    from dawsos_core.pricing.providers.ecb import EcbFx
    from dawsos_local.backfill import backfill_packs

    quiet = Console(file=io.StringIO())
    result = backfill_packs(db, weekdays(start, end), "ECB", fx=EcbFx(), today=today, console=quiet)
    assert result.counts["error"] == 0, [f.error for f in result.failures]


def rows(url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(sql, args).fetchall()


# A local stand-in for provider HTTP APIs, serving recorded responses on 127.0.0.1.
FIXTURES = Path(__file__).parents[1] / "fixtures"


# (status, body, delay seconds), optionally with response headers: (..., {"Retry-After": "7"})
Reply = tuple[int, bytes, float] | tuple[int, bytes, float, dict[str, str]]


@dataclass
class FakeProvider:
    """Routes: path -> list of replies, consumed in order (the last one repeats); or a
    function of the request's path and query answering a reply, for every path under a
    prefix (``answer``), as a provider with state (a rate limit, a range of dates) does."""

    url: str = ""
    routes: dict[str, list[Reply]] = field(default_factory=dict)
    handlers: dict[str, Callable[[str], Reply]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    posted: list[tuple[str, bytes]] = field(default_factory=list)

    def serve(self, path: str, *responses: Reply) -> None:
        self.routes[path] = list(responses)

    def answer(self, prefix: str, handler: Callable[[str], Reply]) -> None:
        self.handlers[prefix] = handler

    def reply(self, target: str) -> Reply:
        path = urlsplit(target).path
        queue = self.routes.get(path)
        if queue:
            return queue.pop(0) if len(queue) > 1 else queue[0]
        for prefix, handler in self.handlers.items():
            if path.startswith(prefix):
                return handler(target)
        return (404, b'{"message": "not found"}', 0.0)


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.hits.append(self.path)
            status, body, delay, *more = fake.reply(self.path)
            headers: dict[str, str] = more[0] if more else {}
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            fake.posted.append((urlsplit(self.path).path, body))
            self.do_GET()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
