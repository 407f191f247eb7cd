"""Self-checks of the reference return decomposition on the corporate-actions fixture ledger."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from tests.oracles.decomposition import (
    EFFECTS,
    DayDecomposition,
    Decomposition,
    MissingPriceError,
    classify,
    reference_decomposition,
)
from tests.oracles.valuation import Day, converter, reference_days, reference_twr

LEDGER = (
    Path(__file__).resolve().parents[1] / "fixtures" / "ledgers" / "corporate_actions.beancount"
)
START, END = dt.date(2025, 1, 2), dt.date(2025, 6, 30)
PORTFOLIO = ["Assets:Broker"]  # Assets:External:* (the other bank, the old broker) is outside
INTERNAL = ["Income:Broker", "Expenses:Broker"]
TINY = Decimal("1e-12")
CENTS = Decimal("1e-9")  # "zero" for a value in base currency


def rate(currency: str, base: str, d: dt.date) -> Decimal:
    return converter().convert(Decimal(1), currency, base, date=d)


def at(decomposition: Decomposition, iso: str) -> DayDecomposition:
    (day,) = (d for d in decomposition.days if d.date == dt.date.fromisoformat(iso))
    return day


def r_of(prev: Day, day: Day) -> float:
    """The valuation oracle's r_t, exactly as reference_twr computes it."""
    denominator = float(prev.value) + float(day.flow_in)
    if denominator == 0:
        return 0.0
    return (float(day.value) + float(day.flow_out)) / denominator - 1


@pytest.fixture(scope="module", params=["CAD", "USD"])
def decomposed(request: pytest.FixtureRequest) -> tuple[str, Decomposition]:
    base = request.param
    return base, reference_decomposition(LEDGER, PORTFOLIO, INTERNAL, base, START, END)


def test_ledger_loads_without_errors() -> None:
    entries, errors, options = loader.load_file(str(LEDGER))
    assert errors == []
    assert options["operating_currency"] == []  # no base currency is presumed
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    assert len(txns) == 31  # 4 opening balances, 27 events
    quotes = {(e.currency, e.amount.currency) for e in entries if isinstance(e, data.Price)}
    assert quotes == {
        ("ACME", "USD"),
        ("BOLT", "USD"),
        ("CORA", "USD"),
        ("ZETA", "USD"),
        ("RNDT", "USD"),
        ("EUST", "EUR"),
    }
    quoted = {c for c, _ in quotes}
    used = set()
    for txn in txns:
        for p in txn.postings:
            used.add(p.units.currency)
            used |= {a.currency for a in (p.cost, p.price) if a is not None}
    assert used - quoted == {"USD", "CAD", "EUR"}  # all published by the ECB
    assert any(t.date.weekday() >= 5 for t in txns)


def test_quotes_follow_the_corporate_actions() -> None:
    entries, _, _ = loader.load_file(str(LEDGER))
    price = {
        (e.date.isoformat(), e.currency): e.amount.number
        for e in entries
        if isinstance(e, data.Price)
    }
    # The quote halves on the 2:1 split, triples on the 1:3 reverse split and drops by about
    # 1/1.05 on the 5% stock dividend: each is within 5% of the previous close so adjusted.
    for before, after, ticker, ratio in [
        ("2025-03-11", "2025-03-12", "ACME", Decimal(2)),
        ("2025-04-08", "2025-04-09", "BOLT", Decimal(1) / 3),
        ("2025-05-13", "2025-05-14", "CORA", Decimal("1.05")),
    ]:
        adjusted = price[after, ticker] * ratio / price[before, ticker]
        assert abs(adjusted - 1) < Decimal("0.05")
    assert price["2025-03-19", "RNDT"] not in (Decimal("25.12"), Decimal("25.84"))


