"""Reference decomposition of a portfolio's daily returns into market, trading, income and cost
effects per holding, linked over a window with Carino's method.

Written independently of ``dawsos_core``: it uses only the standard library, Beancount,
``currency_converter`` (through the valuation oracle's pricer) and ``tests.oracles.valuation``,
whose conventions it builds on unchanged: the weekday calendar, the units held under
``account_prefixes``, ECB rates for currencies, the ledger's ``price`` directives for the other
commodities, external flows measured on the legs outside the portfolio side, weekend postings
counted on the next Monday, and r_t = (V_t + OUT_t) / (V_{t-1} + IN_t) - 1.

Definitions. A *holding* is any commodity, a currency included (priced at 1 in itself). For a
weekday t and the previous weekday t-1: V_c(t) is the base value of holding c at the end of t
(0 when it is not held, i.e. when its units are 0); x_c(t) is the rate to base of c's quote
currency (of c itself for a currency); u_c(t) is the base value of one unit of c on t. The
postings *counted on t* are those of the transactions touching the portfolio side (a posting to
an account under ``account_prefixes`` or ``internal_prefixes``) dated after t-1 and on or before
t. A posting is of kind H (account under ``account_prefixes``), else I (under
``internal_prefixes``), else O. Its *trade value* is units x ``@`` price when it has one, else
units x cost when it has one, else its units; its *weight* is Beancount's (cost first, then
price, then units); both are converted to base at t's rate of the currency they are in.
W_c(t) is the sum of the trade values of the H postings of c counted on t.

Per holding and day:

* P&L_c = V_c(t) - V_c(t-1) - W_c(t): buys and sells move value between the holding and cash at
  the transaction's own price, so units that change without trade value (a split booked as
  sold at the old cost and bought at the new one, a stock dividend at cost 0) earn nothing.
* Trading: a transaction whose H postings of c have trade value w != 0 (and units dq) trades c;
  if c is held at the end of t it adds dq * u_c(t) - w, the gain of dealing away from the close.
  When c is held neither at t-1 nor at t (an intraday round trip), the whole P&L_c is trading.
* Market m_c = P&L_c - trading_c, split when V_c(t-1) != 0 with r_X = x_c(t) / x_c(t-1) - 1 (0
  when c is not held at t): fx = V_c(t-1) r_X, local = V_c(t-1) ((1 + m_c / V_c(t-1)) /
  (1 + r_X) - 1), interaction = m_c - local - fx. When V_c(t-1) = 0 there is no market effect:
  m_c is then trading (the rules above make it 0 except when units arrive at no trade value in a
  holding new that day; this oracle counts such a remainder as trading, so that the identity
  below holds).
* Boundary trading: each O posting counted on t adds its market value on t (valued like a
  holding) minus its trade value to the trading of its commodity, held or not. A security
  transferred in at cost thus has no trading: the holding's close - cost and the boundary's
  cost - close cancel.

Income, costs and other, from the I postings: an I posting is classified by the first of its
account's components, lowercased and read from the leaf towards the root, that is one of
dividend(s) -> dividends, interest -> interest, commission(s) -> commissions, fee(s) -> fees,
withholding / tax / taxes -> withholding, unless its open directive's ``income-class`` metadata
names the class ("none": unclassified); its effect is minus its trade value (income positive,
costs negative). Income = dividends + interest; costs = commissions + fees + withholding. A
classified effect belongs to the first account component (from the leaf) naming a non-currency
commodity held at t-1 or t or with H postings on t; else to the only non-currency commodity of
the transaction's H postings when there is exactly one; else it is unattributed. Other (for the
portfolio only) = minus the trade values of the unclassified I postings plus, over every posting
counted on t, trade value - weight: the two cancel for a sale with an ``@`` price whose realised
gain goes to an internal account.

Identity and linking: V(t) + OUT_t - V(t-1) - IN_t equals the sum of all the effects of t (for
exactly balanced transactions; ``DayDecomposition.residual`` reports what is left, e.g.
Beancount's balancing tolerance). Each effect of t divided by D_t = V(t-1) + IN_t (all 0 when
D_t = 0) is its return contribution, and these sum to r_t. Over the window, T = prod(1 + r_t) - 1
and each effect is linked as sum_t (k_t / k) e_t with k_t = ln(1 + r_t) / r_t (1 - r_t / 2 when
|r_t| < 1e-12) and k the same of T, so the linked effects sum to T.

Values are Decimal (base currency, default context); returns and linking are float. The
decomposed days are the weekdays after ``start`` up to ``end`` (the first day has no return).
A missing price or rate raises ``MissingPriceError`` / ``MissingRateError`` naming what is
missing.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from beancount.core import data

from tests.oracles.valuation import (
    MissingPriceError,
    MissingRateError,
    OracleError,
    _counting_day,
    _Pricer,
    _under,
    _weekdays,
    load_ledger,
    reference_days,
)

__all__ = [
    "CLASSES",
    "EFFECTS",
    "DayDecomposition",
    "DayEffects",
    "Decomposition",
    "HoldingEffects",
    "MissingPriceError",
    "MissingRateError",
    "OracleError",
    "Totals",
    "Unattributed",
    "classify",
    "reference_decomposition",
]

ZERO = Decimal(0)
ONE = Decimal(1)
SMALL_RETURN = 1e-12
VALUE_CHECK = Decimal("1e-12")

MARKET = ("local", "fx", "interaction", "trading")
CLASSES = ("dividends", "interest", "commissions", "fees", "withholding")
EFFECTS = MARKET + CLASSES
INCOME = ("dividends", "interest")
COSTS = ("commissions", "fees", "withholding")

_CLASS_OF_COMPONENT = {
    "dividend": "dividends",
    "dividends": "dividends",
    "interest": "interest",
    "commission": "commissions",
    "commissions": "commissions",
    "fee": "fees",
    "fees": "fees",
    "withholding": "withholding",
    "tax": "withholding",
    "taxes": "withholding",
}

N = TypeVar("N", Decimal, float)


@dataclass(frozen=True)
class HoldingEffects(Generic[N]):
    """One holding's effects on one day: base values (Decimal) or return contributions (float)."""

    local: N
    fx: N
    interaction: N
    trading: N
    dividends: N
    interest: N
    commissions: N
    fees: N
    withholding: N

    @property
    def market(self) -> N:
        return self.local + self.fx + self.interaction

    @property
    def income(self) -> N:
        return self.dividends + self.interest

    @property
    def costs(self) -> N:
        return self.commissions + self.fees + self.withholding

    @property
    def total(self) -> N:
        return self.market + self.trading + self.income + self.costs


