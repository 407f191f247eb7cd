"""Performance of a portfolio over a window: the metrics and the currency attribution,
with the conventions and provenance they were computed under."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

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
from dawsos_core.db.repositories.valuations import HoldingPoint, holding_window, window_provenance
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
    points: list[HoldingPoint], dates: list[dt.date]
) -> tuple[AttributionResult, list[str]]:
    by_day: dict[dt.date, dict[str, HoldingPoint]] = defaultdict(dict)
    for p in points:
        by_day[p.date][p.commodity] = p
    commodities = sorted({p.commodity for p in points})
    index = {c: i for i, c in enumerate(commodities)}
    days = len(dates) - 1
    weights = np.zeros((days, len(commodities)))
    local = np.zeros_like(weights)
    fx = np.zeros_like(weights)
    exits: list[str] = []
    for t in range(days):
        before, after = by_day[dates[t]], by_day[dates[t + 1]]
        total = sum(float(h.value_base) for h in before.values())
        for c, h in before.items():
            i = index[c]
            weights[t, i] = float(h.value_base) / total if total else 0.0
            end = after.get(c)
            if end is None:
                exits.append(f"{dates[t + 1]} {c}")
                continue
            local[t, i] = float(end.price) / float(h.price) - 1.0
            fx[t, i] = float(end.fx_rate) / float(h.fx_rate) - 1.0
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
        points = holding_window(conn, portfolio.id, policy, first, end)
        provenance = window_provenance(conn, portfolio.id, policy, first, end)
    metrics, zero_days = metrics_of(series, first, end, annual_risk_free)
    attribution, exits = _attribution(points, series.dates)
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
