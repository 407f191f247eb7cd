"""The freshness gate seen in the dashboard: a month after the demo's last pack, the
expected pack does not exist, the API refuses with a 503, the page says so in words and
offers the last fresh pack, and the figures it then shows are the API's answer with
`"require_fresh": false`, marked with the pack's age."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from http import HTTPStatus
from typing import TYPE_CHECKING

import pytest

from dawsos_local.browser import open_view
from tests.e2e.conftest import DemoRun, Served, request, serving_demo, signed_in

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.e2e

A_MONTH_LATER = "2026-12-01T18:00:00Z"  # no pack for 2026-11-30: the demo's end on 2026-10-30


@pytest.fixture(scope="module")
def stale(demo_run: DemoRun) -> Iterator[Served]:
    """Given `dawsos serve` on the demo's data, a month after its last pack."""
    with serving_demo(demo_run, A_MONTH_LATER) as served:
        yield served


def test_a_503_offers_the_last_fresh_pack_and_its_figures_are_the_apis(
    browser: Browser, stale: Served
) -> None:
    inputs = {"pattern_id": "portfolio_overview", "inputs": {"portfolio_id": "demo"}}
    token = stale.token("demo")
    refused, _, _ = request(
        f"{stale.url}/v1/execute", method="POST", token=token, body=json.dumps(inputs).encode()
    )
    assert refused == HTTPStatus.SERVICE_UNAVAILABLE
    with signed_in(browser, stale.url, refused=503) as page:
        open_view(page, stale.url, "/portfolio/demo")
        assert "not fresh" in page.locator(".error-headline").first.inner_text()

        page.locator("#use-last-fresh").first.click()
        page.locator("#portfolio-value").wait_for()

        status, _, answer = request(
            f"{stale.url}/v1/execute",
            method="POST",
            token=token,
            body=json.dumps({**inputs, "require_fresh": False}).encode(),
        )
        assert status == HTTPStatus.OK
        valuation, provenance = answer["result"]["valuation"], answer["provenance"]
        assert provenance["pack_is_fresh"] is False
        shown = page.locator("#portfolio-value").inner_text()
        assert shown == f"{Decimal(valuation['value_base']):,.2f} {valuation['base_currency']}"
        note = page.locator(".stale").first.inner_text()
        assert provenance["pricing_pack_id"] in note
        assert f"{provenance['pack_age_days']} day(s) old" in note