@dataclass(frozen=True)
class Unattributed(Generic[N]):
    """Income and costs of one day that belong to no holding."""

    dividends: N
    interest: N
    commissions: N
    fees: N
    withholding: N

    @property
    def income(self) -> N:
        return self.dividends + self.interest

    @property
    def costs(self) -> N:
        return self.commissions + self.fees + self.withholding

    @property
    def total(self) -> N:
        return self.income + self.costs


@dataclass(frozen=True)
class DayEffects(Generic[N]):
    holdings: Mapping[str, HoldingEffects[N]]
    unattributed: Unattributed[N]
    other: N

    def effect(self, name: str) -> N:
        """One effect summed over the holdings (and the unattributed part for a class)."""
        total = sum(getattr(h, name) for h in self.holdings.values())
        if name in CLASSES:
            total += getattr(self.unattributed, name)
        return total

    def total(self) -> N:
        return sum(h.total for h in self.holdings.values()) + self.unattributed.total + self.other


@dataclass(frozen=True)
class DayDecomposition:
    date: dt.date
    r_t: float  # the valuation oracle's daily return
    denominator: Decimal  # D_t = V(t-1) + IN_t
    values: DayEffects[Decimal]  # in base currency
    returns: DayEffects[float]  # values / D_t, summing to r_t
    residual: Decimal  # V(t) + OUT - V(t-1) - IN minus the sum of the values