@pytest.mark.parametrize("base", ["CAD", "USD", "EUR"])
@pytest.mark.parametrize(
    ("accounts", "internal"),
    [
        (PORTFOLIO, INTERNAL),
        (PORTFOLIO, []),  # income and costs are then flows
        (["Assets:Broker:US"], INTERNAL),  # the CAD account is outside
        (["Assets:Broker:CA"], ["Income:Broker:Interest", "Expenses:Broker:Fees"]),
        (["Assets:External:OldBroker"], []),  # empty after 2025-02-12: D_t = 0
    ],
)
def test_each_day_sums_to_its_return(base: str, accounts: list[str], internal: list[str]) -> None:
    days = reference_days(LEDGER, accounts, internal, base, START, END)
    result = reference_decomposition(LEDGER, accounts, internal, base, START, END)
    assert [d.date for d in result.days] == [d.date for d in days[1:]]
    for (prev, day), dec in zip(itertools.pairwise(days), result.days, strict=True):
        expected = r_of(prev, day)
        assert abs(dec.r_t - expected) < 1e-15
        assert abs(dec.returns.total() - expected) < 1e-12, dec.date
        assert dec.denominator == prev.value + day.flow_in
        change = day.value + day.flow_out - prev.value - day.flow_in
        assert abs(dec.values.total() - change) < TINY, dec.date
        assert abs(dec.residual) < TINY
    assert abs(result.portfolio.total - result.T) < 1e-12
    assert abs(result.T - reference_twr(days)) < 1e-12
    if accounts == ["Assets:External:OldBroker"]:
        empty = [d for d in result.days if d.denominator == 0]
        assert len(empty) > 90
        assert all(d.r_t == 0 and d.returns.total() == 0 for d in empty)


def test_linked_totals_sum_to_twr(decomposed: tuple[str, Decomposition]) -> None:
    base, result = decomposed
    days = reference_days(LEDGER, PORTFOLIO, INTERNAL, base, START, END)
    assert abs(result.T - reference_twr(days)) < 1e-12
    p = result.portfolio
    parts = [getattr(p, name) for name in EFFECTS] + [p.other]
    assert abs(sum(parts) - result.T) < 1e-12
    assert abs(p.total - result.T) < 1e-12
    assert abs(p.income - p.dividends - p.interest) < 1e-15
    assert abs(p.costs - p.commissions - p.fees - p.withholding) < 1e-15
    holdings = result.holdings.values()
    assert all(h.other == 0 for h in holdings)
    for name in ("local", "fx", "interaction", "trading"):
        assert abs(sum(getattr(h, name) for h in holdings) - getattr(p, name)) < 1e-14
    # Some income and costs belong to no holding: cash interest, the account fee, one tax.
    unattributed = {
        name: getattr(p, name) - sum(getattr(h, name) for h in holdings)
        for name in ("dividends", "interest", "commissions", "fees", "withholding")
    }
    assert unattributed["interest"] > 1e-4
    assert unattributed["fees"] < -1e-4
    assert unattributed["withholding"] < -1e-4
    assert abs(unattributed["dividends"]) < 1e-15
    assert abs(unattributed["commissions"]) < 1e-15
    assert all(abs(h.interest) < 1e-15 and abs(h.fees) < 1e-15 for h in holdings)
    unattributed_total = sum(unattributed.values())
    assert abs(sum(h.total for h in holdings) + unattributed_total + p.other - result.T) < 1e-12
    assert p.costs < 0 < p.income
    assert p.other > 0  # the promotional credit


def test_carino_linking_by_hand() -> None:
    # Two days, 2025-03-12 and 2025-03-13: each effect is k_t / k times its daily return.
    start, end = dt.date(2025, 3, 11), dt.date(2025, 3, 13)
    result = reference_decomposition(LEDGER, PORTFOLIO, INTERNAL, "CAD", start, end)
    r1, r2 = (d.r_t for d in result.days)
    big_t = (1 + r1) * (1 + r2) - 1
    assert abs(result.T - big_t) < 1e-15
    k1, k2, k = (math.log(1 + r) / r for r in (r1, r2, big_t))
    e1, e2 = (d.returns.holdings["ACME"].local for d in result.days)
    assert abs(result.holdings["ACME"].local - (k1 * e1 + k2 * e2) / k) < 1e-15
    assert abs(result.holdings["ACME"].local - (e1 + e2)) > 1e-7  # linking is not a sum


