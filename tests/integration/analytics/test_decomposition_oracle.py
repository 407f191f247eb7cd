"""The return decomposition on a brokerage's books with corporate actions (a 2:1 split, a
1:3 reverse split, a stock dividend at cost 0), dividends with withholding, commissions and
fees, interest, an intraday round trip, a security moved in at cost, conversions at the
broker's rate and weekend postings, in CAD and in USD: every effect, for the portfolio and
for each holding, equals an independent computation (tests/oracles/decomposition.py, which
imports nothing from dawsos_core) and the effects sum to the TWR."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from dawsos_core.analytics.attribution import COSTS, INCOME, PER_HOLDING, Attribution
from dawsos_core.db.connection import Database
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.valuations import portfolio_performance
from tests.conftest import ApiResponse
from tests.integration.conftest import backfill_ecb, synced_database
from tests.oracles.decomposition import Decomposition, reference_decomposition
from tests.oracles.valuation import reference_days

LEDGER = Path(__file__).parents[2] / "fixtures" / "ledgers" / "corporate_actions.beancount"
START, END = dt.date(2025, 1, 2), dt.date(2025, 6, 30)
ACCOUNTS = ["Assets:Broker"]
INTERNAL = ["Income:Broker", "Expenses:Broker"]
BASES = ("CAD", "USD")
WITHIN = 1e-10  # each linked effect, a fraction of the start value


@pytest.fixture(scope="module")
def brokerage(
    pg_admin_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, str]]:
    with synced_database(
        pg_admin_url,
        template_database,
        tmp_path_factory.mktemp("brokerage") / "ledger",
        {"main.beancount": LEDGER.read_text()},
    ) as (db, url):
        for base in BASES:
            spec = PortfolioSpec(
                id=f"broker-{base.lower()}",
                owner_sub="broker",
                account_prefixes=ACCOUNTS,
                internal_prefixes=INTERNAL,
                base_currency=base,
            )
            create_portfolio(db, spec)
        backfill_ecb(db, START, END, today=dt.date(2025, 7, 1))
        yield db, url


@pytest.fixture(scope="module", params=BASES)
def both(
    brokerage: tuple[Database, str], request: pytest.FixtureRequest
) -> tuple[Attribution, float, Decomposition]:
    base = request.param
    answer = portfolio_performance(brokerage[0], f"broker-{base.lower()}", START, END, policy="ECB")
    expected = reference_decomposition(LEDGER, ACCOUNTS, INTERNAL, base, START, END)
    return answer.attribution, answer.metrics.twr, expected


def test_the_effects_sum_to_the_twr(both: tuple[Attribution, float, Decomposition]) -> None:
    ours, twr, expected = both

    parts = ours.local + ours.fx + ours.interaction + ours.trading
    assert parts + ours.income + ours.costs + ours.other == pytest.approx(twr, abs=1e-12)
    per_holding = sum(h["total"] for h in ours.by_holding.values())
    assert per_holding + sum(ours.unattributed.values()) + ours.other == pytest.approx(
        twr, abs=1e-12
    )
    assert twr == pytest.approx(expected.T, abs=1e-12)


def test_portfolio_effects_equal_the_reference(
    both: tuple[Attribution, float, Decomposition],
) -> None:
    ours, _, expected = both
    theirs = expected.portfolio

    for name in ("local", "fx", "interaction", "trading", "income", "costs", "other"):
        assert getattr(ours, name) == pytest.approx(getattr(theirs, name), abs=WITHIN), name
    for name in (*INCOME, *COSTS):
        assert ours.by_class[name] == pytest.approx(getattr(theirs, name), abs=WITHIN), name
    assert theirs.dividends > 0
    assert theirs.withholding < 0
    assert theirs.commissions < 0
    assert abs(theirs.trading) > 1e-5  # the round trip and the trades off the close


def test_each_holdings_effects_equal_the_reference(
    both: tuple[Attribution, float, Decomposition],
) -> None:
    ours, _, expected = both
    zero = dict.fromkeys(PER_HOLDING, 0.0)

    assert set(ours.by_holding) <= set(expected.holdings)
    for commodity, theirs in expected.holdings.items():
        figures = ours.by_holding.get(commodity, zero)
        for name in PER_HOLDING:
            assert figures[name] == pytest.approx(getattr(theirs, name), abs=WITHIN), (
                commodity,
                name,
            )


@pytest.fixture
def execute(
    brokerage: tuple[Database, str],
    api_env: Callable[[str], None],
    call_api: Callable[..., ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[str, dict[str, Any]], ApiResponse]:
    """POST /v1/execute as the brokerage's owner on the evening of the last day."""
    monkeypatch.setenv("DAWSOS_NOW", "2025-06-30T18:00:00Z")
    api_env(brokerage[1])

    def run(pattern_id: str, inputs: dict[str, Any]) -> ApiResponse:
        body = json.dumps({"pattern_id": pattern_id, "inputs": inputs})
        return call_api("execute", "POST", "/v1/execute", body=body, sub="broker")

    return run


