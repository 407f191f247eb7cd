"""External flows follow DESIGN section 6: internal Income/Expenses postings are return;
value crossing between the portfolio and any other account is a flow, measured on the
transaction's legs outside the portfolio."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest

from dawsos_core.db.connection import Database
from dawsos_core.errors import BadRequest
from dawsos_core.ledger.flows import portfolio_flows
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from tests.integration.conftest import LedgerRepo

LEDGER = textwrap.dedent("""\
    option "operating_currency" "USD"
    option "operating_currency" "CAD"
    2024-01-01 open Assets:Broker:Cash USD
    2024-01-01 open Assets:Broker:CashCAD CAD
    2024-01-01 open Assets:Broker:ACME ACME
    2024-01-01 open Assets:Broker:GLD GLD
    2024-01-01 open Assets:Bank:Checking USD
    2024-01-01 open Assets:Bank:CheckingCAD CAD
    2024-01-01 open Income:Broker:Dividends USD
    2024-01-01 open Income:Employer:Salary USD
    2024-01-01 open Income:Gifts GLD
    2024-01-01 open Expenses:Financial:Commissions USD
    2024-01-01 open Equity:Opening USD,CAD

    2024-01-01 * "Opening balances"
      Assets:Bank:Checking      10000 USD
      Assets:Bank:CheckingCAD    5000 CAD
      Equity:Opening             -10000 USD
      Equity:Opening             -5000 CAD

    2024-01-02 * "Transfer in (first day of the window)"
      Assets:Broker:Cash         3000 USD
      Assets:Bank:Checking      -3000 USD

    2024-01-03 * "Buy with an internal commission: no flow"
      Assets:Broker:ACME           10 ACME {200 USD}
      Expenses:Financial:Commissions  9.95 USD
      Assets:Broker:Cash       -2009.95 USD

    2024-01-04 * "Dividend to the broker: return, no flow"
      Assets:Broker:Cash           25 USD
      Income:Broker:Dividends     -25 USD

    2024-01-05 * "Salary-funded contribution"
      Assets:Broker:Cash          500 USD
      Income:Employer:Salary     -500 USD

    2024-01-08 * "Commission paid from checking: value enters the portfolio's expenses"
      Expenses:Financial:Commissions  5 USD
      Assets:Bank:Checking       -5 USD

    2024-01-09 * "Gold received without cash"
      Assets:Broker:GLD            3 GLD {180 USD}
      Income:Gifts                -3 GLD {180 USD}

    2024-01-10 * "CAD converted into USD cash"
      Assets:Broker:Cash          750 USD @ 1.3333 CAD
      Assets:Bank:CheckingCAD   -999.975 CAD

    2024-01-11 * "CAD deposited into CAD cash"
      Assets:Broker:CashCAD      1000 CAD
      Assets:Bank:CheckingCAD   -1000 CAD

    2024-01-12 * "Dividend paid straight to checking: return, then out"
      Assets:Bank:Checking         40 USD
      Income:Broker:Dividends     -40 USD

    2024-01-15 * "Withdrawal (last day of the window)"
      Assets:Bank:Checking        800 USD
      Assets:Broker:Cash         -800 USD

    2024-01-16 * "After the window"
      Assets:Broker:Cash          100 USD
      Assets:Bank:Checking       -100 USD
