"""Performance of a portfolio over a window: the metrics and the currency attribution,
with the conventions and provenance they were computed under."""

from __future__ import annotations

import datetime as dt

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.analytics.attribution import currency_attribution
from dawsos_core.analytics.conventions import CONVENTIONS
from dawsos_core.analytics.returns import (
    ValuationSeries,
    annualised_twr,
    daily_returns,
    mwr,
    twr,
)
from dawsos_core.analytics.risk import max_drawdown, sharpe, sortino, volatility
from dawsos_core.analytics.series import load_series, window_start
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.valuations import HoldingSeries, holding_window, window_provenance
from dawsos_core.errors import BadRequest
from dawsos_core.portfolios import get_portfolio


class Metrics(BaseModel):
    model_config = ConfigDict(frozen=True)

    twr: float
    twr_annualized: float | None = Field(description="null for windows under a year")
    mwr: float | None
    volatility: float | None
    sharpe: float | None
    sortino: float | None
    max_drawdown: float = Field(description="a negative fraction; 0 when the value never fell")
    max_drawdown_peak: dt.date | None
    max_drawdown_trough: dt.date | None
    max_drawdown_recovery: dt.date | None


class AttributionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    local: float
    fx: float
    interaction: float
    total: float
    by_holding: dict[str, dict[str, float]]


class Performance(BaseModel):
    model_config = ConfigDict(frozen=True)

    portfolio_id: str
    start: dt.date
    end: dt.date
    base_currency: str
    policy: str
    returns: int = Field(description="number of daily returns in the window")
    metrics: Metrics
    attribution: AttributionResult
    contribution: dict[str, float] = Field(description="Carino-linked contribution by holding")
    attribution_residual: float = Field(
        description="TWR minus the attribution total: return not from the price and FX moves "
        "of held positions (income such as dividends and interest, fees, intraday trades)"
    )
    zero_denominator_dates: list[dt.date]
    unpriced_exit_days: list[str] = Field(
        description="holding-days that earned no attributed return: sold during the day"
    )
    conventions: dict[str, object]
    provenance: dict[str, object]


def _attribution(
    holdings: list[HoldingSeries], dates: list[dt.date], first: dt.date
) -> tuple[AttributionResult, list[str]]:
    """Daily start-of-day weights and local and FX returns of each holding, as matrices
    (day x holding; NaN where a holding has no valuation that day), then Carino-linked."""
    commodities = [h.commodity for h in holdings]
    span = max([(dates[-1] - first).days if dates else 0, *(int(h.days.max()) for h in holdings)])
    row_of = np.full(span + 1, -1, dtype=np.int64)
    for row, day in enumerate(dates):
        row_of[(day - first).days] = row
    shape = (len(dates), len(commodities))
    value, price, rate = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    for i, h in enumerate(holdings):
        rows = row_of[h.days]
        kept = rows >= 0
        value[rows[kept], i] = h.value_base[kept]
        price[rows[kept], i] = h.price[kept]
        rate[rows[kept], i] = h.fx_rate[kept]
    held, held_next = ~np.isnan(value[:-1]), ~np.isnan(value[1:])
    totals = np.nansum(value[:-1], axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.where(held & (totals != 0), value[:-1] / totals, 0.0)
        both = held & held_next
        local = np.where(both, price[1:] / price[:-1] - 1.0, 0.0)
        fx = np.where(both, rate[1:] / rate[:-1] - 1.0, 0.0)
    exits = [
        f"{dates[t + 1]} {commodities[i]}"
        for t, i in zip(*np.nonzero(held & ~held_next), strict=True)
    ]
    a = currency_attribution(commodities, weights, local, fx)
    result = AttributionResult(
        local=a.local, fx=a.fx, interaction=a.interaction, total=a.total, by_holding=a.by_holding
    )
    return result, exits


def metrics_of(
    series: ValuationSeries, start: dt.date, end: dt.date, annual_risk_free: float = 0.0
) -> tuple[Metrics, list[dt.date]]:
    daily = daily_returns(series)
    r = daily.returns
    dd = max_drawdown(series.dates[0], daily.dates, r)
    metrics = Metrics(
        twr=twr(r),
        twr_annualized=annualised_twr(r, start, end),
        mwr=mwr(series),
        volatility=volatility(r),
        sharpe=sharpe(r, annual_risk_free),
        sortino=sortino(r, annual_risk_free),
        max_drawdown=dd.max_drawdown,
        max_drawdown_peak=dd.peak_date,
        max_drawdown_trough=dd.trough_date,
        max_drawdown_recovery=dd.recovery_date,
    )
    return metrics, daily.zero_denominator_dates


def performance(
    db: Database,
    portfolio_id: str,
    start: dt.date,
    end: dt.date,
    *,
    policy: str,
    owner_sub: str | None = None,
    annual_risk_free: float = 0.0,
    series: ValuationSeries | None = None,
) -> Performance:
    """``series`` may be passed when the caller has loaded it (it is not loaded twice)."""
    if start >= end:
        raise BadRequest(f"the window must end after it starts ({start} to {end})")
    with db.session() as conn:
        portfolio = get_portfolio(conn, portfolio_id, owner_sub)
    if series is None:
        series = load_series(db, portfolio.id, policy, start, end)
    first = window_start(start)
    with db.session() as conn:
        holdings = holding_window(conn, portfolio.id, policy, first, end)
        provenance = window_provenance(conn, portfolio.id, policy, first, end)
    metrics, zero_days = metrics_of(series, first, end, annual_risk_free)
    attribution, exits = _attribution(holdings, series.dates, first)
    return Performance(
        portfolio_id=portfolio.id,
        start=first,
        end=end,
        base_currency=portfolio.base_currency,
        policy=policy,
        returns=len(series.dates) - 1,
        metrics=metrics,
        attribution=attribution,
        contribution={c: e["total"] for c, e in attribution.by_holding.items()},
        attribution_residual=metrics.twr - attribution.total,
        zero_denominator_dates=zero_days,
        unpriced_exit_days=exits,
        conventions={**CONVENTIONS, "annual_risk_free": annual_risk_free},
        provenance={"pricing_policy": policy, **provenance},
    )
