"""The decomposition of a window's return into local, FX, interaction, trading, income,
costs and other, per holding and for the portfolio, Carino-linked so that the effects sum
to the TWR.

For holding c on day t (t-1 the previous weekday), V its base value at the close (0 when
not held), W the trade value of its postings counted on t (each at its own price: the ``@``
price, else the cost, else its units, in base at t's rate):

* P&L = V(t) - V(t-1) - W: buys and sells are flows between the holding and cash at the
  transaction's price, so units that change without value (a split booked as the old lots
  out and twice the units in at half the cost, a stock dividend at cost 0) give no return.
* trading: for each transaction that trades c (its postings on c have a trade value),
  units * close - trade value, the gain from a price other than the close; all the P&L of
  a holding not held at the start of the day (an intraday round trip); and for each leg
  outside the portfolio, its value at the close minus its trade value (a security moved in
  at cost: the two cancel).
* market = P&L - trading, split with r_X the change of the rate of c's quote currency:
  fx = V(t-1) r_X, local = V(t-1) ((1 + market / V(t-1)) / (1 + r_X) - 1), interaction the
  rest; a currency's market move is all fx.
* income and costs: minus the trade value of each posting to an internal account that its
  name classifies (dividends, interest, commissions, fees, withholding), attributed to the
  holding its account names, else to the one security its transaction trades, else to none.
* other: the rest of the day's return (realised gains booked without a sale price,
  internal income the account names do not classify); 0 for books kept the usual way.

Each day's effects, divided by the start value plus inflows, sum to its return; Carino
factors k_t / k link them over the window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dawsos_core.analytics.returns import Floats, ValuationSeries, daily_returns

if TYPE_CHECKING:
    from dawsos_core.db.repositories.moves import Moves
    from dawsos_core.db.repositories.valuations import HoldingDays

MARKET = ("local", "fx", "interaction")
INCOME = ("dividends", "interest")
COSTS = ("commissions", "fees", "withholding")
PER_HOLDING = (*MARKET, "trading", *INCOME, *COSTS)

# A trade whose legs' values net to less than this fraction of their gross is no trade.
_NETS_TO_ZERO = 1e-9

# An internal account's class: the first of its components, from the leaf up, named here.
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


def carino_factor(r: Floats | float) -> Floats:
    r = np.asarray(r, dtype=np.float64)
    small = np.abs(r) < 1e-12
    safe = np.where(small, 1.0, r)
    return np.where(small, 1.0 - r / 2.0, np.log1p(safe) / safe)  # limit 1 - r/2 near 0


def income_class(account: str, declared: str | None = None) -> str | None:
    """The class of a posting to an internal account: the one its open directive declares
    (``income-class`` metadata; "none": unclassified), else the first component of its
    name, from the leaf up, that names one; None when neither does."""
    if declared is not None:
        return None if declared == "none" else declared
    for component in reversed(account.lower().split(":")):
        if component in _CLASS_OF_COMPONENT:
            return _CLASS_OF_COMPONENT[component]
    return None


EFFECTS = (*MARKET, "trading", *INCOME, *COSTS)


@dataclass(frozen=True)
class PortfolioAttribution:
    """Linked effects over a window for the portfolio (income and costs also by class);
    ``total`` is the TWR."""

    local: float
    fx: float
    interaction: float
    trading: float
    income: float
    costs: float
    other: float
    total: float
    by_class: dict[str, float]


@dataclass(frozen=True)
class Attribution(PortfolioAttribution):
    """The portfolio's linked effects, each holding's, and the income and costs no holding
    carries."""

    by_holding: dict[str, dict[str, float]]
    unattributed: dict[str, float]


@dataclass(frozen=True)
class DayEffects:
    """The portfolio's effects in base of each day after a window's first: a row a day, a
    column per name of ``EFFECTS``. Each is summed over the holdings one at a time in
    commodity order, so that a day's figures are the same bits in every window that holds
    the day: what is stored at valuation and read by portfolio-level answers."""

    values: Floats

    @classmethod
    def empty(cls) -> DayEffects:
        return cls(np.zeros((0, len(EFFECTS))))


def day_effects(series: ValuationSeries, holdings: HoldingDays, moves: Moves) -> DayEffects:
    """Each day's effects from the window's series, holding-days and postings."""
    per_holding, named_income = _holding_effects(series, holdings, moves)
    return _by_day(per_holding, named_income, len(series.dates) - 1)


def link(series: ValuationSeries, days: DayEffects) -> PortfolioAttribution:
    """The window's effects linked from its days' (Carino): they sum to its TWR, ``other``
    taking what the named effects do not explain."""
    if days.values.shape != (len(series.dates) - 1, len(EFFECTS)):
        raise ValueError("day effects must have a row for each day after the window's first")
    scale, total = _scale(series)
    figures = dict(zip(EFFECTS, (float(v) for v in scale @ days.values), strict=True))
    pnl_day = series.values[1:] + series.flow_out[1:] - series.values[:-1] - series.flow_in[1:]
    by_class = {name: figures[name] for name in (*INCOME, *COSTS)}
    return PortfolioAttribution(
        local=figures["local"],
        fx=figures["fx"],
        interaction=figures["interaction"],
        trading=figures["trading"],
        income=sum(by_class[name] for name in INCOME),
        costs=sum(by_class[name] for name in COSTS),
        other=float(scale @ (pnl_day - days.values.sum(axis=1))),
        total=total,
        by_class=by_class,
    )


def decompose(series: ValuationSeries, holdings: HoldingDays, moves: Moves) -> Attribution:
    """The window's decomposition from its series, its holding-days and the postings its
    days count (``holdings.day`` and ``moves.day`` count days from ``series.dates[0]``): the
    portfolio's figures are ``link`` of its ``day_effects``, so the same as an answer that
    reads the stored days."""
    per_holding, named_income = _holding_effects(series, holdings, moves)
    portfolio = link(series, _by_day(per_holding, named_income, len(series.dates) - 1))
    scale, _ = _scale(series)
    linked = {name: scale @ e for name, e in per_holding.effects.items()}
    unattributed = dict.fromkeys((*INCOME, *COSTS), 0.0)
    by_column: dict[int, dict[str, float]] = {}
    for cls, t, column, effect in named_income:
        share = float(scale[t]) * effect
        if column < 0:
            unattributed[cls] += share
        else:
            figures = by_column.setdefault(column, dict.fromkeys((*INCOME, *COSTS), 0.0))
            figures[cls] += share
    by_holding: dict[str, dict[str, float]] = {}
    for j, key in enumerate(per_holding.keys):
        figures = {name: float(linked[name][j]) for name in (*MARKET, "trading")}
        figures.update(by_column.get(j, dict.fromkeys((*INCOME, *COSTS), 0.0)))
        if any(figures.values()):
            by_holding[key] = {**figures, "total": sum(figures.values())}
    return Attribution(**vars(portfolio), by_holding=by_holding, unattributed=unattributed)


def _scale(series: ValuationSeries) -> tuple[Floats, float]:
    """Each day's Carino factor over the window's, per unit of its start value plus
    inflows (0 where that is 0), and the window's TWR."""
    denominator = series.values[:-1] + series.flow_in[1:]
    zero = denominator == 0
    per_unit = np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, denominator))
    returns = daily_returns(series).returns
    total = float(np.prod(1.0 + returns) - 1.0)
    return carino_factor(returns) / float(carino_factor(total)) * per_unit, total


