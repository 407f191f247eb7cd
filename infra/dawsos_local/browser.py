"""The dashboard in a real browser: the system's headless Chromium driven by Playwright.

Playwright never downloads a browser here: it drives Debian's ``chromium`` package, with
the flags a closed network needs (no background fetches, no component updates, no QUIC).
``make demo`` takes a screenshot of each view with it; the browser test uses it too.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
VIEW_TIMEOUT_MS = 60_000  # a view's requests run patterns; this bounds a hang, it measures nothing


class BrowserUnavailable(Exception):
    """Why no browser can run: Playwright or Chromium is missing."""


class BrowserFailed(Exception):
    """The browser ran and a page did not do what was asked (Playwright's error, in words)."""


def chromium_path() -> str:
    """The system Chromium (``DAWSOS_CHROMIUM`` names another); BrowserUnavailable if absent."""
    path = os.environ.get("DAWSOS_CHROMIUM") or shutil.which("chromium") or CHROMIUM
    if not Path(path).is_file():
        raise BrowserUnavailable(f"no Chromium at {path}: apt-get install -y chromium")
    return path


@contextmanager
def chromium() -> Iterator[Browser]:
    """The system Chromium, headless, closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable("playwright is not installed: pip install -e '.[dev]'") from exc
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_view(page: Page, route: str) -> None:
    """Until the dashboard says the view of ``route`` (``/``, ``/packs``...) is drawn."""
    page.wait_for_selector(f'body[data-ready="{route}"]', timeout=VIEW_TIMEOUT_MS)


def sign_in(page: Page, url: str, sub: str) -> None:
    """Sign in through the page's local development sign-in, as a user would."""
    page.goto(f"{url}/")
    wait_for_view(page, "sign-in")
    page.get_by_label("User").fill(sub)
    page.get_by_role("button", name="Sign in").click()
    wait_for_view(page, "/")


def open_view(page: Page, url: str, route: str) -> None:
    page.goto(f"{url}/#{route}")
    wait_for_view(page, route)


@dataclass(frozen=True)
class Shot:
    name: str
    route: str
    viewport: ViewportSize


SHOTS = (
    Shot("portfolios", "/", DESKTOP),
    Shot("portfolio", "/portfolio/{portfolio}", DESKTOP),
    Shot("packs", "/packs", DESKTOP),
    Shot("exports", "/exports", DESKTOP),
    Shot("portfolios-phone", "/", PHONE),
    Shot("portfolio-phone", "/portfolio/{portfolio}", PHONE),
)


def screenshots(url: str, sub: str, portfolio_id: str, out_dir: Path) -> list[Path]:
    """A full-page PNG of each view, on a desktop and a phone-width screen, in ``out_dir``;
    BrowserUnavailable without Playwright or Chromium, BrowserFailed when a view fails."""
    try:
        from playwright.sync_api import Error
    except ImportError as exc:
        raise BrowserUnavailable("playwright is not installed: pip install -e '.[dev]'") from exc
    try:
        return _screenshots(url, sub, portfolio_id, out_dir)
    except Error as exc:
        raise BrowserFailed(exc.message) from exc


def _screenshots(url: str, sub: str, portfolio_id: str, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with chromium() as browser:
        for viewport in (DESKTOP, PHONE):
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            sign_in(page, url, sub)
            for shot in SHOTS:
                if shot.viewport is not viewport:
                    continue
                open_view(page, url, shot.route.format(portfolio=portfolio_id))
                if shot.name == "exports":
                    page.get_by_role("button", name="Export the overview").click()
                    page.wait_for_selector("#export-download", timeout=VIEW_TIMEOUT_MS)
                target = out_dir / f"{shot.name}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
            context.close()
    return written
