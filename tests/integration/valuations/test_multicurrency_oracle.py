"""One set of ECB packs values a household's books in CAD, USD, EUR and GBP side by side:
every day's value and flows and the TWR equal an independent computation from Beancount and
the ECB history (tests/oracles, which imports nothing from dawsos_core), within 1e-9.

The ledger holds a USD brokerage, EUR ETFs, CAD chequing and GBP cash, ledger prices between
currencies that must be ignored, weekend flows, a long commodity code (BRK.B), a broker
sleeve, and a stock-only sleeve whose cash lives outside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from dawsos_core.analytics.periods import period_figures, periods_of
from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.valuations import portfolio_performance, portfolio_window
from tests.integration.conftest import backfill_ecb, rows, synced_database
from tests.oracles.valuation import reference_days, reference_twr

LEDGER = Path(__file__).parents[2] / "fixtures" / "ledgers" / "multicurrency.beancount"
START, END = dt.date(2025, 1, 2), dt.date(2025, 6, 30)
HOUSEHOLD = ["Assets:Broker", "Assets:Bank"]
HOUSEHOLD_INTERNAL = ["Income:Dividends", "Income:PnL", "Expenses:Fees"]
EU = ["Assets:Broker:EU"]
EU_INTERNAL = ["Income:Dividends:EU", "Income:PnL:EU", "Expenses:Fees:EU"]

PORTFOLIOS = {
    "home-cad": (HOUSEHOLD, HOUSEHOLD_INTERNAL, "CAD"),
    "home-usd": (HOUSEHOLD, HOUSEHOLD_INTERNAL, "USD"),
    "home-eur": (HOUSEHOLD, HOUSEHOLD_INTERNAL, "EUR"),
    "home-gbp": (HOUSEHOLD, HOUSEHOLD_INTERNAL, "GBP"),
    "eu-cad": (EU, EU_INTERNAL, "CAD"),
    "sleeve-cad": (["Assets:Sleeve"], ["Income:PnL:Sleeve"], "CAD"),
}


@pytest.fixture(scope="module")
def household(
    pg_admin_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, str]]:
    with synced_database(
        pg_admin_url,
        template_database,
        tmp_path_factory.mktemp("household") / "ledger",
        {"main.beancount": LEDGER.read_text()},
    ) as (db, url):
        for pid, (accounts, internal, base) in PORTFOLIOS.items():
            create_portfolio(
                db,
                PortfolioSpec(
                    id=pid,
                    owner_sub="home",
                    account_prefixes=accounts,
                    internal_prefixes=internal,
                    base_currency=base,
                ),
            )
        backfill_ecb(db, START, END, today=dt.date(2025, 7, 1))
        yield db, url


def relative(ours: Decimal, theirs: Decimal) -> float:
    if theirs == 0:
        return float(abs(ours))
    return float(abs(ours / theirs - 1))


@pytest.mark.parametrize("portfolio_id", sorted(PORTFOLIOS))
def test_daily_values_flows_and_twr_equal_the_reference(
    household: tuple[Database, str], portfolio_id: str
) -> None:
    db, url = household
    accounts, internal, base = PORTFOLIOS[portfolio_id]

    window = portfolio_window(db, portfolio_id, START, END, policy="ECB")
    # the window opens where the portfolio's history begins (the stock-only sleeve's later)
    expected = reference_days(LEDGER, accounts, internal, base, window.start, END)
    answer = portfolio_performance(db, portfolio_id, START, END, policy="ECB")
    stored = rows(
        url,
        "SELECT date, value_base, flow_in_base, flow_out_base FROM valuations"
        " WHERE portfolio_id = %s AND date >= %s ORDER BY date",
        portfolio_id,
        window.start,
    )

    assert window.series.dates == [d.date for d in expected] == [r["date"] for r in stored]
    worst = max(
        max(
            relative(r["value_base"], d.value),
            relative(r["flow_in_base"], d.flow_in),
            relative(r["flow_out_base"], d.flow_out),
        )
        for r, d in zip(stored, expected, strict=True)
    )
    assert worst < 1e-9
    assert answer.metrics.twr == pytest.approx(reference_twr(expected), abs=1e-9)
    assert answer.base_currency == base


def test_one_set_of_packs_serves_every_base(household: tuple[Database, str]) -> None:
    _, url = household

    packs = rows(url, "SELECT date, count(*) AS n FROM pricing_packs GROUP BY date")
    valued = rows(
        url,
        "SELECT portfolio_id, count(DISTINCT pack_id) AS n, min(base_currency) AS base"
        " FROM valuations GROUP BY portfolio_id ORDER BY portfolio_id",
    )

    assert {p["n"] for p in packs} == {1}  # one pack a day, whatever the base
    assert len(packs) == len(weekdays(START, END))
    assert [(v["portfolio_id"], v["n"], v["base"]) for v in valued] == [
        (pid, len(packs), PORTFOLIOS[pid][2]) for pid in sorted(PORTFOLIOS)
    ]


def test_currency_attribution_is_made_in_each_base(household: tuple[Database, str]) -> None:
    db, _ = household

    in_cad = portfolio_performance(db, "home-cad", START, END, policy="ECB").attribution
    in_usd = portfolio_performance(db, "home-usd", START, END, policy="ECB").attribution

    assert abs(in_cad.by_holding["CAD"]["fx"]) < 1e-15  # the base has no FX effect in itself
    assert abs(in_usd.by_holding["USD"]["fx"]) < 1e-15
    assert abs(in_cad.by_holding["USD"]["fx"]) > 1e-4
    assert abs(in_usd.by_holding["CAD"]["fx"]) > 1e-4
    assert in_cad.by_holding["GBP"]["local"] == 0.0  # cash: FX only
    for a in (in_cad, in_usd):
        parts = a.local + a.fx + a.interaction + a.trading + a.income + a.costs + a.other
        assert parts == pytest.approx(a.total, abs=1e-12)
        assert abs(a.other) < 1e-9  # sales at their price, gains booked: nothing unnamed


def test_a_currency_price_in_the_ledger_is_ignored(household: tuple[Database, str]) -> None:
    _, url = household

    gbp = rows(
        url,
        "SELECT h.fx_rate FROM holding_valuations h JOIN valuations v ON v.id = h.valuation_id"
        " WHERE h.portfolio_id = 'home-cad' AND h.commodity = 'GBP' AND v.date = %s",
        START,
    )[0]

    assert abs(gbp["fx_rate"] - Decimal("1.50")) > Decimal("0.1")  # ECB's, near 1.79


def test_a_window_opening_before_the_history_opens_where_it_begins(
    household: tuple[Database, str],
) -> None:
    db, _ = household

    answer = portfolio_performance(db, "home-cad", dt.date(2024, 1, 1), END, policy="ECB")
    exact = portfolio_performance(db, "home-cad", START, END, policy="ECB")

    assert answer.start == START
    assert answer.window_note is not None
    assert "asked to open on 2024-01-01" in answer.window_note
    assert answer.metrics == exact.metrics
    assert exact.window_note is None


def test_a_stock_only_sleeve_flows_the_cash_that_crossed_its_boundary(
    household: tuple[Database, str],
) -> None:
    _, url = household

    flows = rows(
        url,
        "SELECT date, flow_in_base, flow_out_base FROM valuations"
        " WHERE portfolio_id = 'sleeve-cad' AND (flow_in_base <> 0 OR flow_out_base <> 0)"
        " ORDER BY date",
    )

    assert flows == [
        {"date": dt.date(2025, 4, 24), "flow_in_base": Decimal("3640.00"), "flow_out_base": 0},
        {"date": dt.date(2025, 6, 12), "flow_in_base": 0, "flow_out_base": Decimal("2356.20")},
    ]  # the cash paid and received, not the stock leg plus the internal gain


def test_period_returns_chain_and_equal_their_own_windows(
    household: tuple[Database, str],
) -> None:
    db, _ = household
    whole = portfolio_window(db, "home-usd", START, END, policy="ECB", detail="series")

    figures = {
        f.period.name: f for f in period_figures(whole.series, periods_of(END, START), START)
    }
    qtd = portfolio_performance(db, "home-usd", dt.date(2025, 3, 31), END, policy="ECB")
    before = portfolio_performance(db, "home-usd", START, dt.date(2025, 3, 31), policy="ECB")

    assert figures["QTD"].metrics == qtd.metrics  # the period is its own window
    since = figures["since inception"].metrics
    assert since is not None
    assert (1 + qtd.metrics.twr) * (1 + before.metrics.twr) - 1 == pytest.approx(
        since.twr, abs=1e-12
    )
    assert figures["YTD"].note == "opens where the portfolio's history begins (2025-01-02)"
    assert figures["1y"].metrics == since
    friday = END - dt.timedelta(days=1)
    while friday.weekday() > 4:
        friday -= dt.timedelta(days=1)
    day = portfolio_performance(db, "home-usd", friday, END, policy="ECB")
    assert figures["1d"].metrics == day.metrics  # the day is the window from the weekday before
    assert day.returns == 1