@dataclass(frozen=True)
class Totals:
    """Carino-linked effects over the window, of one holding (other = 0) or the portfolio."""

    local: float
    fx: float
    interaction: float
    trading: float
    dividends: float
    interest: float
    commissions: float
    fees: float
    withholding: float
    income: float
    costs: float
    other: float
    total: float


@dataclass(frozen=True)
class Decomposition:
    start: dt.date
    end: dt.date
    base: str
    days: tuple[DayDecomposition, ...]  # the weekdays after start
    holdings: Mapping[str, Totals]
    portfolio: Totals
    T: float  # prod(1 + r_t) - 1


def classify(account: str, declared: Mapping[str, str] | None = None) -> str | None:
    """The income or cost class of an internal account, or None when it is unclassified:
    the class its open directive's ``income-class`` metadata names ("none": unclassified),
    else the first class its name's components name, from the leaf."""
    named = (declared or {}).get(account)
    if named is not None:
        return None if named == "none" else named
    for component in reversed(account.split(":")):
        cls = _CLASS_OF_COMPONENT.get(component.lower())
        if cls is not None:
            return cls
    return None


def _carino(r: float) -> float:
    if abs(r) < SMALL_RETURN:
        return 1.0 - r / 2.0
    if r <= -1.0:
        raise OracleError(f"a return of {r} cannot be linked (log of a non-positive growth)")
    return math.log1p(r) / r


def _amount_value(
    pricer: _Pricer, number: Decimal, currency: str, t: dt.date, what: str
) -> Decimal:
    """number units of a currency, in base at t's rate."""
    if currency not in pricer.currencies:
        raise MissingRateError(f"{what}: {currency} is not a currency with an ECB rate")
    return number * pricer.rate(currency, t)


def _trade_value(pricer: _Pricer, p: data.Posting, t: dt.date, what: str) -> Decimal:
    if p.price is not None:
        return _amount_value(pricer, p.units.number * p.price.number, p.price.currency, t, what)
    if p.cost is not None:
        if p.cost.number is None:
            raise OracleError(f"{what}: the cost of {p.units} is not booked")
        return _amount_value(pricer, p.units.number * p.cost.number, p.cost.currency, t, what)
    return _amount_value(pricer, p.units.number, p.units.currency, t, what)


def _weight(pricer: _Pricer, p: data.Posting, t: dt.date, what: str) -> Decimal:
    if p.cost is not None:
        if p.cost.number is None:
            raise OracleError(f"{what}: the cost of {p.units} is not booked")
        return _amount_value(pricer, p.units.number * p.cost.number, p.cost.currency, t, what)
    if p.price is not None:
        return _amount_value(pricer, p.units.number * p.price.number, p.price.currency, t, what)
    return _amount_value(pricer, p.units.number, p.units.currency, t, what)


def _quote_rate(pricer: _Pricer, commodity: str, t: dt.date) -> Decimal:
    """x_c(t): the rate to base of the currency c is quoted in (c itself for a currency)."""
    if commodity in pricer.currencies:
        return pricer.rate(commodity, t)
    _, quote = pricer.price(commodity, t)
    return pricer.rate(quote, t)


class _Day:
    """Accumulates the value effects of one day."""

    def __init__(self) -> None:
        self.holding: dict[str, dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(EFFECTS, ZERO)
        )
        self.unattributed = dict.fromkeys(CLASSES, ZERO)
        self.other = ZERO


