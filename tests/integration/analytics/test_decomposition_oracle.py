"""The return decomposition on a brokerage's books with corporate actions (a 2:1 split, a
1:3 reverse split, a stock dividend at cost 0), dividends with withholding, commissions and
fees, interest, an intraday round trip, a security moved in at cost, conversions at the
broker's rate and weekend postings, in CAD and in USD: every effect, for the portfolio and
for each holding, equals an independent computation (tests/oracles/decomposition.py, which
imports nothing from dawsos_core) and the effects sum to the TWR."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dawsos_core.analytics.attribution import COSTS, INCOME, PER_HOLDING, Attribution
from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.valuations import portfolio_performance
from dawsos_local.postgres import drop_database, ensure_database
from tests.conftest import with_database
from tests.integration.conftest import LedgerRepo, backfill_ecb
from tests.oracles.decomposition import Decomposition, reference_decomposition

LEDGER = Path(__file__).parents[2] / "fixtures" / "ledgers" / "corporate_actions.beancount"
START, END = dt.date(2025, 1, 2), dt.date(2025, 6, 30)
ACCOUNTS = ["Assets:Broker"]
INTERNAL = ["Income:Broker", "Expenses:Broker"]
BASES = ("CAD", "USD")
WITHIN = 1e-10  # each linked effect, a fraction of the start value


@pytest.fixture(scope="module")
def brokerage(
    pg_admin_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    name = f"dawsos_ca_{uuid.uuid4().hex[:8]}"
    ensure_database(pg_admin_url, name, template=template_database)
    url = with_database(pg_admin_url, name)
    db = Database(lambda: url)
    repo = LedgerRepo(tmp_path_factory.mktemp("brokerage") / "ledger")
    repo.commit({"main.beancount": LEDGER.read_text()})
    sync_ledger(db, repo.path)
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
    yield db
    db.close()
    drop_database(pg_admin_url, name)


@pytest.fixture(scope="module", params=BASES)
def both(
    brokerage: Database, request: pytest.FixtureRequest
) -> tuple[Attribution, float, Decomposition]:
    base = request.param
    answer = portfolio_performance(brokerage, f"broker-{base.lower()}", START, END, policy="ECB")
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
