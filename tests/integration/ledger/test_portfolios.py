"""Portfolio definitions are checked against the ledger and scoped to their owner."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from pydantic import ValidationError

from dawsos_core.db.connection import Database
from dawsos_core.errors import Conflict, NotFound, Unprocessable
from dawsos_core.ledger.positions import portfolio_positions
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from tests.integration.conftest import LedgerRepo

LEDGER = textwrap.dedent("""\
    2024-01-01 open Assets:Broker:Cash USD
    2024-01-01 open Assets:Broker:XYZ XYZ
    2024-01-01 open Assets:Broker:ACME ACME
    2024-01-01 open Equity:Opening

    2024-01-02 * "Opening"
      Assets:Broker:Cash   1000 USD
      Assets:Broker:XYZ      5 XYZ {10 USD}
      Assets:Broker:ACME     2 ACME {50 USD}
      Equity:Opening

    2024-01-02 price ACME 55 USD
""")


@pytest.fixture
def synced(db: Database, ledger_repo: LedgerRepo) -> Database:
    ledger_repo.commit({"main.beancount": LEDGER})
    sync_ledger(db, ledger_repo.path)
    return db


def spec(**overrides: object) -> PortfolioSpec:
    fields: dict[str, object] = {
        "id": "p",
        "owner_sub": "alice",
        "account_prefixes": ["Assets:Broker"],
    }
    fields.update(overrides)
    return PortfolioSpec.model_validate(fields)


def test_prefixes_matching_no_account_are_named(synced: Database) -> None:
    with pytest.raises(Unprocessable) as raised:
        create_portfolio(
            synced,
            spec(
                account_prefixes=["Assets:Broker", "Assets:Nowhere"],
                internal_prefixes=["Income:Missing"],
            ),
        )

    assert "Assets:Nowhere" in raised.value.message
    assert "Income:Missing" in raised.value.message
    assert "Assets:Broker," not in raised.value.message
    assert raised.value.status == 422


def test_prefix_matches_whole_account_components_only(synced: Database) -> None:
    with pytest.raises(Unprocessable, match="Assets:Bro"):
        create_portfolio(synced, spec(account_prefixes=["Assets:Bro"]))


def test_unpriced_commodity_is_reported_not_dropped(synced: Database) -> None:
    create_portfolio(synced, spec())

    answer = portfolio_positions(synced, "p", dt.date(2024, 1, 31))

    assert [p.commodity for p in answer.positions] == ["ACME", "USD", "XYZ"]
    assert answer.unpriced == ["XYZ"]
    by = {p.commodity: p for p in answer.positions}
    assert by["USD"].cash is True
    assert by["ACME"].last_price_date == dt.date(2024, 1, 2)
    assert by["XYZ"].cost == {"USD": 50}


def test_another_owner_sees_no_portfolio(synced: Database) -> None:
    create_portfolio(synced, spec())

    with pytest.raises(NotFound):
        portfolio_positions(synced, "p", dt.date(2024, 1, 31), owner_sub="mallory")
    assert portfolio_positions(synced, "p", dt.date(2024, 1, 31), owner_sub="alice").positions


def test_same_definition_twice_is_idempotent_and_a_different_one_conflicts(
    synced: Database,
) -> None:
    assert create_portfolio(synced, spec())[1] is True
    assert create_portfolio(synced, spec())[1] is False

    with pytest.raises(Conflict):
        create_portfolio(synced, spec(owner_sub="bob"))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"account_prefixes": []}, "account_prefixes"),
        ({"account_prefixes": ["assets:broker"]}, "account_prefixes"),
        ({"internal_prefixes": ["Assets:Other"]}, "Income or Expenses"),
        ({"base_currency": "cad"}, "base_currency"),
        ({"internal_prefixes": ["Income:X"], "account_prefixes": ["Income:X"]}, "both"),
    ],
)
def test_invalid_definitions_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        spec(**overrides)


def test_positions_before_any_sync_say_so(db: Database) -> None:
    create_portfolio(db, spec())

    with pytest.raises(NotFound, match="no ledger has been synced"):
        portfolio_positions(db, "p", dt.date(2024, 1, 31))
