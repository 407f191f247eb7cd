"""Performance of a portfolio over a window: the metrics and the return's decomposition,
with the conventions they were computed under. Pure: it computes from a ``PerformanceWindow``
that a service has read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.analytics.attribution import (
    Attribution,
    DayEffects,
    PortfolioAttribution,
    decompose,
    link,
)
from dawsos_core.analytics.conventions import CONVENTIONS
from dawsos_core.analytics.returns import (
    ValuationSeries,
    annualised_twr,
    daily_returns,
    money_weighted,
    twr,
)
from dawsos_core.analytics.risk import max_drawdown, sharpe, sortino, volatility

if TYPE_CHECKING:
    from dawsos_core.db.repositories.moves import Moves
    from dawsos_core.db.repositories.valuations import HoldingDays

# What a window reads beside its series: holding-days and postings, holding-days alone,
# the portfolio's day effects, or nothing.
WindowDetail = Literal["holdings", "holding_values", "effects", "series"]


@dataclass(frozen=True)
class PerformanceWindow:
    """What a window's figures are computed from: the portfolio's daily valuations (one per
    weekday from ``start``, the window's first valuation, through ``end``) and, as
    ``detail`` says, every holding-day of the same packs and the postings its days count,
    or the portfolio's effects of each day."""

    portfolio_id: str
    base_currency: str
    policy: str
    start: dt.date
    end: dt.date
    series: ValuationSeries
    holdings: HoldingDays
    moves: Moves
    provenance: dict[str, object]
    pack_ids: tuple[str, ...] = ()  # the pack of each day, in date order
    detail: WindowDetail = "holdings"
    effects: DayEffects | None = None  # with detail "effects"
    requested_start: dt.date | None = None  # the start asked for, rolled back to a weekday
    inception: dt.date | None = None  # the portfolio's first posting at the commit

    def window_note(self) -> str | None:
        """Why the window opens later than asked, if it does."""
        if self.requested_start is None or self.requested_start >= self.start:
            return None
        return (
            f"the window asked to open on {self.requested_start}; it opens on {self.start}, "
            f"where the portfolio's history begins ({self.inception})"
        )


class Metrics(BaseModel):
    model_config = ConfigDict(frozen=True)

    twr: float = Field(description="time-weighted return over the window")
    twr_annualized: float | None = Field(description="null for windows under a year")
    mwr: float | None = Field(
        description="money-weighted return over the window (cumulative, from XIRR)"
    )
    mwr_annualized: float | None = Field(
        description="the XIRR, annual; null for windows under a year"
    )
    mwr_reason: str | None = Field(
        default=None, description="why mwr is null: no rate, or several, solve the cash flows"
    )
    volatility: float | None
    sharpe: float | None
    sortino: float | None
    max_drawdown: float = Field(description="a negative fraction; 0 when the value never fell")
    max_drawdown_peak: dt.date | None
    max_drawdown_trough: dt.date | None
    max_drawdown_recovery: dt.date | None


class Performance(BaseModel):
    model_config = ConfigDict(frozen=True)

    portfolio_id: str
    start: dt.date
    end: dt.date
    base_currency: str
    policy: str
    returns: int = Field(description="number of daily returns in the window")
    metrics: Metrics
    attribution: Attribution = Field(
        description="the TWR decomposed: local, fx, interaction, trading, income, costs and "
        "other, which sum to it"
    )
    contribution: dict[str, float] = Field(description="Carino-linked contribution by holding")
    zero_denominator_dates: list[dt.date]
    window_note: str | None = Field(
        default=None, description="why the window opens later than asked, when it does"
    )
    conventions: dict[str, object]
    provenance: dict[str, object]


def attribution_of(window: PerformanceWindow) -> Attribution:
    """The window's return decomposed per holding and for the portfolio, Carino-linked
    (analytics.attribution); it needs the window's holding-days and postings."""
    if window.detail != "holdings":
        raise ValueError(
            f"a decomposition per holding needs detail 'holdings', not {window.detail!r}"
        )
    return decompose(window.series, window.holdings, window.moves)


def portfolio_attribution_of(window: PerformanceWindow) -> PortfolioAttribution:
    """The window's return decomposed for the portfolio: from its day effects when it read
    them, else from its holding-days (the same figures)."""
    if window.effects is not None:
        return link(window.series, window.effects)
    return attribution_of(window)


def metrics_of(
    series: ValuationSeries, start: dt.date, end: dt.date, annual_risk_free: float = 0.0
) -> tuple[Metrics, list[dt.date]]:
    daily = daily_returns(series)
    r = daily.returns
    dd = max_drawdown(series.dates[0], daily.dates, r)
    money = money_weighted(series)
    metrics = Metrics(
        twr=twr(r),
        twr_annualized=annualised_twr(r, start, end),
        mwr=money.cumulative,
        mwr_annualized=money.annualized,
        mwr_reason=money.reason,
        volatility=volatility(r),
        sharpe=sharpe(r, annual_risk_free),
        sortino=sortino(r, annual_risk_free),
        max_drawdown=dd.max_drawdown,
        max_drawdown_peak=dd.peak_date,
        max_drawdown_trough=dd.trough_date,
        max_drawdown_recovery=dd.recovery_date,
    )
    return metrics, daily.zero_denominator_dates


def performance(window: PerformanceWindow, annual_risk_free: float = 0.0) -> Performance:
    metrics, zero_days = metrics_of(window.series, window.start, window.end, annual_risk_free)
    attribution = attribution_of(window)
    return Performance(
        portfolio_id=window.portfolio_id,
        start=window.start,
        end=window.end,
        base_currency=window.base_currency,
        policy=window.policy,
        returns=len(window.series.dates) - 1,
        metrics=metrics,
        attribution=attribution,
        contribution={c: e["total"] for c, e in attribution.by_holding.items()},
        zero_denominator_dates=zero_days,
        window_note=window.window_note(),
        conventions=conventions(annual_risk_free),
        provenance=window.provenance,
    )


def conventions(annual_risk_free: float) -> dict[str, object]:
    """The convention manifest of an answer computed with ``annual_risk_free``."""
    return {**CONVENTIONS, "annual_risk_free": annual_risk_free}
