"""The local gateway serves the dashboard's files at `/` and the local sign-in: static files
with their content types and a content security policy without inline script, never a file
outside the dashboard's folder, and a sign-in that only the local gateway has."""

from __future__ import annotations

import hashlib
import json
import re
from http import HTTPStatus
from pathlib import Path

import pytest

from dawsos_local.dashboard import DASHBOARD_DIR, LocalSite
from dawsos_local.events import HttpResponse
from dawsos_local.gateway import Gateway, error_response
from dawsos_local.template import load_api
from dawsos_local.tokens import verify

ROOT = Path(__file__).parents[3]
SECRET = "s" * 48


@pytest.fixture(scope="module")
def gateway() -> Gateway:
    """Given the template's routes and the dashboard; no function is started: nothing below
    reaches one."""
    return Gateway(load_api(ROOT / "template.yaml"), {}, SECRET, dashboard=True)


def get(gateway: Gateway, target: str, method: str = "GET", body: bytes = b"") -> HttpResponse:
    return gateway.handle(method, target, [], body)


def header(response: HttpResponse, name: str) -> str | None:
    return next((v for k, v in response.headers if k.lower() == name), None)


def test_the_dashboard_is_the_root_page(gateway: Gateway) -> None:
    response = get(gateway, "/")

    assert response.status == HTTPStatus.OK
    assert header(response, "content-type") == "text/html; charset=utf-8"
    assert response.body == (DASHBOARD_DIR / "index.html").read_bytes()
    assert header(response, "x-content-type-options") == "nosniff"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/vendor/uplot/uPlot.esm.js", "text/javascript; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
    ],
)
def test_each_file_has_its_content_type(gateway: Gateway, path: str, content_type: str) -> None:
    response = get(gateway, path)

    assert response.status == HTTPStatus.OK
    assert header(response, "content-type") == content_type


def test_the_policy_allows_no_inline_script_and_the_page_has_none(gateway: Gateway) -> None:
    policy = header(get(gateway, "/"), "content-security-policy") or ""

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert "unsafe" not in policy
    html = (DASHBOARD_DIR / "index.html").read_text()
    assert re.findall(r"<script\b[^>]*>", html) == ['<script type="module" src="app.js">']
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert "<style" not in html
    assert " style=" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/%2e%2e/dawsos_local/tokens.py",
        "/vendor/../../dawsos_local/tokens.py",
        "/vendor/%2E%2E/%2E%2E/dawsos_local/gateway.py",
        "/..%2f..%2fpyproject.toml",
        "//etc/passwd",
        "/vendor%5c..%5c..%5cpyproject.toml",
        "/.git/config",
        "/vendor/uplot",
        "/missing.js",
        "/app.js%00.html",
    ],
)
def test_nothing_outside_the_dashboards_files_is_served(gateway: Gateway, path: str) -> None:
    response = get(gateway, path)

    assert response.status == HTTPStatus.NOT_FOUND
    assert json.loads(response.body)["error"] == "not_found"


def test_a_symbolic_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "secret.txt").write_text("not for the web")
    (tmp_path / "site" / "index.html").write_text("<!doctype html>")
    (tmp_path / "site" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    site = LocalSite(SECRET, error_response, root=tmp_path / "site")

    assert site.file("/leak.txt") is None
    assert site.file("/index.html") == (tmp_path / "site" / "index.html").resolve()


def test_an_api_route_is_never_shadowed_by_a_file(gateway: Gateway) -> None:
    response = get(gateway, "/health/pack")

    assert response.status == HTTPStatus.UNAUTHORIZED


def test_the_local_config_names_the_same_origin_and_the_local_sign_in(gateway: Gateway) -> None:
    response = get(gateway, "/config.json")

    assert response.status == HTTPStatus.OK
    assert json.loads(response.body) == {
        "api_base_url": "",
        "environment": "local",
        "auth": {"mode": "local", "sign_in_path": "/local/sign-in"},
    }


def test_the_local_sign_in_mints_a_token_the_gateway_accepts(gateway: Gateway) -> None:
    response = get(gateway, "/local/sign-in", "POST", json.dumps({"sub": "alice"}).encode())

    assert response.status == HTTPStatus.OK
    answer = json.loads(response.body)
    assert answer["sub"] == "alice"
    assert answer["local"] is True
    assert verify(SECRET, f"Bearer {answer['token']}")["sub"] == "alice"
    assert header(response, "cache-control") == "no-store"


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'{"sub": ""}', b'{"sub": 7}', b'{"sub": "a\\nb"}', b'{"user": "x"}'],
)
def test_a_sign_in_without_a_user_is_a_400(gateway: Gateway, body: bytes) -> None:
    response = get(gateway, "/local/sign-in", "POST", body)

    assert response.status == HTTPStatus.BAD_REQUEST
    assert set(json.loads(response.body)) == {"error", "message", "request_id"}


def test_a_sign_in_for_an_overlong_user_is_a_400(gateway: Gateway) -> None:
    body = json.dumps({"sub": "x" * 257}).encode()

    assert get(gateway, "/local/sign-in", "POST", body).status == HTTPStatus.BAD_REQUEST


def test_the_sign_in_takes_only_post(gateway: Gateway) -> None:
    assert get(gateway, "/local/sign-in").status == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_sign_in_exists_only_in_the_local_gateway() -> None:
    """A gateway without the dashboard (and the template the deployed API comes from) has
    no such route."""
    api = load_api(ROOT / "template.yaml")
    plain = Gateway(api, {}, SECRET)

    assert api.resolve("POST", "/local/sign-in") is None
    assert plain.handle("POST", "/local/sign-in", [], b'{"sub": "a"}').status == 404
    assert plain.handle("GET", "/", [], b"").status == 404


def test_the_vendored_chart_library_is_the_recorded_release() -> None:
    folder = DASHBOARD_DIR / "vendor" / "uplot"
    note = (folder / "VENDORED.md").read_text()

    recorded = dict(re.findall(r"\| `([^`]+)` sha256 \| `([0-9a-f]{64})` \|", note))
    assert set(recorded) == {"uPlot.esm.js", "uPlot.min.css", "LICENSE"}
    for name, digest in recorded.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
