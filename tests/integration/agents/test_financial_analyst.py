"""``pricing.apply_pack``'s cost, cost in base and unrealised gain equal an independent
computation: Beancount's own inventory of the portfolio's accounts at the as-of date, each
lot's cost (``convert.get_cost``) times the pack's rate for its cost currency, read from the
pack's stored fixings (ECB: units of a currency per euro)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from http import HTTPStatus
from typing import Any

import pytest
from beancount import loader
from beancount.core import convert, data, realization

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from tests.conftest import ApiResponse
from tests.integration.conftest import FRI, TODAY, LedgerRepo, rows

LEDGER = textwrap.dedent("""\
    option "operating_currency" "USD"
    2024-06-01 open Assets:Broker:Cash USD
    2024-06-01 open Assets:Broker:ACME ACME
    2024-06-01 open Assets:Broker:XYZ XYZ
    2024-06-01 open Assets:Broker:BMW BMW
    2024-06-01 open Assets:Broker:Gold GOLDBAR
    2024-06-01 open Equity:Opening

    2024-06-03 * "Fund"
      Assets:Broker:Cash      5000 USD
      Equity:Opening

    2024-06-05 * "Buy ACME"
      Assets:Broker:ACME        10 ACME {100 USD}
      Assets:Broker:Cash

    2024-06-05 * "Buy XYZ in dollars"
      Assets:Broker:XYZ          4 XYZ {25 USD}
      Assets:Broker:Cash

    2024-06-06 * "XYZ bought in euros, moved in"
      Assets:Broker:XYZ          6 XYZ {27.10 EUR}
      Equity:Opening

    2024-06-06 * "BMW bought in euros, moved in"
      Assets:Broker:BMW          3 BMW {90.55 EUR}
      Equity:Opening

    2024-06-07 * "A gold bar, held without cost"
      Assets:Broker:Gold         2 GOLDBAR
      Equity:Opening
""") + "".join(
    f"{day} price ACME {acme} USD\n{day} price XYZ {xyz} USD\n"
    f"{day} price BMW {bmw} EUR\n{day} price GOLDBAR 2310.40 USD\n"
    for day, acme, xyz, bmw in (
        ("2024-06-14", "97.00", "28.00", "88.10"),
        ("2024-06-21", "99.50", "29.25", "91.40"),
        ("2024-06-28", "103.25", "30.10", "94.75"),
    )
)


def beancount_costs(text: str, on: dt.date, prefix: str) -> dict[str, dict[str, Decimal]]:
    """Cost by commodity and cost currency of the accounts under ``prefix`` at the end of
    ``on``, from Beancount's realization of the ledger."""
    entries, errors, _ = loader.load_string(text)
    assert errors == []
    root = realization.realize(
        [e for e in entries if not isinstance(e, data.Price) and e.date <= on]
    )
    node = realization.get(root, prefix)
    assert node is not None
    costs: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for position in realization.compute_balance(node):
        cost = convert.get_cost(position)
        costs[position.units.currency][cost.currency] += cost.number
    return costs


Overview = Callable[[str], ApiResponse]


