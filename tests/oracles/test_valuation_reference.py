"""Self-checks of the reference valuation on the multi-currency fixture ledger (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount

from tests.oracles.valuation import (
    Day,
    MissingPriceError,
    converter,
    reference_days,
    reference_twr,
)

LEDGER = Path(__file__).resolve().parents[1] / "fixtures" / "ledgers" / "multicurrency.beancount"
START, END = dt.date(2025, 1, 2), dt.date(2025, 6, 30)
HOUSEHOLD = ["Assets:Broker", "Assets:Bank"]
HOUSEHOLD_INTERNAL = ["Income:Dividends", "Income:PnL", "Expenses:Fees"]
US = ["Assets:Broker:US"]
US_INTERNAL = ["Income:Dividends:US", "Income:PnL:US", "Expenses:Fees:US"]
EU = ["Assets:Broker:EU"]
EU_INTERNAL = ["Income:Dividends:EU", "Income:PnL:EU", "Expenses:Fees:EU"]
SLEEVE = ["Assets:Sleeve"]  # XIC only; its cash is in chequing, outside the sleeve
SLEEVE_INTERNAL = ["Income:PnL:Sleeve"]
XIC_BUY, XIC_SALE = dt.date(2025, 4, 24), dt.date(2025, 6, 12)  # both Thursdays
TINY = Decimal("1e-12")


def by_date(days: list[Day]) -> dict[dt.date, Day]:
    return {d.date: d for d in days}


@pytest.fixture(scope="module")
def household_cad() -> dict[dt.date, Day]:
    return by_date(reference_days(LEDGER, HOUSEHOLD, HOUSEHOLD_INTERNAL, "CAD", START, END))


def hand_value(holdings: dict[str, str], prices: dict[str, tuple[str, str]], d: dt.date) -> Decimal:
    """Sum of converter.convert(amount, currency, "CAD", date=d), amounts priced by hand."""
    cc = converter()
    total = Decimal(0)
    for commodity, units in holdings.items():
        if commodity in prices:
            price, quote = prices[commodity]
            total += cc.convert(Decimal(units) * Decimal(price), quote, "CAD", date=d)
        else:
            total += cc.convert(Decimal(units), commodity, "CAD", date=d)
    return total


def test_ledger_loads_without_errors() -> None:
    entries, errors, options = loader.load_file(str(LEDGER))
    assert errors == []
    assert options["operating_currency"] == ["CAD", "USD"]
    quoted = {e.currency for e in entries if isinstance(e, data.Price)}
    assert quoted == {"AAPL", "VTI", "BRK.B", "VWCE", "IWDA", "XIC", "GBP", "USD"}
    assert sum(isinstance(e, data.Transaction) for e in entries) == 50


def test_calendar_is_every_weekday(household_cad: dict[dt.date, Day]) -> None:
    dates = sorted(household_cad)
    assert dates[0] == START
    assert dates[-1] == END
    assert len(dates) == 128
    assert all(d.weekday() < 5 for d in dates)
    assert dt.date(2025, 4, 18) in household_cad  # Good Friday: no holiday calendar


def test_hand_checked_wednesday(household_cad: dict[dt.date, Day]) -> None:
    # End of Wednesday 2025-03-12, an ECB fixing day. Units read from the ledger; quotes are
    # that day's closes, VWCE's being the second (corrected) quote of the day, not 138.65.
    d = dt.date(2025, 3, 12)
    holdings = {
        "CAD": "10800.00",
        "GBP": "3700.00",
        "USD": "9573.17",
        "EUR": "5066.81",
        "AAPL": "30",
        "VTI": "35",
        "BRK.B": "15",
        "VWCE": "75",
        "IWDA": "80",
    }
    prices = {
        "AAPL": ("232.01", "USD"),
        "VTI": ("290.36", "USD"),
        "BRK.B": ("501.15", "USD"),
        "VWCE": ("127.54", "EUR"),
        "IWDA": ("103.92", "EUR"),
    }
    expected = hand_value(holdings, prices, d)
    assert abs(household_cad[d].value - expected) < TINY
    assert household_cad[d].flow_in == household_cad[d].flow_out == 0


def test_good_friday_uses_thursday_fixing_and_quotes(household_cad: dict[dt.date, Day]) -> None:
    # 2025-04-18: no ECB fixing, NYSE and Xetra closed; everything comes from 2025-04-17.
    holdings = {
        "CAD": "19799.60",
        "GBP": "3700.00",
        "USD": "5011.55",
        "EUR": "5139.59",
        "AAPL": "45",
        "VTI": "35",
        "BRK.B": "15",
        "VWCE": "75",
        "IWDA": "100",
    }
    prices = {
        "AAPL": ("187.62", "USD"),
        "VTI": ("255.71", "USD"),
        "BRK.B": ("531.25", "USD"),
        "VWCE": ("114.89", "EUR"),
        "IWDA": ("92.17", "EUR"),
    }
    expected = hand_value(holdings, prices, dt.date(2025, 4, 17))
    day = household_cad[dt.date(2025, 4, 18)]
    assert abs(day.value - expected) < TINY
    assert day.flow_out == Decimal("350.40")  # groceries, a CAD outflow


def test_misleading_currency_prices_are_ignored() -> None:
    d = dt.date(2025, 1, 2)
    (sterling,) = reference_days(LEDGER, ["Assets:Bank:Sterling"], [], "CAD", d, d)
    per_gbp = sterling.value / Decimal("2500.00")
    assert per_gbp != Decimal("1.50")
    assert abs(per_gbp - Decimal("1.4885") / Decimal("0.83118")) < TINY  # ECB, about 1.7908
    (us_cash,) = reference_days(LEDGER, ["Assets:Broker:US"], [], "CAD", d, d)
    stocks_usd = 40 * Decimal("243.85") + 25 * Decimal("289.70") + 12 * Decimal("452.40")
    per_usd = us_cash.value / (Decimal("8000.00") + stocks_usd)
    assert abs(per_usd - Decimal("1.4885") / Decimal("1.0321")) < TINY  # not 1.30


def test_weekend_flows_count_on_monday(household_cad: dict[dt.date, Day]) -> None:
    # Sunday 2025-02-09: 1200 GBP from a friend, valued at Monday's ECB rate.
    assert household_cad[dt.date(2025, 2, 7)].flow_in == 0
    monday = household_cad[dt.date(2025, 2, 10)]
    expected = converter().convert(Decimal(1200), "GBP", "CAD", date=dt.date(2025, 2, 10))
    assert abs(monday.flow_in - expected) < TINY
    # Saturday 2025-03-15 salary; Sunday 2025-06-15 salary; Saturday 2025-06-28 expense.
    assert household_cad[dt.date(2025, 3, 14)].flow_in == 0
    assert household_cad[dt.date(2025, 3, 17)].flow_in == Decimal("4250.00")
    assert household_cad[dt.date(2025, 6, 13)].flow_in == 0
    assert household_cad[dt.date(2025, 6, 16)].flow_in == Decimal("4250.00")
    last = household_cad[dt.date(2025, 6, 30)]
    assert (last.flow_in, last.flow_out) == (Decimal("4250.00"), Decimal("420.75"))


def test_internal_income_and_fees_are_no_flow() -> None:
    div = dt.date(2025, 2, 13)
    for accounts, internal in [(HOUSEHOLD, HOUSEHOLD_INTERNAL), (US, US_INTERNAL)]:
        (day,) = reference_days(LEDGER, accounts, internal, "USD", div, div)
        assert day.flow_in == day.flow_out == 0
    # The same dividend is a flow once Income:Dividends is outside the portfolio side.
    (day,) = reference_days(LEDGER, US, ["Income:PnL:US", "Expenses:Fees:US"], "USD", div, div)
    assert (day.flow_in, day.flow_out) == (Decimal("10.00"), 0)
    # Withholding tax goes to an outside account: an outflow of 4.89 USD.
    wht = dt.date(2025, 3, 27)
    (day,) = reference_days(LEDGER, US, US_INTERNAL, "USD", wht, wht)
    assert (day.flow_in, day.flow_out) == (0, Decimal("4.89"))
    # Quarterly fees on the portfolio side only: no flow.
    q_end = dt.date(2025, 3, 31)
    (day,) = reference_days(LEDGER, EU, EU_INTERNAL, "EUR", q_end, q_end)
    assert day.flow_in == day.flow_out == 0


def test_move_between_brokerage_accounts(household_cad: dict[dt.date, Day]) -> None:
    # A Wednesday: 2000 USD from the US account become 1800.18 EUR in the EU account. Each
    # sleeve's flow is the other leg, outside it, valued at the day's ECB rate, not the
    # amount booked in the sleeve itself.
    d = dt.date(2025, 4, 9)
    cc = converter()
    assert household_cad[d].flow_in == household_cad[d].flow_out == 0
    (eu,) = reference_days(LEDGER, EU, EU_INTERNAL, "EUR", d, d)
    assert eu.flow_out == 0
    assert abs(eu.flow_in - cc.convert(Decimal("2000.00"), "USD", "EUR", date=d)) < TINY
    assert abs(eu.flow_in - Decimal("1800.18")) > 1  # about 1810.77 EUR
    (us,) = reference_days(LEDGER, US, US_INTERNAL, "USD", d, d)
    assert us.flow_in == 0
    assert abs(us.flow_out - cc.convert(Decimal("1800.18"), "EUR", "USD", date=d)) < TINY
    assert abs(us.flow_out - Decimal("2000.00")) > 1  # about 1988.30 USD
    # 2025-01-13: 5000 CAD from chequing arrive as 3441.63 USD; the US sleeve's IN is the CAD.
    t = dt.date(2025, 1, 13)
    (us,) = reference_days(LEDGER, US, US_INTERNAL, "USD", t, t)
    assert us.flow_out == 0
    assert abs(us.flow_in - cc.convert(Decimal("5000.00"), "CAD", "USD", date=t)) < TINY


def test_sale_whose_cash_leaves_the_sleeve(household_cad: dict[dt.date, Day]) -> None:
    # The XIC sleeve holds no cash: the buy is paid from chequing and the sale's proceeds go
    # back to chequing, with the realised gain posted to the internal Income:PnL:Sleeve.
    entries, _, _ = loader.load_file(str(LEDGER))
    chequing = {
        e.date: p.units
        for e in entries
        if isinstance(e, data.Transaction) and e.date in (XIC_BUY, XIC_SALE)
        for p in e.postings
        if p.account == "Assets:Bank:Chequing"
    }
    assert chequing[XIC_BUY] == Amount(Decimal("-3640.00"), "CAD")
    assert chequing[XIC_SALE] == Amount(Decimal("2356.20"), "CAD")
    days = by_date(reference_days(LEDGER, SLEEVE, SLEEVE_INTERNAL, "CAD", XIC_BUY, END))
    buy, sale = days[XIC_BUY], days[XIC_SALE]
    assert (buy.flow_in, buy.flow_out) == (Decimal("3640.00"), 0)  # the CAD paid
    assert (sale.flow_in, sale.flow_out) == (0, Decimal("2356.20"))  # the CAD received
    # Not the old rule's stock leg plus PnL posting: 60 x 39.27 + 172.20 = 2528.40.
    assert sale.flow_out != Decimal("2528.40")
    flow_days = {d for d, day in days.items() if day.flow_in or day.flow_out}
    assert flow_days == {XIC_BUY, XIC_SALE}
    assert buy.value == 100 * Decimal("36.40")
    assert sale.value == 40 * Decimal("39.27")
    assert days[END].value == 40 * Decimal("39.80")
    # The household, outside which the sleeve lies, sees the XIC legs, valued at the day's
    # quote: the trades were at that quote, so these are the same CAD amounts, reversed.
    h_buy, h_sale = household_cad[XIC_BUY], household_cad[XIC_SALE]
    assert (h_buy.flow_in, h_buy.flow_out) == (0, Decimal("3640.00"))
    assert (h_sale.flow_in, h_sale.flow_out) == (Decimal("2356.20"), 0)


def test_first_day_flows_are_ignored_by_the_return(household_cad: dict[dt.date, Day]) -> None:
    days = [household_cad[d] for d in sorted(household_cad)]
    # The opening balances count as their Equity legs, the securities at cost, so IN is
    # below the market value that came in.
    equity_legs = {"CAD": "12000.00", "GBP": "2500.00", "USD": "25108.00", "EUR": "17700.00"}
    assert abs(days[0].flow_in - hand_value(equity_legs, {}, START)) < TINY
    assert days[0].value - days[0].flow_in > 10000
    first_two = reference_twr(days[:2])
    assert first_two == pytest.approx(
        (float(days[1].value) + float(days[1].flow_out))
        / (float(days[0].value) + float(days[1].flow_in))
        - 1
    )


def test_twr_depends_on_the_base_currency(household_cad: dict[dt.date, Day]) -> None:
    cad = reference_twr([household_cad[d] for d in sorted(household_cad)])
    eur = reference_twr(reference_days(LEDGER, HOUSEHOLD, HOUSEHOLD_INTERNAL, "EUR", START, END))
    usd = reference_twr(reference_days(LEDGER, HOUSEHOLD, HOUSEHOLD_INTERNAL, "USD", START, END))
    assert abs(cad - eur) > 0.05
    assert abs(usd - cad) > 0.03
    assert eur < cad < usd  # the euro rose against CAD, which rose against USD


def test_stale_price_is_an_error() -> None:
    # The last quotes are from 2025-06-30: on 2025-07-08 they are 8 days old.
    with pytest.raises(MissingPriceError, match=r"(AAPL|BRK\.B|VTI|VWCE|IWDA).*2025-07-08"):
        reference_days(LEDGER, HOUSEHOLD, HOUSEHOLD_INTERNAL, "CAD", END, dt.date(2025, 7, 8))
    days = reference_days(LEDGER, ["Assets:Bank"], [], "CAD", END, dt.date(2025, 7, 8))
    assert len(days) == 7  # cash only: ECB rates still exist