@dataclass(frozen=True)
class _HoldingEffects:
    keys: list[str]  # the matrices' columns
    effects: dict[str, Floats]  # local, fx, interaction, trading: (day x holding)


def _by_day(
    per_holding: _HoldingEffects,
    named_income: list[tuple[str, int, int, float]],
    days: int,
) -> DayEffects:
    values = np.zeros((days, len(EFFECTS)))
    for k, name in enumerate((*MARKET, "trading")):
        e, total = per_holding.effects[name], values[:, k]
        for j in range(e.shape[1]):  # one holding at a time: the same sum in any window
            total += e[:, j]
    for cls, t, _, effect in named_income:
        values[t, EFFECTS.index(cls)] += effect
    return DayEffects(values)


def _holding_effects(
    series: ValuationSeries, holdings: HoldingDays, moves: Moves
) -> tuple[_HoldingEffects, list[tuple[str, int, int, float]]]:
    """Each holding's daily effects, and the classified income and cost postings as
    (class, day's row, holding's column or -1, effect)."""
    days = _Days(series, holdings, moves)
    n, width = len(series.dates) - 1, len(days.keys)
    start, held = days.value[:-1], days.held
    trading = np.zeros((n, width))
    pnl = days.value[1:] - start  # less each holding's postings at their own price, below
    h = np.array([k == "H" for k in moves.kind], dtype=bool)
    if h.any():
        rows, cols = days.row[moves.day[h]] - 1, days.cols(moves, h)
        np.subtract.at(pnl, (rows, cols), moves.trade_value[h])
        # one trade per (day, transaction, holding): its units at the close minus its value
        groups, at = np.unique(np.stack([rows, moves.txn[h], cols]), axis=1, return_inverse=True)
        at = at.ravel()
        units = np.bincount(at, weights=moves.units[h], minlength=groups.shape[1])
        paid = np.bincount(at, weights=moves.trade_value[h], minlength=groups.shape[1])
        gross = np.bincount(at, weights=np.abs(moves.trade_value[h]), minlength=groups.shape[1])
        r, c = groups[0], groups[2]
        # a split's legs net to 0 but for rounding, in whichever order they are summed
        traded = (np.abs(paid) > _NETS_TO_ZERO * gross) & held[r + 1, c]
        gain = units[traded] * days.close[r + 1, c][traded] - paid[traded]
        np.add.at(trading, (r[traded], c[traded]), gain)
    new = ~held[:-1] | (start == 0)
    trading[new] = pnl[new]  # not held at the start: all of it (a round trip, a buy)
    market = pnl
    market -= trading
    del pnl
    cash = np.array([k in days.currencies for k in days.keys], dtype=bool)
    # in place, one (day x holding) matrix at a time: ten years of 500 holdings are 10 MB each
    growth_x = np.divide(days.rate[1:], days.rate[:-1], out=np.ones((n, width)), where=held[1:])
    growth_x[~held[:-1]] = 1.0
    fx = start * (growth_x - 1.0)
    fx[:, cash] = market[:, cash]  # a currency's move is all FX
    local = np.divide(market, start, out=np.zeros((n, width)), where=~new)
    local += 1.0
    local /= growth_x
    del growth_x
    local -= 1.0
    local *= start
    local[:, cash] = 0.0
    local[new] = 0.0
    fx[new] = 0.0
    interaction = market
    interaction -= local
    interaction -= fx
    interaction[new] = 0.0
    effects = {"local": local, "fx": fx, "interaction": interaction}

    o = np.array([k == "O" for k in moves.kind], dtype=bool)
    if o.any():
        rows, cols = days.row[moves.day[o]] - 1, days.cols(moves, o)
        np.add.at(trading, (rows, cols), moves.market_value[o] - moves.trade_value[o])
    effects["trading"] = trading

    # income and costs, sparse: (class, day's row, holding's column or -1, effect)
    named_income = [
        (cls, t, -1 if owner is None else days.col[owner], effect)
        for cls, t, owner, effect in days.income()
    ]

    return _HoldingEffects(days.keys, effects), named_income