def _decompose_day(
    pricer: _Pricer,
    txns: list[data.Transaction],
    account_prefixes: tuple[str, ...],
    internal_prefixes: tuple[str, ...],
    prev: dt.date,
    t: dt.date,
    units_prev: dict[str, Decimal],
    units_now: dict[str, Decimal],
    value_prev: dict[str, Decimal],
    value_now: dict[str, Decimal],
    declared: Mapping[str, str],
) -> _Day:
    day = _Day()
    currencies = pricer.currencies

    def kind(account: str) -> str:
        if _under(account, account_prefixes):
            return "H"
        if _under(account, internal_prefixes):
            return "I"
        return "O"

    posted = {p.units.currency for txn in txns for p in txn.postings if kind(p.account) == "H"}
    attributable = {c for c in set(units_prev) | set(units_now) | posted if c not in currencies}

    flow_w: dict[str, Decimal] = defaultdict(lambda: ZERO)  # W_c(t)
    trading_in: dict[str, Decimal] = defaultdict(lambda: ZERO)  # trading inside P&L
    boundary: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for txn in txns:
        what = f"{txn.date} {txn.narration!r}"
        dq: dict[str, Decimal] = defaultdict(lambda: ZERO)
        w: dict[str, Decimal] = defaultdict(lambda: ZERO)
        traded = {
            p.units.currency
            for p in txn.postings
            if kind(p.account) == "H" and p.units.currency not in currencies
        }
        only = next(iter(traded)) if len(traded) == 1 else None
        for p in txn.postings:
            c = p.units.currency
            tv = _trade_value(pricer, p, t, what)
            day.other += tv - _weight(pricer, p, t, what)
            k = kind(p.account)
            if k == "H":
                flow_w[c] += tv
                dq[c] += p.units.number
                w[c] += tv
            elif k == "I":
                cls = classify(p.account, declared)
                if cls is None:
                    day.other -= tv
                    continue
                holder = next(
                    (x for x in reversed(p.account.split(":")) if x in attributable), only
                )
                if holder is None:
                    day.unattributed[cls] -= tv
                else:
                    day.holding[holder][cls] -= tv
            else:
                try:
                    market = pricer.value(c, p.units.number, t)
                except OracleError as exc:
                    raise type(exc)(f"{what}: {exc}") from exc
                boundary[c] += market - tv
        for c, wc in w.items():
            if wc != 0 and c in units_now:
                unit = pricer.value(c, ONE, t)
                trading_in[c] += dq[c] * unit - wc

    keys = set(units_prev) | set(units_now) | set(flow_w) | set(boundary) | set(day.holding)
    for c in sorted(keys):
        effects = day.holding[c]
        v0, v1 = value_prev.get(c, ZERO), value_now.get(c, ZERO)
        pnl = v1 - v0 - flow_w[c]
        if c not in units_prev and c not in units_now:
            trading_in[c] = pnl
        m = pnl - trading_in[c]
        if v0 != 0:
            r_x = ZERO
            if c in units_now:
                r_x = _quote_rate(pricer, c, t) / _quote_rate(pricer, c, prev) - 1
            effects["fx"] = v0 * r_x
            effects["local"] = v0 * ((1 + m / v0) / (1 + r_x) - 1)
            effects["interaction"] = m - effects["local"] - effects["fx"]
        else:
            trading_in[c] += m  # 0 but for units that arrive at no trade value
        effects["trading"] = trading_in[c] + boundary[c]
    return day


def _as_returns(day: _Day, denominator: Decimal) -> DayEffects[float]:
    def r(x: Decimal) -> float:
        return 0.0 if denominator == 0 else float(x / denominator)

    return DayEffects(
        holdings={
            c: HoldingEffects(**{k: r(v) for k, v in e.items()})
            for c, e in sorted(day.holding.items())
        },
        unattributed=Unattributed(**{k: r(v) for k, v in day.unattributed.items()}),
        other=r(day.other),
    )


def _as_values(day: _Day) -> DayEffects[Decimal]:
    return DayEffects(
        holdings={c: HoldingEffects(**e) for c, e in sorted(day.holding.items())},
        unattributed=Unattributed(**day.unattributed),
        other=day.other,
    )


def _totals(linked: dict[str, float]) -> Totals:
    income = sum(linked[k] for k in INCOME)
    costs = sum(linked[k] for k in COSTS)
    total = sum(linked[k] for k in MARKET) + income + costs + linked["other"]
    return Totals(**linked, income=income, costs=costs, total=total)


