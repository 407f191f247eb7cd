"""The rights registry is data: every source the code names is in it, with a rule for each
environment, and NewsAPI may be viewed everywhere but exported only in development."""

from __future__ import annotations

import pytest

from dawsos_core.agents.analyst_inputs import LEDGER_SOURCE
from dawsos_core.macro import fred
from dawsos_core.news import newsapi
from dawsos_core.pricing.providers import boc, ecb, ledger_prices, market_data, wm4pm
from dawsos_core.rights.registry import RightsRegistry, load_registry
from dawsos_core.settings import Environment

ISSUE_SOURCES = {
    "NewsAPI",
    "FMP",
    "OpenBB",
    "FRED",
    "Polygon",
    "yfinance",
    "Internal",
    "Bank of Canada",
    "ECB",
}


def test_registry_lists_every_source_the_issue_names_for_every_environment() -> None:
    registry = load_registry()

    assert set(registry.sources) >= ISSUE_SOURCES
    for rights in registry.sources.values():
        assert set(rights.rules) == set(Environment)
        assert rights.attribution


def test_every_source_the_code_records_is_registered() -> None:
    named = {
        LEDGER_SOURCE,
        fred.SOURCE,
        newsapi.SOURCE,
        boc.SOURCE,
        ecb.SOURCE,
        ledger_prices.SOURCE,
        wm4pm.SOURCE,
        *(provider.source for provider in (market_data.FmpPrices, market_data.PolygonPrices)),
    }

    assert named <= set(load_registry().sources)


@pytest.mark.parametrize(
    ("environment", "blocked"),
    [
        (Environment.DEVELOPMENT, []),
        (Environment.STAGING, ["NewsAPI"]),
        (Environment.PRODUCTION, ["NewsAPI"]),
    ],
)
def test_newsapi_export_is_blocked_in_staging_and_production(
    environment: Environment, blocked: list[str]
) -> None:
    registry = load_registry()

    assert registry.export_blocked({"Internal", "ECB", "NewsAPI"}, environment) == blocked
    assert registry.view_blocked({"Internal", "ECB", "NewsAPI"}, environment) == []


def test_a_source_missing_from_the_registry_is_never_exported() -> None:
    registry = load_registry()

    assert registry.export_blocked({"Internal", "Scraped"}, Environment.DEVELOPMENT) == ["Scraped"]
    assert registry.attributions({"Scraped"})[0].text == "Data: Scraped"


def test_attributions_are_sorted_and_carry_the_registry_text() -> None:
    attributions = load_registry().attributions(["NewsAPI", "ECB", "NewsAPI"])

    assert [a.source for a in attributions] == ["ECB", "NewsAPI"]
    assert attributions[1].text == "News headlines powered by NewsAPI.org"


def test_a_registry_missing_an_environment_is_refused() -> None:
    rule = {"view": True, "export": True, "watermark": False}

    with pytest.raises(ValueError, match="X: no rule for production"):
        RightsRegistry.model_validate(
            {
                "version": 1,
                "sources": {
                    "X": {
                        "attribution": "x",
                        "rules": {"development": rule, "staging": rule},
                    }
                },
            }
        )