@pytest.mark.parametrize(
    ("iso", "ticker", "before", "after", "units_before", "units_after", "ratio"),
    [
        # 2:1 split: 30 ACME at 182.40 become 60 at a close of 93.99.
        ("2025-03-12", "ACME", "182.40", "93.99", 30, 60, (2, 1)),
        # 1:3 reverse split: 90 BOLT at 14.73 become 30 at a close of 45.13.
        ("2025-04-09", "BOLT", "14.73", "45.13", 90, 30, (1, 3)),
        # 5% stock dividend at cost 0: 100 CORA at 48.88 become 105 at a close of 46.81.
        ("2025-05-14", "CORA", "48.88", "46.81", 100, 105, (21, 20)),
    ],
)
def test_corporate_actions_are_only_price_moves(
    decomposed: tuple[str, Decomposition],
    iso: str,
    ticker: str,
    before: str,
    after: str,
    units_before: int,
    units_after: int,
    ratio: tuple[int, int],
) -> None:
    base, result = decomposed
    day = at(result, iso)
    t = dt.date.fromisoformat(iso)
    x0, x1 = rate("USD", base, t - dt.timedelta(days=1)), rate("USD", base, t)
    p0, p1 = Decimal(before), Decimal(after)
    new, old = ratio  # new units per old unit
    assert units_after * old == units_before * new
    # The price move of the old units, the new close adjusted by the ratio, in USD, at the
    # previous day's rate; the same as units_after * p1 - units_before * p0.
    move = units_before * (p1 * new - p0 * old) / old
    assert move == units_after * p1 - units_before * p0
    effects = day.values.holdings[ticker]
    assert abs(effects.local - move * x0) < TINY
    assert abs(effects.fx - units_before * p0 * (x1 - x0)) < TINY
    assert abs(effects.interaction - move * (x1 - x0)) < TINY
    assert effects.trading == 0
    assert effects.income == effects.costs == 0
    assert abs(effects.local) < Decimal("0.05") * units_before * p0 * x0  # no jump of units
    if base == "USD":
        assert abs(effects.fx) < TINY
        assert abs(effects.interaction) < TINY
    assert day.values.other == 0


def test_intraday_round_trip_is_all_trading(decomposed: tuple[str, Decomposition]) -> None:
    base, result = decomposed
    day = at(result, "2025-03-19")
    x = rate("USD", base, day.date)
    rndt = day.values.holdings["RNDT"]
    # Bought 40 at 25.12 and sold 40 at 25.84 within the day, not at the close of 25.50.
    assert abs(rndt.trading - 40 * (Decimal("25.84") - Decimal("25.12")) * x) < TINY
    assert rndt.local == rndt.fx == rndt.interaction == 0
    assert abs(rndt.commissions - Decimal("-2.00") * x) < TINY
    assert rndt.dividends == rndt.interest == rndt.fees == rndt.withholding == 0
    assert abs(day.values.other) < CENTS  # the sale's @ price and its PnL posting cancel
    assert "RNDT" in result.holdings


def test_withholding_and_commissions_are_negative_costs(
    decomposed: tuple[str, Decomposition],
) -> None:
    base, result = decomposed

    def x(currency: str, iso: str) -> Decimal:
        return rate(currency, base, dt.date.fromisoformat(iso))

    # CORA's dividend names it in its income account; the tax withheld does not: unattributed.
    day = at(result, "2025-02-14")
    cora = day.values.holdings["CORA"]
    assert abs(cora.dividends - Decimal("50.00") * x("USD", "2025-02-14")) < TINY
    assert cora.withholding == 0
    assert (
        abs(day.values.unattributed.withholding + Decimal("7.50") * x("USD", "2025-02-14")) < TINY
    )
    # EUST's dividend and tax both name it.
    eust = at(result, "2025-04-16").values.holdings["EUST"]
    assert abs(eust.dividends - Decimal("12.00") * x("EUR", "2025-04-16")) < TINY
    assert abs(eust.withholding + Decimal("1.80") * x("EUR", "2025-04-16")) < TINY
    # ZETA's reinvested dividend names it nowhere but in its units: attributed to ZETA.
    day = at(result, "2025-05-21")
    zeta = day.values.holdings["ZETA"]
    assert abs(zeta.dividends - Decimal("20.00") * x("USD", "2025-05-21")) < TINY
    assert abs(zeta.withholding + Decimal("3.00") * x("USD", "2025-05-21")) < TINY
    # 0.25 units bought at 68.00 against a close of 68.45.
    assert abs(zeta.trading - Decimal("0.25") * Decimal("0.45") * x("USD", "2025-05-21")) < TINY
    assert day.values.unattributed.total == 0
    # Commissions go to the one security traded.
    for iso, ticker, amount, currency in [
        ("2025-01-23", "EUST", "2.00", "EUR"),
        ("2025-02-05", "ACME", "4.95", "USD"),
        ("2025-05-07", "ACME", "4.95", "USD"),
        ("2025-06-18", "BOLT", "4.95", "USD"),
    ]:
        day = at(result, iso)
        effects = day.values.holdings[ticker]
        assert abs(effects.commissions + Decimal(amount) * x(currency, iso)) < TINY
        assert effects.costs == effects.commissions
        assert day.values.unattributed.total == 0
    # Cash interest and the account fee belong to no holding.
    day = at(result, "2025-03-31")
    assert abs(day.values.unattributed.fees + Decimal("15.00") * x("CAD", "2025-03-31")) < TINY
    assert abs(day.values.unattributed.interest - Decimal("7.03") * x("USD", "2025-03-31")) < TINY
    assert day.values.unattributed.commissions == day.values.unattributed.withholding == 0
    assert result.portfolio.withholding < 0
    assert result.portfolio.commissions < 0
    assert result.portfolio.fees < 0