@dataclass(frozen=True)
class IncomePosting:
    """A posting to an internal account its name classifies, as its effect in base."""

    date: dt.date
    kind: str  # one of INCOME or COSTS
    holding: str | None  # the holding it belongs to, None when it names none
    amount_base: float  # income positive, costs negative


def income_postings(
    series: ValuationSeries, holdings: HoldingDays, moves: Moves
) -> list[IncomePosting]:
    """The window's income and cost postings, each with its holding, as the decomposition
    counts them."""
    days = _Days(series, holdings, moves)
    return [
        IncomePosting(series.dates[t + 1], cls, owner, effect)
        for cls, t, owner, effect in days.income()
    ]


class _Days:
    """The window's holding-days as (day x holding) matrices over every commodity that is
    held or moved: base value (0 when not held), close of one unit in base and rate of its
    quote currency (NaN when not held), and whether it is held."""

    def __init__(self, series: ValuationSeries, holdings: HoldingDays, moves: Moves) -> None:
        moved = {c for c, k in zip(moves.commodity, moves.kind, strict=True) if k != "I"}
        self.keys: list[str] = sorted(set(holdings.commodities) | moved)
        self.col = {k: j for j, k in enumerate(self.keys)}
        self.currencies = moves.currencies
        first = series.dates[0]
        span = max((series.dates[-1] - first).days, int(holdings.day.max(initial=0)))
        self.row = np.full(span + 1, -1, dtype=np.int64)
        for row, day in enumerate(series.dates):
            self.row[(day - first).days] = row
        rows = self.row[holdings.day]
        if (rows < 0).any() or (self.row[moves.day] <= 0).any():
            raise ValueError("a holding-day or a posting falls on no day of the window")
        held_cols = np.array([self.col[c] for c in holdings.commodities], dtype=np.int64)
        width = len(self.keys)
        cells = rows * width + (held_cols[holdings.holding] if len(held_cols) else rows)
        size = len(series.dates) * width
        value, close, rate = np.zeros(size), np.full(size, np.nan), np.full(size, np.nan)
        held = np.zeros(size, dtype=bool)
        value[cells] = holdings.value_base
        close[cells] = holdings.price * holdings.fx_rate
        rate[cells] = holdings.fx_rate
        held[cells] = True
        shape = (len(series.dates), width)
        self.value, self.close = value.reshape(shape), close.reshape(shape)
        self.rate, self.held = rate.reshape(shape), held.reshape(shape)
        self._moves = moves
        self._traded: dict[tuple[int, int], set[str]] = {}
        for i, kind in enumerate(moves.kind):
            if kind == "H" and moves.commodity[i] not in self.currencies:
                key = (int(moves.day[i]), int(moves.txn[i]))
                self._traded.setdefault(key, set()).add(moves.commodity[i])

    def cols(self, moves: Moves, which: np.ndarray) -> np.ndarray:
        return np.array(
            [self.col[c] for c, w in zip(moves.commodity, which, strict=True) if w],
            dtype=np.int64,
        )

    def income(self) -> list[tuple[str, int, str | None, float]]:
        """Each classified internal posting: its class, its return's row, the holding it
        belongs to (None: none) and its effect in base (minus its trade value)."""
        m, found = self._moves, []
        for i, kind in enumerate(m.kind):
            cls = income_class(m.account[i], m.declared_class[i]) if kind == "I" else None
            if cls is not None:
                t = int(self.row[m.day[i]]) - 1
                found.append((cls, t, self.owner(i, t), -float(m.trade_value[i])))
        return found

    def owner(self, i: int, t: int) -> str | None:
        """The holding a classified internal posting belongs to (``t`` its return's row)."""
        m = self._moves
        traded = self._traded.get((int(m.day[i]), int(m.txn[i])), set())
        for component in reversed(m.account[i].split(":")):
            j = self.col.get(component)
            if j is None or component in self.currencies:
                continue
            if self.held[t, j] or self.held[t + 1, j] or component in traded:
                return component
        if len(traded) == 1:
            return next(iter(traded))
        return None
