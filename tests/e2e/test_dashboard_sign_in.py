"""The dashboard's AWS sign-in in a real browser: the authorization code flow with PKCE
against a stand-in for Cognito's hosted UI on another origin. The page sends an S256
challenge and a state, exchanges the code with the verifier that hashes to it, keeps the
access token and sends it to the API as the bearer token."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from dawsos_local.browser import wait_for_view
from dawsos_local.dashboard import CONTENT_TYPES, LocalSite
from dawsos_local.gateway import error_response

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

CLIENT_ID = "dashboard-client"
CODE = "the-authorization-code"
ACCESS_TOKEN = "access-token-from-the-user-pool"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


ID_TOKEN = (
    ".".join(
        b64url(json.dumps(part).encode())
        for part in ({"alg": "none"}, {"sub": "u-1", "email": "ana@example.com"})
    )
    + ".sig"
)


@dataclass
class Seen:
    authorize: dict[str, str] = field(default_factory=dict)
    token: dict[str, str] = field(default_factory=dict)
    api_authorization: list[str] = field(default_factory=list)


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def url_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def hosted_ui() -> Iterator[tuple[str, str, Seen]]:
    """Given the dashboard's files on one origin with a cognito config.json, and a hosted
    UI on another that signs anyone in."""
    seen = Seen()
    site = LocalSite("unused", error_response)
    servers: dict[str, ThreadingHTTPServer] = {}

    class Cognito(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            assert parts.path == "/oauth2/authorize"
            seen.authorize = {k: v[0] for k, v in parse_qs(parts.query).items()}
            back = urlencode({"code": CODE, "state": seen.authorize["state"]})
            self.send_response(302)
            self.send_header("Location", f"{seen.authorize['redirect_uri']}?{back}")
            self.end_headers()

        def do_POST(self) -> None:
            assert self.path == "/oauth2/token"
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen.token = {k: v[0] for k, v in parse_qs(body).items()}
            data = json.dumps(
                {"access_token": ACCESS_TOKEN, "id_token": ID_TOKEN, "expires_in": 3600}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    class Dashboard(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/config.json":
                config = {
                    "api_base_url": "",
                    "auth": {
                        "mode": "cognito",
                        "domain": url_of(servers["cognito"]),
                        "client_id": CLIENT_ID,
                        "redirect_uri": f"{url_of(servers['dashboard'])}/",
                        "logout_uri": f"{url_of(servers['dashboard'])}/",
                        "scopes": ["openid", "email"],
                    },
                }
                self._send(json.dumps(config).encode(), CONTENT_TYPES[".json"])
            elif path == "/v1/portfolios":
                seen.api_authorization.append(self.headers.get("Authorization", ""))
                self._send(b'{"portfolios": []}', CONTENT_TYPES[".json"])
            else:
                file = site.file(path)
                assert file is not None, path
                self._send(file.read_bytes(), CONTENT_TYPES[file.suffix])

        def _send(self, data: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'self'; connect-src 'self' {url_of(servers['cognito'])}",
            )
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    servers["cognito"] = serve(Cognito)
    servers["dashboard"] = serve(Dashboard)
    yield url_of(servers["dashboard"]), url_of(servers["cognito"]), seen
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A tab of its own: nothing in sessionStorage."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_the_code_flow_with_pkce_signs_in_and_calls_the_api_with_the_access_token(
    page: Page, hosted_ui: tuple[str, str, Seen]
) -> None:
    dashboard, _, seen = hosted_ui
    page.goto(f"{dashboard}/")
    wait_for_view(page, "sign-in")
    assert page.locator("#local-banner").is_hidden()

    page.get_by_role("button", name="Sign in").click()
    wait_for_view(page, "/")

    authorize = seen.authorize
    assert authorize["response_type"] == "code"
    assert authorize["client_id"] == CLIENT_ID
    assert authorize["redirect_uri"] == f"{dashboard}/"
    assert authorize["scope"] == "openid email"
    assert authorize["code_challenge_method"] == "S256"
    token = seen.token
    assert token["grant_type"] == "authorization_code"
    assert token["code"] == CODE
    assert token["client_id"] == CLIENT_ID
    assert token["redirect_uri"] == f"{dashboard}/"
    verifier = token["code_verifier"]
    assert 43 <= len(verifier) <= 128
    assert b64url(hashlib.sha256(verifier.encode()).digest()) == authorize["code_challenge"]
    assert seen.api_authorization == [f"Bearer {ACCESS_TOKEN}"]
    assert page.locator("#signed-in-as").inner_text() == "Signed in as ana@example.com"
    assert "code=" not in page.url  # the code is dropped from the address once used
    stored = page.evaluate("() => sessionStorage.getItem('dawsos.token')")
    assert stored == ACCESS_TOKEN


def test_an_answer_whose_state_differs_is_refused(
    page: Page, hosted_ui: tuple[str, str, Seen]
) -> None:
    """A code delivered with a state this tab did not send is never exchanged."""
    dashboard, _, seen = hosted_ui

    page.goto(f"{dashboard}/?code={CODE}&state=forged")
    wait_for_view(page, "sign-in")

    assert seen.token == {}
    assert "does not match" in page.locator("#notice").inner_text()
