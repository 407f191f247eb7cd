"""A loopback HTTP provider that answers by path and by one query parameter, as FRED answers
by ``series_id`` and NewsAPI by ``q`` on one path: each request gets the answer recorded for
its series or symbol, with its real HTTP status, whatever order the client asks in."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class RoutedProvider:
    """Routes: (path, value of the route's query parameter or None) -> (status, body)."""

    url: str = ""
    routes: dict[tuple[str, str | None], tuple[int, bytes]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # path -> the query parameter
    hits: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def serve(
        self, path: str, body: bytes, *, status: int = 200, where: tuple[str, str] | None = None
    ) -> None:
        """Answer ``path`` with ``body``; with ``where=(param, value)`` only the requests
        whose ``param`` is ``value`` (other values fall back to the path's own answer)."""
        if where is None:
            self.routes[(path, None)] = (status, body)
            return
        self.keys[path] = where[0]
        self.routes[(path, where[1])] = (status, body)

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, bytes]:
        key = self.keys.get(path)
        routed = self.routes.get((path, query.get(key))) if key else None
        fallback = (404, b'{"message": "no such route"}')
        return routed or self.routes.get((path, None), fallback)

    def asked(self, path: str, param: str) -> list[str]:
        """The values of ``param`` in the requests for ``path``, in order."""
        return [q.get(param, "") for p, q in self.hits if p == path]

    def query(self, path: str, param: str, value: str) -> dict[str, str]:
        """The query of the (last) request for ``path`` whose ``param`` was ``value``."""
        matches = [q for p, q in self.hits if p == path and q.get(param) == value]
        assert matches, f"no request for {path} with {param}={value}: {self.hits}"
        return matches[-1]


@contextmanager
def routed_provider() -> Iterator[RoutedProvider]:
    fake = RoutedProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            fake.hits.append((parts.path, query))
            status, body = fake.answer(parts.path, query)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