@pytest.fixture
def overview_of(
    db: Database,
    ledger_repo: LedgerRepo,
    as_functions: Callable[[], None],
    call_api: Callable[..., ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
) -> Overview:
    """The portfolio_overview answer of a CAD portfolio over a ledger, as of 2024-06-28."""

    def run(ledger: str) -> ApiResponse:
        ledger_repo.commit({"main.beancount": ledger})
        sync_ledger(db, ledger_repo.path)
        create_portfolio(
            db,
            PortfolioSpec(
                id="cad", owner_sub="alice", account_prefixes=["Assets:Broker"], base_currency="CAD"
            ),
        )
        for day in weekdays(dt.date(2024, 6, 17), FRI):
            assert build_pack(db, day, "ECB", fx=EcbFx(), today=TODAY).status == "fresh"
        monkeypatch.setenv("DAWSOS_NOW", "2024-06-28T18:00:00Z")
        as_functions()
        inputs = {"portfolio_id": "cad", "lookback_days": 5}
        body = json.dumps({"pattern_id": "portfolio_overview", "inputs": inputs})
        return call_api("execute", "POST", "/v1/execute", body=body, sub="alice")

    return run


@pytest.fixture
def overview(overview_of: Overview) -> dict[str, Any]:
    response = overview_of(LEDGER)
    assert response.status == HTTPStatus.OK, response.body
    return dict(response.body)


def test_cost_in_base_and_gain_equal_beancount_cost_at_the_packs_rates(
    overview: dict[str, Any], database_url: str
) -> None:
    """Given lots costed in USD, in EUR, in both, cash, and a holding without cost, each
    holding's cost_base is its Beancount cost times the pack's rate of each cost currency."""
    pack_id = overview["provenance"]["pricing_pack_id"]
    fixings = {
        r["currency"]: Decimal(r["rate"])
        for r in rows(
            database_url, "SELECT currency, rate FROM pack_fixings WHERE pack_id = %s", pack_id
        )
    }
    fixings["EUR"] = Decimal(1)
    in_cad = {c: fixings["CAD"] / fixings[c] for c in ("USD", "EUR")}
    expected_costs = beancount_costs(LEDGER, FRI, "Assets:Broker")
    holdings = {h["commodity"]: h for h in overview["result"]["valuation"]["holdings"]}

    assert set(holdings) == {"ACME", "BMW", "GOLDBAR", "USD", "XYZ"}
    for commodity in ("ACME", "BMW", "USD", "XYZ"):
        holding = holdings[commodity]
        cost = expected_costs[commodity]
        cost_base = sum((a * in_cad[c] for c, a in cost.items()), Decimal(0))
        gain = Decimal(holding["value_base"]) - cost_base
        assert Decimal(holding["cost_base"]) == pytest.approx(cost_base, rel=Decimal("1e-20"))
        assert Decimal(holding["unrealised_gain_base"]) == pytest.approx(gain, abs=Decimal("1e-15"))
        if len(cost) == 1:
            ((currency, amount),) = cost.items()
            assert (holding["cost_currency"], Decimal(holding["cost"])) == (currency, amount)
        else:  # XYZ: USD and EUR lots, each converted, no single cost currency
            assert commodity == "XYZ"
            assert (holding["cost"], holding["cost_currency"]) == (None, None)
        if commodity == "USD":
            assert holding["unrealised_gain_pct"] is None
            assert Decimal(holding["unrealised_gain_base"]) == pytest.approx(
                Decimal(0), abs=Decimal("1e-15")
            )
        else:
            assert holding["unrealised_gain_pct"] == pytest.approx(float(gain / cost_base))
    assert holdings["BMW"]["cost_currency"] == "EUR"
    assert Decimal(holdings["BMW"]["cost"]) == Decimal("271.65")
    gold = holdings["GOLDBAR"]
    assert [gold[k] for k in ("cost", "cost_currency", "cost_base")] == [None, None, None]
    assert (gold["unrealised_gain_base"], gold["unrealised_gain_pct"]) == (None, None)
    conventions = overview["result"]["valuation"]["conventions"]
    assert "market gain in base" in conventions["unrealised_gain"]


def test_a_cost_currency_the_pack_has_no_rate_for_is_refused_by_name(
    overview_of: Overview,
) -> None:
    """Given a lot costed in a commodity the ECB does not fix, the overview is a 422 naming
    it and the holding, never a gain at a rate of 1."""
    ledger = LEDGER.replace(
        "Assets:Broker:BMW          3 BMW {90.55 EUR}", "Assets:Broker:BMW          3 BMW {4 ZZZ}"
    )
    assert ledger != LEDGER

    response = overview_of(ledger)

    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY, response.body
    assert "no rate for ZZZ" in response.body["message"]
    assert "cost currency of BMW" in response.body["message"]
