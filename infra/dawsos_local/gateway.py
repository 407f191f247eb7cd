"""A local stand-in for API Gateway HTTP API.

Routes come from ``template.yaml``; a route with the JWT authorizer needs a valid bearer
token, whose claims are handed to the function in ``requestContext.authorizer.jwt.claims``;
each request becomes a payload 2.0 event run by the function's worker pool.

Whatever goes wrong with a request, the answer is JSON ``{"error", "message",
"request_id"}``: a request the server cannot frame (a Content-Length that is not a
non-negative integer, or more than the body that arrives within the read timeout) is a
400, headers over http.server's limits (a line over 64 KiB, over 100 headers) a 431, and
the connection is then closed, since where the next request would start is unknown.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
import uuid
from contextlib import suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from dawsos_local.dashboard import LocalSite
from dawsos_local.events import HttpResponse, http_api_event, http_response
from dawsos_local.template import ApiSpec
from dawsos_local.tokens import TokenError, event_claims, verify
from dawsos_local.workers import FunctionPool, InvocationError

log = logging.getLogger("dawsos.gateway")

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's own request limit
READ_TIMEOUT_SECONDS = 10.0  # silent this long mid-request: answered, closed (idle: closed)
_LINGER_SECONDS, _LINGER_BYTES = 2.0, 1024 * 1024  # unread input drained before closing
_DIGITS = re.compile(r"[0-9]+")
# Codes for what http.server refuses itself; any other status is named by its phrase.
_SERVER_ERROR_CODES = {
    HTTPStatus.BAD_REQUEST: "bad_request",
    HTTPStatus.REQUEST_URI_TOO_LONG: "uri_too_long",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "headers_too_large",
}


def error_response(
    status: HTTPStatus | int, code: str, message: str, request_id: str
) -> HttpResponse:
    body = json.dumps({"error": code, "message": message, "request_id": request_id}).encode()
    return HttpResponse(int(status), [("content-type", "application/json")], body)


class Gateway:
    """Routing, authorization and dispatch; no sockets (the server below adds those).

    With ``dashboard``, a request that no API route takes is offered to it: the dashboard's
    static files and the local sign-in (an API route always wins)."""

    def __init__(
        self,
        api: ApiSpec,
        pools: dict[str, FunctionPool],
        jwt_secret: str,
        *,
        dashboard: bool = False,
    ) -> None:
        self.api = api
        self.pools = pools
        self._secret = jwt_secret
        self.site = LocalSite(jwt_secret, error_response) if dashboard else None

    def handle(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        source_ip: str = "127.0.0.1",
    ) -> HttpResponse:
        request_id = str(uuid.uuid4())
        parts = urlsplit(target)
        if len(body) > MAX_PAYLOAD_BYTES:
            return error_response(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "payload_too_large",
                "request body over 10 MiB",
                request_id,
            )
        found = self.api.resolve(method, parts.path)
        if found is None and self.site is not None:
            served = self.site.handle(method, parts.path, body, request_id)
            if served is not None:
                return served
        if found is None:
            return error_response(
                HTTPStatus.NOT_FOUND, "not_found", f"no route for {method} {parts.path}", request_id
            )
        route, path_params = found
        claims: dict[str, str] | None = None
        if route.requires_auth:
            authorization = next((v for k, v in headers if k.lower() == "authorization"), None)
            try:
                claims = event_claims(verify(self._secret, authorization))
            except TokenError as exc:
                return error_response(HTTPStatus.UNAUTHORIZED, "unauthorized", str(exc), request_id)
        event = http_api_event(
            method,
            parts.path,
            query_string=parts.query,
            headers=headers,
            body=body if body else None,
            route_key=route.route_key,
            path_parameters=path_params,
            claims=claims,
            request_id=request_id,
            source_ip=source_ip,
        )
        try:
            result = self.pools[route.function].invoke(event)
        except InvocationError as exc:
            log.error("%s %s: %s", method, parts.path, exc.message)
            return error_response(
                exc.status,
                "bad_gateway" if exc.status == 502 else "timeout",
                exc.message,
                request_id,
            )
        return http_response(result)


class _FramingError(Exception):
    """The request's body cannot be framed: answered with ``response``, then closed."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status)
        self.response = response