def test_trades_away_from_the_close(decomposed: tuple[str, Decomposition]) -> None:
    base, result = decomposed
    # Bought 10 ACME at 180.72, closing at 182.03.
    day = at(result, "2025-02-05")
    x = rate("USD", base, day.date)
    acme = day.values.holdings["ACME"]
    assert abs(acme.trading - 10 * (Decimal("182.03") - Decimal("180.72")) * x) < TINY
    # Sold 20 ACME at 125.91, closing at 125.46, with an @ price and the gain to the internal
    # Income:Broker:PnL: trading is the 0.45 a unit above the close, other stays 0.
    day = at(result, "2025-05-07")
    x = rate("USD", base, day.date)
    acme = day.values.holdings["ACME"]
    assert abs(acme.trading - 20 * (Decimal("125.91") - Decimal("125.46")) * x) < TINY
    assert abs(day.values.other) < CENTS
    # Unclassified internal income is other: the 25.00 USD promotional credit.
    day = at(result, "2025-04-23")
    assert abs(day.values.other - Decimal("25.00") * rate("USD", base, day.date)) < TINY
    # USD bought at the bank's 1.4200 CAD instead of the ECB's rate: trading of the USD.
    day = at(result, "2025-01-15")
    usd = day.values.holdings["USD"]
    expected = 5000 * rate("USD", base, day.date) - Decimal("7100.00") * rate("CAD", base, day.date)
    assert abs(usd.trading - expected) < TINY
    assert abs(expected) > 50 * rate("USD", base, day.date)


def test_transfer_in_at_cost_has_no_trading(decomposed: tuple[str, Decomposition]) -> None:
    base, result = decomposed
    day = at(result, "2025-02-12")
    zeta = day.values.holdings["ZETA"]
    assert abs(zeta.trading) < CENTS  # 25 x (64.87 - 60.00) on each side, cancelling
    assert zeta.local == zeta.fx == zeta.interaction == 0
    assert zeta.total == zeta.trading
    assert abs(day.values.other) < CENTS
    (valued,) = reference_days(LEDGER, PORTFOLIO, INTERNAL, base, day.date, day.date)
    assert abs(valued.flow_in - 25 * Decimal("64.87") * rate("USD", base, day.date)) < TINY


def test_weekend_postings_count_on_monday(decomposed: tuple[str, Decomposition]) -> None:
    base, result = decomposed
    # Interest credited on Saturday 2025-05-31 counts on Monday 2025-06-02, at its rate.
    assert at(result, "2025-05-30").values.unattributed.interest == 0
    monday = at(result, "2025-06-02")
    expected = Decimal("5.87") * rate("USD", base, monday.date)
    assert abs(monday.values.unattributed.interest - expected) < TINY
    # The deposit of Saturday 2025-03-01 is in Monday's denominator.
    monday = at(result, "2025-03-03")
    days = reference_days(LEDGER, PORTFOLIO, INTERNAL, base, dt.date(2025, 2, 28), monday.date)
    assert days[1].flow_in == Decimal("2000.00") * rate("CAD", base, monday.date)
    assert monday.denominator == days[0].value + days[1].flow_in
    assert abs(monday.values.holdings["CAD"].trading) < CENTS


def test_classify() -> None:
    assert classify("Income:Broker:CORA:Dividend") == "dividends"
    assert classify("Income:Broker:Dividends") == "dividends"
    assert classify("Income:Broker:Interest") == "interest"
    assert classify("Expenses:Broker:Commissions") == "commissions"
    assert classify("Expenses:Broker:Fees") == "fees"
    assert classify("Expenses:Taxes:Withholding") == "withholding"
    assert classify("Expenses:Tax") == "withholding"
    assert classify("Expenses:Fees:Commission") == "commissions"  # the leaf decides
    assert classify("Income:Dividends:Interest") == "interest"
    assert classify("Income:Broker:PnL") is None
    assert classify("Income:Broker:Promotion") is None


def test_stale_price_is_an_error() -> None:
    # The last quotes are from 2025-06-30: on 2025-07-08 they are 8 days old.
    with pytest.raises(MissingPriceError, match=r"(ACME|BOLT|CORA|ZETA|EUST).*2025-07-08"):
        reference_decomposition(
            LEDGER, PORTFOLIO, INTERNAL, "CAD", dt.date(2025, 6, 30), dt.date(2025, 7, 8)
        )
