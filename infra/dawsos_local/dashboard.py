"""The dashboard's static files, served by the local gateway at ``/``, and its local sign-in.

In AWS the same files are served by CloudFront from a private bucket, next to a
``config.json`` that the deploy writes; locally this module answers ``/config.json`` itself,
naming the same origin as the API and the local sign-in as the auth mode.

``POST /local/sign-in {"sub": USER}`` mints a token for any user with the data dir's secret:
it exists only here, in the local gateway, never in template.yaml, so no deployed API has it.

A static path is served only when it names a file under the dashboard's folder, by its
resolved path (no ``..``, no symbolic link out, no hidden file), with a known content type,
``nosniff`` and a content security policy that allows no inline script.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from dawsos_local.events import HttpResponse
from dawsos_local.tokens import TokenError, mint

# Beside the dawsos_local package: infra/dashboard in the repository (an editable install),
# site-packages/dashboard in a regular one (pyproject's package data puts it there).
DASHBOARD_DIR = Path(__file__).resolve().parent.parent / "dashboard"
SIGN_IN_PATH = "/local/sign-in"
SIGN_IN_TTL_SECONDS = 3600
MAX_SUB_CHARS = 256  # as the execute function's check of a token's sub
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
]
ErrorResponse = Callable[[HTTPStatus, str, str, str], HttpResponse]


def local_config() -> dict[str, Any]:
    """What the dashboard reads from ``config.json`` when ``dawsos serve`` serves it."""
    return {
        "api_base_url": "",
        "environment": "local",
        "auth": {"mode": "local", "sign_in_path": SIGN_IN_PATH},
    }


class LocalSite:
    """The dashboard's files and the local sign-in; ``None`` for anything else."""

    def __init__(self, jwt_secret: str, error: ErrorResponse, root: Path = DASHBOARD_DIR) -> None:
        self.root = root.resolve()
        self._secret = jwt_secret
        self._error = error

    def handle(self, method: str, path: str, body: bytes, request_id: str) -> HttpResponse | None:
        if path == SIGN_IN_PATH:
            if method != "POST":
                return self._error(
                    HTTPStatus.METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    f'{SIGN_IN_PATH} takes POST {{"sub": USER}}',
                    request_id,
                )
            return self._sign_in(body, request_id)
        if method not in ("GET", "HEAD"):
            return None
        if path == "/config.json":
            return _response(HTTPStatus.OK, ".json", json.dumps(local_config()).encode())
        file = self.file(path)
        if file is None:
            return None
        return _response(HTTPStatus.OK, file.suffix, file.read_bytes())

    def file(self, path: str) -> Path | None:
        """The file a URL path names under the root, or None (outside it, hidden, a folder,
        missing, or of a type not served)."""
        relative = unquote(path).lstrip("/") or "index.html"
        parts = relative.split("/")
        if any(not part or part.startswith(".") or "\\" in part or "\0" in part for part in parts):
            return None
        candidate = (self.root / relative).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        if candidate.suffix not in CONTENT_TYPES:
            return None
        return candidate

    def _sign_in(self, body: bytes, request_id: str) -> HttpResponse:
        try:
            data = json.loads(body or b"null")
        except ValueError:
            data = None
        sub = data.get("sub") if isinstance(data, dict) else None
        if not isinstance(sub, str) or not sub.strip() or not sub.isprintable():
            return self._error(
                HTTPStatus.BAD_REQUEST,
                "invalid_request",
                'send {"sub": USER}: a user id of printable text',
                request_id,
            )
        if len(sub) > MAX_SUB_CHARS:
            return self._error(
                HTTPStatus.BAD_REQUEST,
                "invalid_request",
                f"a user id is at most {MAX_SUB_CHARS} characters",
                request_id,
            )
        try:
            token = mint(self._secret, sub, ttl_seconds=SIGN_IN_TTL_SECONDS)
        except TokenError as exc:
            return self._error(HTTPStatus.BAD_REQUEST, "invalid_request", str(exc), request_id)
        answer = {"token": token, "sub": sub, "expires_in": SIGN_IN_TTL_SECONDS, "local": True}
        return _response(HTTPStatus.OK, ".json", json.dumps(answer).encode(), cache="no-store")


def _response(
    status: HTTPStatus, suffix: str, body: bytes, *, cache: str = "no-cache"
) -> HttpResponse:
    """Every file is checked again on each load (``no-cache``), so an upgrade shows at once."""
    headers = [("content-type", CONTENT_TYPES[suffix]), *SECURITY_HEADERS, ("cache-control", cache)]
    return HttpResponse(int(status), headers, body)
