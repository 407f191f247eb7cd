"""A local stand-in for API Gateway HTTP API.

Routes come from ``template.yaml``; a route with the JWT authorizer needs a valid bearer
token, whose claims are handed to the function in ``requestContext.authorizer.jwt.claims``;
each request becomes a payload 2.0 event run by the function's worker pool.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from dawsos_local.events import HttpResponse, http_api_event, http_response
from dawsos_local.template import ApiSpec
from dawsos_local.tokens import TokenError, event_claims, verify
from dawsos_local.workers import FunctionPool, InvocationError

log = logging.getLogger("dawsos.gateway")

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's own request limit


def error_response(
    status: HTTPStatus | int, code: str, message: str, request_id: str
) -> HttpResponse:
    body = json.dumps({"error": code, "message": message, "request_id": request_id}).encode()
    return HttpResponse(int(status), [("content-type", "application/json")], body)


class Gateway:
    """Routing, authorization and dispatch; no sockets (the server below adds those)."""

    def __init__(self, api: ApiSpec, pools: dict[str, FunctionPool], jwt_secret: str) -> None:
        self.api = api
        self.pools = pools
        self._secret = jwt_secret

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


class _Handler(BaseHTTPRequestHandler):
    server: GatewayServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.server.gateway.handle(
            self.command, self.path, list(self.headers.items()), body, self.client_address[0]
        )
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        elapsed = (time.perf_counter() - started) * 1000
        log.debug("%s %s -> %d (%.1f ms)", self.command, self.path, response.status, elapsed)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def log_message(self, format: str, *args: Any) -> None:
        return  # one structured line per request is logged in _serve


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, gateway: Gateway, host: str = "127.0.0.1", port: int = 3000) -> None:
        self.gateway = gateway
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