def reference_decomposition(
    ledger_path: str | os.PathLike[str],
    account_prefixes: Sequence[str],
    internal_prefixes: Sequence[str],
    base: str,
    start: dt.date,
    end: dt.date,
) -> Decomposition:
    account_prefixes = tuple(account_prefixes)
    internal_prefixes = tuple(internal_prefixes)
    side = account_prefixes + internal_prefixes
    valued = reference_days(ledger_path, account_prefixes, internal_prefixes, base, start, end)

    entries, options = load_ledger(ledger_path)
    pricer = _Pricer(entries, options.get("operating_currency") or [], base)
    all_txns = [e for e in entries if isinstance(e, data.Transaction)]
    declared = {
        e.account: str(e.meta["income-class"]).strip().lower()
        for e in entries
        if isinstance(e, data.Open) and "income-class" in (e.meta or {})
    }
    counted: dict[dt.date, list[data.Transaction]] = defaultdict(list)
    for txn in all_txns:
        if any(_under(p.account, side) for p in txn.postings):
            counted[_counting_day(txn.date)].append(txn)
    held_postings = sorted(
        (
            (txn.date, p)
            for txn in all_txns
            for p in txn.postings
            if _under(p.account, account_prefixes)
        ),
        key=lambda x: x[0],
    )

    # Units and base values per holding at the end of each weekday.
    running: dict[str, Decimal] = defaultdict(lambda: ZERO)
    units: list[dict[str, Decimal]] = []
    values: list[dict[str, Decimal]] = []
    i = 0
    for t, day in zip(_weekdays(start, end), valued, strict=True):
        while i < len(held_postings) and held_postings[i][0] <= t:
            running[held_postings[i][1].units.currency] += held_postings[i][1].units.number
            i += 1
        u = {c: n for c, n in sorted(running.items()) if n != 0}
        v = {c: pricer.value(c, n, t) for c, n in u.items()}
        if abs(sum(v.values(), ZERO) - day.value) > VALUE_CHECK:
            raise OracleError(f"{t}: holdings sum to {sum(v.values())}, not {day.value}")
        units.append(u)
        values.append(v)

    days: list[DayDecomposition] = []
    for j in range(1, len(valued)):
        prev, day = valued[j - 1], valued[j]
        effects = _decompose_day(
            pricer,
            counted.get(day.date, []),
            account_prefixes,
            internal_prefixes,
            prev.date,
            day.date,
            units[j - 1],
            units[j],
            values[j - 1],
            values[j],
            declared,
        )
        denominator = prev.value + day.flow_in
        float_denominator = float(prev.value) + float(day.flow_in)
        r_t = 0.0
        if denominator != 0 and float_denominator != 0:
            r_t = (float(day.value) + float(day.flow_out)) / float_denominator - 1.0
        as_values = _as_values(effects)
        change = day.value + day.flow_out - prev.value - day.flow_in
        days.append(
            DayDecomposition(
                date=day.date,
                r_t=r_t,
                denominator=denominator,
                values=as_values,
                returns=_as_returns(effects, denominator),
                residual=change - as_values.total(),
            )
        )

    growth = 1.0
    for d in days:
        growth *= 1.0 + d.r_t
    big_t = growth - 1.0
    k = _carino(big_t)
    weights = [_carino(d.r_t) / k for d in days]

    names = list(EFFECTS)
    per_holding: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(names, 0.0))
    portfolio = dict.fromkeys([*names, "other"], 0.0)
    for wt, d in zip(weights, days, strict=True):
        for c, e in d.returns.holdings.items():
            for name in names:
                per_holding[c][name] += wt * getattr(e, name)
        for name in names:
            portfolio[name] += wt * d.returns.effect(name)
        portfolio["other"] += wt * d.returns.other

    return Decomposition(
        start=start,
        end=end,
        base=base,
        days=tuple(days),
        holdings={c: _totals({**e, "other": 0.0}) for c, e in sorted(per_holding.items())},
        portfolio=_totals(portfolio),
        T=big_t,
    )
