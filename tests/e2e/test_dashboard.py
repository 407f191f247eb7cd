"""The dashboard in a real browser (the system's headless Chromium) against `dawsos serve` on
the demo's data: a user signs in, opens the demo portfolio, reads figures that are the API's
answer to the same request, and downloads a PDF export."""

from __future__ import annotations

import io
import json
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader

from dawsos_local.browser import DESKTOP, PHONE, open_view, wait_for_view
from tests.e2e.conftest import DemoRun, Served, request, serving_demo, signed_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

pytestmark = pytest.mark.e2e

DEMO_NOW = "2026-10-30T18:00:00Z"  # the demo's clock: its last pack is fresh
NONE = "\N{EN DASH}"  # the dashboard's mark for a figure the answer does not have


@pytest.fixture(scope="module")
def dashboard(demo_run: DemoRun) -> Iterator[Served]:
    """Given `dawsos serve` on the data the demo left, as of the demo's date."""
    with serving_demo(demo_run, DEMO_NOW) as served:
        yield served


@pytest.fixture
def page(browser: Browser, dashboard: Served) -> Iterator[Page]:
    """A fresh tab signed in as demo; any script error or failed load on it fails the test."""
    with signed_in(browser, dashboard.url) as page:
        yield page


def api_execute(served: Served, pattern_id: str, inputs: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"pattern_id": pattern_id, "inputs": inputs}).encode()
    status, _, answer = request(
        f"{served.url}/v1/execute", method="POST", token=served.token("demo"), body=body
    )
    assert status == HTTPStatus.OK, answer
    return dict(answer)


def money(value: str | float) -> str:
    return f"{Decimal(str(value)):,.2f}"


def percent(fraction: float) -> str:
    return f"{100 * fraction:.2f}%"


def test_the_portfolio_page_shows_the_apis_value_and_twr(page: Page, dashboard: Served) -> None:
    open_view(page, dashboard.url, "/portfolio/demo")

    answer = api_execute(dashboard, "portfolio_overview", {"portfolio_id": "demo"})
    valuation, metrics = answer["result"]["valuation"], answer["result"]["metrics"]
    value = page.locator("#portfolio-value")
    twr = page.locator("#portfolio-twr")
    assert value.inner_text() == f"{money(valuation['value_base'])} {valuation['base_currency']}"
    assert value.get_attribute("data-raw") == valuation["value_base"]
    assert twr.inner_text() == percent(metrics["twr"])
    assert float(twr.get_attribute("data-raw") or "nan") == metrics["twr"]
    provenance = answer["provenance"]
    assert page.locator(".prov-pack").first.text_content() == provenance["pricing_pack_id"]
    assert page.locator(".prov-commit").first.text_content() == provenance["ledger_commit_hash"]


def test_each_holding_row_is_the_apis_holding(page: Page, dashboard: Served) -> None:
    open_view(page, dashboard.url, "/portfolio/demo")

    answer = api_execute(dashboard, "portfolio_overview", {"portfolio_id": "demo"})
    rows = page.locator("#holdings tbody tr")
    holdings = answer["result"]["valuation"]["holdings"]
    assert rows.count() == len(holdings)
    for i, holding in enumerate(holdings):
        cells = rows.nth(i).locator("th, td")
        assert cells.nth(0).inner_text() == holding["commodity"]
        assert cells.nth(4).inner_text() == money(holding["value_base"])
        assert cells.nth(5).inner_text() == percent(holding["weight"])
        shown_cost, shown_gain = cells.nth(6).inner_text(), cells.nth(7).inner_text()
        cost, gain = holding["cost_base"], holding["unrealised_gain_base"]
        assert shown_cost == (NONE if cost is None else money(cost))
        assert shown_gain == (NONE if gain is None else money(gain))


