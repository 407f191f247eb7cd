"""financial_analyst: positions, valuation with the request's pack, performance, currency
attribution and the overview chart. Every capability answers as of the request context's
pack and ledger commit, for the caller's own portfolios only."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np

from dawsos_core.analytics.charts import overview_chart
from dawsos_core.analytics.performance import Performance, performance
from dawsos_core.analytics.returns import ValuationSeries, daily_returns
from dawsos_core.analytics.series import load_series
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import pack_sources
from dawsos_core.db.repositories.valuations import pack_holdings
from dawsos_core.errors import BadRequest
from dawsos_core.ledger.positions import portfolio_positions
from dawsos_core.orchestration.runtime import Capability, CapabilityResult
from dawsos_core.portfolios import get_portfolio

LEDGER_SOURCE = "Internal"
WindowKey = tuple[str, str, dt.date, dt.date]


def weekdays_back(end: dt.date, count: int) -> dt.date:
    """The weekday ``count`` weekdays before ``end`` (Mon-Fri, no holiday calendar)."""
    day: dt.date = np.busday_offset(end, -count, roll="backward").astype(dt.date)
    return day


def _date(value: Any, name: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadRequest(f"{name}: not a date ({value!r})") from exc


def _window(ctx: RequestCtx, args: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    if args.get("start"):
        start = _date(args["start"], "start")
        end = _date(args.get("end") or ctx.as_of, "end")
    else:
        end = ctx.as_of
        start = weekdays_back(end, int(args.get("lookback_days") or 252))
    if end > ctx.as_of:
        raise BadRequest(f"end {end} is after the pack date {ctx.as_of}")
    return start, end


class FinancialAnalyst:
    name = "financial_analyst"

    def __init__(self, db: Database) -> None:
        self._db = db
        self._memo: dict[WindowKey, tuple[Performance, ValuationSeries]] = {}
        self._lock = threading.Lock()

    def capabilities(self) -> list[Capability]:
        return [
            Capability("ledger.positions", self.name, self.positions),
            Capability("pricing.apply_pack", self.name, self.apply_pack),
            Capability("metrics.compute_twr", self.name, self.metrics),
            Capability("attribution.currency", self.name, self.attribution),
            Capability("charts.overview", self.name, self.chart),
        ]

    def _sources(self, ctx: RequestCtx) -> frozenset[str]:
        return self._pack_sources(ctx.pricing_pack_id)

    @lru_cache(maxsize=256)  # noqa: B019 (one agent per environment; pack content is immutable)
    def _pack_sources(self, pack_id: str) -> frozenset[str]:
        with self._db.session() as conn:
            return frozenset({LEDGER_SOURCE, *pack_sources(conn, pack_id)})

    def _performance(
        self, ctx: RequestCtx, args: Mapping[str, Any]
    ) -> tuple[Performance, ValuationSeries]:
        """A request's performance and series for a window, computed once per request."""
        start, end = _window(ctx, args)
        portfolio_id = str(args["portfolio_id"])
        key = (ctx.request_id, portfolio_id, start, end)
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        series = load_series(self._db, portfolio_id, ctx.pricing_policy, start, end)
        answer = performance(
            self._db,
            portfolio_id,
            start,
            end,
            policy=ctx.pricing_policy,
            owner_sub=ctx.user_sub,
            series=series,
            annual_risk_free=float(args.get("risk_free") or 0.0),
        )
        with self._lock:
            self._memo = {k: v for k, v in self._memo.items() if k[0] == ctx.request_id}
            self._memo[key] = (answer, series)
        return answer, series

    def positions(self, ctx: RequestCtx, args: Mapping[str, Any]) -> CapabilityResult:
        answer = portfolio_positions(
            self._db,
            str(args["portfolio_id"]),
            ctx.as_of,
            owner_sub=ctx.user_sub,
            commit_hash=ctx.ledger_commit_hash,
        )
        return CapabilityResult(answer.model_dump(mode="json"), frozenset({LEDGER_SOURCE}))

    def apply_pack(self, ctx: RequestCtx, args: Mapping[str, Any]) -> CapabilityResult:
        with self._db.session() as conn:
            portfolio = get_portfolio(conn, str(args["portfolio_id"]), ctx.user_sub)
            rows = pack_holdings(conn, ctx.pricing_pack_id, portfolio.id)
        total = sum((Decimal(str(r["value_base"])) for r in rows), start=Decimal(0))
        holdings = [
            {
                **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()},
                "weight": float(Decimal(str(r["value_base"])) / total) if total else 0.0,
            }
            for r in rows
        ]
        data = {
            "portfolio_id": portfolio.id,
            "pricing_pack_id": ctx.pricing_pack_id,
            "as_of": ctx.as_of.isoformat(),
            "base_currency": ctx.base_currency,
            "value_base": str(total),
            "holdings": holdings,
        }
        return CapabilityResult(data, self._sources(ctx))

    def metrics(self, ctx: RequestCtx, args: Mapping[str, Any]) -> CapabilityResult:
        answer, _ = self._performance(ctx, args)
        data = {
            "start": answer.start.isoformat(),
            "end": answer.end.isoformat(),
            "returns": answer.returns,
            **answer.metrics.model_dump(mode="json"),
            "zero_denominator_dates": [d.isoformat() for d in answer.zero_denominator_dates],
            "conventions": answer.conventions,
        }
        return CapabilityResult(data, self._sources(ctx))

    def attribution(self, ctx: RequestCtx, args: Mapping[str, Any]) -> CapabilityResult:
        answer, _ = self._performance(ctx, args)
        data = {
            **answer.attribution.model_dump(mode="json"),
            "residual": answer.attribution_residual,
            "contribution": answer.contribution,
            "unpriced_exit_days": answer.unpriced_exit_days,
        }
        return CapabilityResult(data, self._sources(ctx))

    def chart(self, ctx: RequestCtx, args: Mapping[str, Any]) -> CapabilityResult:
        answer, series = self._performance(ctx, args)
        effects = answer.attribution.model_dump(include={"local", "fx", "interaction", "total"})
        chart = overview_chart(
            f"{answer.portfolio_id} value",
            answer.base_currency,
            series,
            daily_returns(series),
            effects,
        )
        return CapabilityResult(chart.model_dump(mode="json"), self._sources(ctx))