def test_the_income_report_sums_what_the_reference_classifies(
    execute: Callable[[str, dict[str, Any]], ApiResponse],
) -> None:
    expected = reference_decomposition(LEDGER, ACCOUNTS, INTERNAL, "CAD", START, END)
    by_holding: dict[str, dict[str, Decimal]] = {}
    for day in expected.days:
        for commodity, effects in day.values.holdings.items():
            row = by_holding.setdefault(commodity, dict.fromkeys((*INCOME, *COSTS), Decimal(0)))
            for kind in row:
                row[kind] += getattr(effects, kind)
        loose = by_holding.setdefault("(none)", dict.fromkeys((*INCOME, *COSTS), Decimal(0)))
        for kind in loose:
            loose[kind] += getattr(day.values.unattributed, kind)

    response = execute("income_report", {"portfolio_id": "broker-cad"})

    assert response.status == HTTPStatus.OK, response.body
    report = response.body["result"]["income"]
    ours = {row["holding"]: row for row in report["by_holding"]}
    for holding, amounts in by_holding.items():
        for kind, amount in amounts.items():
            got = ours[holding][kind] if holding in ours else 0.0
            assert got == pytest.approx(float(amount), abs=1e-6), (holding, kind)
    assert ours["CORA"]["dividends"] > 0
    assert ours["(none)"]["withholding"] < 0  # the tax account names no security
    assert sum(m["income"] for m in report["by_month"]) == pytest.approx(
        report["total"]["income"], abs=1e-9
    )
    assert report["yield_on_cost"] is None  # half a year of history: no trailing year
    assert "less than twelve months" in report["yield_reason"]


def test_allocation_groups_by_metadata_and_names_what_it_cannot_classify(
    execute: Callable[[str, dict[str, Any]], ApiResponse],
) -> None:
    response = execute("allocation", {"portfolio_id": "broker-usd", "lookback_days": 130})

    assert response.status == HTTPStatus.OK, response.body
    a = response.body["result"]["allocation"]
    weights = {s["group"]: s["weight"] for s in a["by_commodity"]}
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-12)
    sectors = {s["group"]: s["weight"] for s in a["by_metadata"]["sector"]}
    assert sectors["unclassified"] == pytest.approx(
        sum(w for c, w in weights.items() if c not in {"ACME", "BOLT", "ZETA", "EUST"}),
        abs=1e-12,
    )
    assert "CORA" in a["unclassified"]["sector"]
    classes = {s["group"]: s["weight"] for s in a["by_metadata"]["asset-class"]}
    assert set(classes) == {"equity", "cash"}
    accounts = {s["group"]: s["weight"] for s in a["by_account"]}
    currencies = {s["group"]: s["weight"] for s in a["by_currency"]}
    assert accounts["Assets:Broker:CA"] == pytest.approx(currencies["CAD"], abs=1e-12)
    (whole,) = reference_days(LEDGER, ACCOUNTS, INTERNAL, "USD", END, END)
    for account in ("Assets:Broker:CA", "Assets:Broker:US"):  # valued independently
        (part,) = reference_days(LEDGER, [account], [], "USD", END, END)
        assert accounts[account] == pytest.approx(float(part.value / whole.value), abs=1e-12)
    assert a["value_base"] == pytest.approx(float(whole.value), rel=1e-12)
    assert a["concentration"]["herfindahl"] == pytest.approx(
        sum(w * w for w in weights.values()), abs=1e-12
    )
    assert a["concentration"]["largest"] == max(weights, key=lambda c: weights[c])
    over_time = a["over_time"]
    assert over_time["dates"][-1] == "2025-06-30"
    last = {c: w[-1] for c, w in over_time["by_commodity"].items()}
    assert last == pytest.approx(weights, abs=1e-12)


def test_the_overview_reads_day_effects_equal_to_the_reference_and_to_the_full_decomposition(
    execute: Callable[[str, dict[str, Any]], ApiResponse],
) -> None:
    overview = execute("portfolio_overview", {"portfolio_id": "broker-usd", "lookback_days": 100})
    assert overview.status == HTTPStatus.OK, overview.body
    start = overview.body["result"]["metrics"]["start"]
    full = execute(
        "return_attribution", {"portfolio_id": "broker-usd", "start": start, "end": END.isoformat()}
    )
    assert full.status == HTTPStatus.OK, full.body
    ours, whole = overview.body["result"]["attribution"], full.body["result"]["attribution"]
    expected = reference_decomposition(
        LEDGER, ACCOUNTS, INTERNAL, "USD", dt.date.fromisoformat(start), END
    ).portfolio

    for name in ("local", "fx", "interaction", "trading", "income", "costs", "other", "total"):
        assert ours[name] == whole[name], name  # the stored days, summed as the full one sums
        assert ours[name] == pytest.approx(getattr(expected, name), abs=WITHIN), name
    for name in (*INCOME, *COSTS):
        assert ours["by_class"][name] == pytest.approx(getattr(expected, name), abs=WITHIN)
