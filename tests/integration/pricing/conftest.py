"""A local stand-in for provider HTTP APIs, serving recorded responses on 127.0.0.1."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

FIXTURES = Path(__file__).parents[2] / "fixtures"


@dataclass
class FakeProvider:
    """Routes: path -> list of (status, body, delay seconds), consumed in order."""

    url: str = ""
    routes: dict[str, list[tuple[int, bytes, float]]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def serve(self, path: str, *responses: tuple[int, bytes, float]) -> None:
        self.routes[path] = list(responses)


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            fake.hits.append(self.path)
            queue = fake.routes.get(path) or [(404, b'{"message": "not found"}', 0.0)]
            status, body, delay = queue.pop(0) if len(queue) > 1 else queue[0]
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

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