class _Handler(BaseHTTPRequestHandler):
    server: GatewayServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.read_timeout_seconds)

    def _body(self) -> bytes:
        """The body as Content-Length frames it; _FramingError when it cannot be framed."""
        request_id = str(uuid.uuid4())

        def refuse(status: HTTPStatus, code: str, message: str) -> _FramingError:
            return _FramingError(error_response(status, code, message, request_id))

        if self.headers.get("Transfer-Encoding") is not None:
            raise refuse(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                "Transfer-Encoding is not supported: send the body with a Content-Length",
            )
        values = {v.strip() for v in self.headers.get_all("Content-Length") or []}
        if not values:
            return b""
        if len(values) > 1:
            raise refuse(
                HTTPStatus.BAD_REQUEST, "bad_request", "Content-Length is given twice, differently"
            )
        (value,) = values
        if not _DIGITS.fullmatch(value):
            raise refuse(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                f"Content-Length must be a non-negative integer, not {value[:40]!r}",
            )
        length = int(value)
        if length > MAX_PAYLOAD_BYTES:
            raise refuse(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", "request body over 10 MiB"
            )
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            raise refuse(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                f"the body is shorter than its Content-Length of {length} bytes: no more of it"
                f" arrived within {self.server.read_timeout_seconds:g} s",
            ) from None
        if len(body) < length:
            raise refuse(
                HTTPStatus.BAD_REQUEST,
                "bad_request",
                f"the body ended after {len(body)} bytes, before its Content-Length of {length}",
            )
        return body

    def _send(self, response: HttpResponse, *, close: bool = False) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _linger(self) -> None:
        """Close after an answer the client may still be sending into: stop writing, then
        drain what it sends for a moment, so the close is a FIN the client reads the answer
        before, not a reset that can discard it."""
        with suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(_LINGER_SECONDS)
            drained = 0
            while drained < _LINGER_BYTES and (chunk := self.connection.recv(65536)):
                drained += len(chunk)

    def _serve(self) -> None:
        started = time.perf_counter()
        try:
            body = self._body()
        except _FramingError as refused:
            status = refused.response.status
            log.info("%s %s -> %d (framing)", self.command, self.path, status)
            self._send(refused.response, close=True)
            self._linger()
            return
        response = self.server.gateway.handle(
            self.command, self.path, list(self.headers.items()), body, self.client_address[0]
        )
        self._send(response)
        elapsed = (time.perf_counter() - started) * 1000
        log.debug("%s %s -> %d (%.1f ms)", self.command, self.path, response.status, elapsed)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What http.server refuses before a request reaches the gateway (a request line or
        header too long, too many headers, a malformed request line), answered as the
        gateway answers: JSON, then the connection closes."""
        status = HTTPStatus(code)
        name = _SERVER_ERROR_CODES.get(status, status.phrase.lower().replace(" ", "_"))
        text = ": ".join(part for part in (message or status.phrase, explain) if part)
        log.info("%s -> %d: %s", (self.requestline or "(no request line)")[:80], code, text)
        self._send(error_response(status, name, text, str(uuid.uuid4())), close=True)
        self._linger()

    def log_message(self, format: str, *args: Any) -> None:
        return  # one structured line per request is logged in _serve


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        gateway: Gateway,
        host: str = "127.0.0.1",
        port: int = 3000,
        *,
        read_timeout_seconds: float = READ_TIMEOUT_SECONDS,
    ) -> None:
        self.gateway = gateway
        self.read_timeout_seconds = read_timeout_seconds
        super().__init__((host, port), _Handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