def _leaves(node: Any) -> set[Decimal]:
    """Every number in an answer, numbers as text included, exactly."""
    if isinstance(node, dict):
        return set().union(*(_leaves(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_leaves(v) for v in node)) if node else set()
    if isinstance(node, bool) or node is None:
        return set()
    try:
        return {Decimal(str(node))}
    except ArithmeticError:
        return set()


PORTFOLIO_PATTERNS = (
    "portfolio_overview",
    "benchmark_comparison",
    "period_returns",
    "allocation",
    "income_report",
)


def test_every_figure_on_the_portfolio_page_is_a_figure_of_the_apis_answers(
    page: Page, dashboard: Served
) -> None:
    """No figure is computed in the page: each one's raw value (data-raw) is a number one of
    the five answers the page asks for gives, exactly."""
    open_view(page, dashboard.url, "/portfolio/demo")

    raws = page.eval_on_selector_all(
        "[data-raw]", "nodes => nodes.map(n => n.getAttribute('data-raw'))"
    )
    given = set().union(
        *(_leaves(api_execute(dashboard, p, {"portfolio_id": "demo"})["result"])
          for p in PORTFOLIO_PATTERNS)
    )  # fmt: skip
    shown = [Decimal(r) for r in raws if r not in ("", "null", "undefined")]
    assert len(shown) > 100, len(shown)  # holdings, periods, allocation, income, benchmarks
    computed = [r for r in shown if r not in given]
    assert computed == [], computed[:10]


def test_the_portfolio_list_shows_each_portfolios_period_returns(
    page: Page, dashboard: Served
) -> None:
    card = page.locator('[data-portfolio="demo"]')
    figures = card.locator(".figure dd")

    periods = api_execute(dashboard, "period_returns", {"portfolio_id": "demo"})["result"]
    named = {p["period"]: p for p in periods["periods"]["periods"]}
    assert figures.nth(0).inner_text() == f"{money(periods['periods']['value_base'])} CAD"
    assert figures.nth(1).inner_text() == percent(named["1d"]["twr"])
    assert figures.nth(2).inner_text() == percent(named["YTD"]["twr"])
    overview = api_execute(dashboard, "portfolio_overview", {"portfolio_id": "demo"})
    assert money(periods["periods"]["value_base"]) == money(
        overview["result"]["valuation"]["value_base"]
    )


def test_the_packs_view_shows_each_packs_status_age_and_reconciliation_as_the_api(
    page: Page, dashboard: Served
) -> None:
    open_view(page, dashboard.url, "/packs")

    status, _, listed = request(f"{dashboard.url}/v1/packs?limit=30", token=dashboard.token("demo"))
    assert status == HTTPStatus.OK, listed
    rows = page.locator("#packs tbody tr")
    assert rows.count() == len(listed["packs"]) > 0
    for i, pack in enumerate(listed["packs"]):
        cells = [c.inner_text() for c in rows.nth(i).locator("th, td").all()]
        assert cells[:5] == [
            pack["date"], pack["pack_id"], pack["status"],
            "yes" if pack["is_fresh"] else "no", str(pack["age_days"]),
        ]  # fmt: skip
        assert cells[5] == ("passed" if pack["reconciliation_passed"] else "failed")
    sources = page.locator('section[aria-labelledby="h-packs"] .attributions li')
    expected = [f"{a['source']}: {a['text']}" for a in listed["attributions"]]
    assert sources.all_inner_texts() == expected
    assert expected  # the ECB's rates


def test_a_pdf_export_downloads_from_the_page(page: Page, dashboard: Served) -> None:
    open_view(page, dashboard.url, "/exports")
    page.get_by_label("Portfolio").select_option("demo")
    page.get_by_label("Format").select_option("pdf")

    page.get_by_role("button", name="Export the overview").click()
    link = page.locator("#export-download")
    link.wait_for()
    with page.expect_download() as downloading:
        link.click()

    data = downloading.value.path().read_bytes()
    assert data.startswith(b"%PDF")
    with urllib.request.urlopen(link.get_attribute("href") or "", timeout=30) as response:  # noqa: S310 (the local S3)
        assert response.read() == data
    assert "PP_ECB_2026-10-30_" in page.locator("#export-watermark").inner_text()
    shown = page.locator("#export-watermark-text").inner_text()
    assert PdfReader(io.BytesIO(data)).metadata.subject == shown  # the mark on its pages


def test_signing_out_returns_to_the_local_sign_in(page: Page, dashboard: Served) -> None:
    page.get_by_role("button", name="Sign out").click()

    wait_for_view(page, "sign-in")
    assert page.get_by_role("heading", name="Local development sign-in").is_visible()
    assert "local development sign-in" in page.locator("#local-banner").inner_text().lower()


WCAG = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_view_passes_axe(browser: Browser, dashboard: Served, viewport: ViewportSize) -> None:
    """axe-core's WCAG 2.1 A and AA rules and best practices (labels, landmarks, contrast,
    names of controls) find nothing on the sign-in or on any view."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: dict[str, list[str]] = {}
    with signed_in(browser, dashboard.url, None, viewport=viewport) as page:
        found["sign-in"] = [v["id"] for v in axe.run(page, options=WCAG).response["violations"]]
        page.get_by_label("User").fill("demo")
        page.get_by_role("button", name="Sign in").click()
        for route in ("/", "/portfolio/demo", "/packs", "/exports"):
            open_view(page, dashboard.url, route)
            violations = axe.run(page, options=WCAG).response["violations"]
            found[route] = [f"{v['id']}: {v['nodes'][0]['target']}" for v in violations]

    assert found == {view: [] for view in found}


def test_signing_in_and_opening_a_portfolio_with_the_keyboard_alone(
    browser: Browser, dashboard: Served
) -> None:
    with signed_in(browser, dashboard.url, None) as page:
        for _ in range(10):  # the skip link, the nav, then the form's field
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "sign-in-user":
                break
        assert page.evaluate("document.activeElement.id") == "sign-in-user"
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("demo")
        page.keyboard.press("Enter")
        wait_for_view(page, "/")

        page.get_by_role("link", name="bean-example brokerage", exact=True).focus()
        page.keyboard.press("Enter")
        wait_for_view(page, "/portfolio/demo")

        assert page.locator("#portfolio-value").is_visible()