""")


@pytest.fixture
def flows(db: Database, ledger_repo: LedgerRepo) -> dict[str, list[tuple[str, Decimal, str]]]:
    ledger_repo.commit({"main.beancount": LEDGER})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db,
        PortfolioSpec(
            id="broker",
            owner_sub="alice",
            account_prefixes=["Assets:Broker"],
            internal_prefixes=["Income:Broker", "Expenses:Financial:Commissions"],
        ),
    )
    answer = portfolio_flows(db, "broker", dt.date(2024, 1, 2), dt.date(2024, 1, 15))
    by_narration: dict[str, list[tuple[str, Decimal, str]]] = {}
    for f in answer.flows:
        by_narration.setdefault(f.narration, []).append((f.commodity, f.units, f.direction))
    return by_narration


def test_transfers_in_and_out_on_the_window_edges(flows: dict) -> None:  # type: ignore[type-arg]
    assert flows["Transfer in (first day of the window)"] == [("USD", Decimal(3000), "in")]
    assert flows["Withdrawal (last day of the window)"] == [("USD", Decimal(-800), "out")]
    assert "After the window" not in flows


def test_internal_income_and_expenses_are_return(flows: dict) -> None:  # type: ignore[type-arg]
    assert "Buy with an internal commission: no flow" not in flows
    assert "Dividend to the broker: return, no flow" not in flows


def test_salary_funded_contribution_is_a_flow(flows: dict) -> None:  # type: ignore[type-arg]
    assert flows["Salary-funded contribution"] == [("USD", Decimal(500), "in")]


def test_internal_expense_paid_from_outside_is_an_inflow(flows: dict) -> None:  # type: ignore[type-arg]
    key = "Commission paid from checking: value enters the portfolio's expenses"
    assert flows[key] == [("USD", Decimal(5), "in")]


def test_commodity_received_without_cash_is_a_flow_in_units(flows: dict) -> None:  # type: ignore[type-arg]
    assert flows["Gold received without cash"] == [("GLD", Decimal(3), "in")]


def test_a_flow_is_measured_in_what_crossed_outside(flows: dict) -> None:  # type: ignore[type-arg]
    assert flows["CAD converted into USD cash"] == [("CAD", Decimal("999.975"), "in")]
    assert flows["CAD deposited into CAD cash"] == [("CAD", Decimal(1000), "in")]


def test_income_paid_outside_is_an_outflow(flows: dict) -> None:  # type: ignore[type-arg]
    assert flows["Dividend paid straight to checking: return, then out"] == [
        ("USD", Decimal(-40), "out")
    ]


def test_reversed_window_is_refused(db: Database, ledger_repo: LedgerRepo) -> None:
    with pytest.raises(BadRequest, match="starts"):
        portfolio_flows(db, "any", dt.date(2024, 2, 1), dt.date(2024, 1, 1))


SLEEVE = textwrap.dedent("""\
    option "operating_currency" "CAD"
    2024-01-01 open Assets:Sleeve:GLD GLD
    2024-01-01 open Assets:Bank:Chequing CAD
    2024-01-01 open Income:PnL:Sleeve CAD
    2024-01-01 open Equity:Opening CAD

    2024-01-02 * "Opening"
      Assets:Bank:Chequing      20000 CAD
      Equity:Opening

    2024-01-03 * "GLD bought with chequing's cash"
      Assets:Sleeve:GLD            10 GLD {158.55 CAD}
      Assets:Bank:Chequing   -1585.50 CAD

    2024-01-10 * "GLD sold, the cash to chequing, the gain internal"
      Assets:Sleeve:GLD           -10 GLD {158.55 CAD} @ 175.925 CAD
      Assets:Bank:Chequing    1759.25 CAD
      Income:PnL:Sleeve      -173.75 CAD
""")


def test_a_stock_only_sleeve_flows_the_cash_that_crossed(
    db: Database, ledger_repo: LedgerRepo
) -> None:
    ledger_repo.commit({"main.beancount": SLEEVE})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db,
        PortfolioSpec(
            id="gold",
            owner_sub="alice",
            account_prefixes=["Assets:Sleeve"],
            internal_prefixes=["Income:PnL:Sleeve"],
        ),
    )

    answer = portfolio_flows(db, "gold", dt.date(2024, 1, 2), dt.date(2024, 1, 12))

    assert [(f.date, f.commodity, f.units) for f in answer.flows] == [
        (dt.date(2024, 1, 3), "CAD", Decimal("1585.50")),  # the cash paid in
        (dt.date(2024, 1, 10), "CAD", Decimal("-1759.25")),  # the cash received, not 1585.50
    ]
