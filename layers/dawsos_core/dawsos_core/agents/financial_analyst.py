"""financial_analyst: positions, valuation with the request's pack, the performance window,
and the metrics, return decomposition and overview chart computed from it; its reports
(periods, benchmarks, allocation, income) are in ``portfolio_reports``.

Every capability answers about the request context's portfolio, as of its pack and ledger
commit. The window is read once by its own step (``valuations.window``); the metrics,
attribution and chart steps take it as their ``window`` argument (``{{state.window}}``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast, get_args

from dawsos_core.agents.analyst_inputs import LEDGER_SOURCE, sources, valued_holdings, window_arg
from dawsos_core.agents.portfolio_reports import allocation, benchmarks, income, periods
from dawsos_core.analytics.charts import overview_chart
from dawsos_core.analytics.performance import (
    WindowDetail,
    attribution_of,
    conventions,
    metrics_of,
    portfolio_attribution_of,
)
from dawsos_core.analytics.returns import daily_returns
from dawsos_core.analytics.unrealised import (
    NO_COST,
    UNREALISED_GAIN_CONVENTION,
    HoldingGain,
    holding_gain,
)
from dawsos_core.calendar import weekdays_back
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.packs import PackDay
from dawsos_core.db.repositories.valuations import pack_rates_to_base
from dawsos_core.errors import BadRequest, Unprocessable
from dawsos_core.ledger.commits import portfolio_commit
from dawsos_core.ledger.positions import positions_at
from dawsos_core.orchestration.runtime import Capability, CapabilityResult
from dawsos_core.pricing.policies import get_policy
from dawsos_core.valuations import covered_since, performance_window

DEFAULT_LOOKBACK_DAYS = 252


def _date(value: Any, name: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadRequest(f"{name}: not a date ({value!r})") from exc


def _bounds(ctx: RequestCtx, args: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    """``start`` and ``end`` (default: the pack date), or ``lookback_days`` weekdays back
    from the pack date."""
    if args.get("start"):
        start = _date(args["start"], "start")
        end = _date(args.get("end") or ctx.as_of, "end")
    else:
        end = ctx.as_of
        start = weekdays_back(end, int(args.get("lookback_days") or DEFAULT_LOOKBACK_DAYS))
    if end > ctx.as_of:
        raise BadRequest(f"end {end} is after the pack date {ctx.as_of}")
    return start, end


def _detail(value: object) -> WindowDetail:
    if value not in get_args(WindowDetail):
        raise ValueError(f"detail: one of {', '.join(get_args(WindowDetail))}, not {value!r}")
    return cast(WindowDetail, value)


class FinancialAnalyst:
    name = "financial_analyst"

    def capabilities(self) -> list[Capability]:
        return [
            Capability("ledger.positions", self.name, positions),
            Capability("pricing.apply_pack", self.name, apply_pack),
            Capability("valuations.window", self.name, window),
            Capability("metrics.compute_twr", self.name, metrics),
            Capability("attribution.returns", self.name, attribution),
            Capability("charts.overview", self.name, chart),
            Capability("metrics.periods", self.name, periods),
            Capability("benchmarks.compare", self.name, benchmarks),
            Capability("allocation.weights", self.name, allocation),
            Capability("income.report", self.name, income),
        ]


def positions(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    portfolio, commit_hash = ctx.require_portfolio()
    commit = portfolio_commit(tx, portfolio, commit_hash)
    answer = positions_at(tx, portfolio, commit, ctx.as_of)
    return CapabilityResult(answer.model_dump(mode="json"), frozenset({LEDGER_SOURCE}))


def apply_pack(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The portfolio's holdings valued with the request's pack, weights included, each with
    its cost, cost in base and unrealised gain at the pack's rates (UNREALISED_GAIN_CONVENTION,
    stated in the answer's ``conventions``)."""
    portfolio, commit = ctx.require_portfolio()
    rows = valued_holdings(ctx, tx)
    total = sum((Decimal(str(r["value_base"])) for r in rows), start=Decimal(0))
    gains = _gains(ctx, tx, rows)
    holdings = [
        {
            **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()},
            "weight": float(Decimal(str(r["value_base"])) / total) if total else 0.0,
            **{
                k: (str(v) if isinstance(v, Decimal) else v)
                for k, v in dataclasses.asdict(gains[str(r["commodity"])]).items()
            },
        }
        for r in rows
    ]
    data = {
        "portfolio_id": portfolio.id,
        "pricing_pack_id": ctx.pricing_pack_id,
        "as_of": ctx.as_of.isoformat(),
        "base_currency": portfolio.base_currency,
        "ledger_commit_hash": commit,
        "value_base": str(total),
        "holdings": holdings,
        "conventions": {"unrealised_gain": UNREALISED_GAIN_CONVENTION},
    }
    return CapabilityResult(data, sources(ctx), frozenset({ctx.pricing_pack_id}))


def _gains(
    ctx: RequestCtx, tx: Connection, rows: list[dict[str, object]]
) -> dict[str, HoldingGain]:
    """Each valued holding's cost and gain, from its positions' cost at the request's date
    and the pack's rate of every cost currency; a rate the pack lacks is refused by name."""
    portfolio, commit_hash = ctx.require_portfolio()
    commit = portfolio_commit(tx, portfolio, commit_hash)
    held = {p.commodity: p for p in positions_at(tx, portfolio, commit, ctx.as_of).positions}
    currencies = sorted({c for p in held.values() for c in p.cost})
    policy = get_policy(ctx.pricing_policy)
    rates = pack_rates_to_base(
        tx,
        ctx.pricing_pack_id,
        currencies,
        pivot=policy.pivot,
        quoted=policy.quoted,
        base_currency=portfolio.base_currency,
    )
    gains: dict[str, HoldingGain] = {}
    for row in rows:
        commodity = str(row["commodity"])
        position = held.get(commodity)
        if position is None:
            gains[commodity] = NO_COST
            continue
        missing = sorted(set(position.cost) - set(rates))
        if missing and (position.cash or commodity not in position.cost):  # else no cost
            raise Unprocessable(
                f"pack {ctx.pricing_pack_id} has no rate for {', '.join(missing)} into "
                f"{portfolio.base_currency}: the cost currency of {commodity}"
            )
        gains[commodity] = holding_gain(
            commodity,
            Decimal(str(row["value_base"])),
            position.cost,
            cash=position.cash,
            rates=rates,
        )
    return gains


def window(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The portfolio's valuation series over ``start``..``end``, the ``lookback_days``
    before the pack date, or (``since: coverage``) all the history the packs value without a
    gap, with the ``detail`` it names (``holdings``, the default: holding-days and postings;
    ``holding_values``; ``effects``: the portfolio's day effects; ``series``: nothing more).
    For later steps, not an output."""
    portfolio, commit = ctx.require_portfolio()
    policy = get_policy(ctx.pricing_policy)
    as_of_pack = PackDay(ctx.pricing_pack_id, ctx.as_of)
    if args.get("since") == "coverage":
        end = ctx.as_of
        start = covered_since(tx, policy, end, at=ctx.packs_as_of, as_of_pack=as_of_pack)
    else:
        start, end = _bounds(ctx, args)
    answer = performance_window(
        tx,
        portfolio,
        commit,
        policy,
        start,
        end,
        packs_as_of=ctx.packs_as_of,
        as_of_pack=as_of_pack,
        detail=_detail(args.get("detail") or "holdings"),
    )
    return CapabilityResult(answer, sources(ctx), frozenset(answer.pack_ids))


def metrics(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    w = window_arg(args)
    risk_free = float(args.get("risk_free") or 0.0)
    answer, zero_days = metrics_of(w.series, w.start, w.end, risk_free)
    data = {
        "start": w.start.isoformat(),
        "end": w.end.isoformat(),
        "requested_start": None if w.requested_start is None else w.requested_start.isoformat(),
        "window_note": w.window_note(),
        "returns": len(w.series.dates) - 1,
        **answer.model_dump(mode="json"),
        "zero_denominator_dates": [d.isoformat() for d in zero_days],
        "conventions": conventions(risk_free),
    }
    return CapabilityResult(data, sources(ctx))


def attribution(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The window's TWR decomposed into local, FX, interaction, trading, income, costs and
    other: for the portfolio and per holding, or for the portfolio alone when the window
    read its day effects."""
    w = window_arg(args)
    if w.detail == "effects":
        return CapabilityResult(dataclasses.asdict(portfolio_attribution_of(w)), sources(ctx))
    answer = attribution_of(w)
    data = {
        **dataclasses.asdict(answer),
        "contribution": {c: e["total"] for c, e in answer.by_holding.items()},
    }
    return CapabilityResult(data, sources(ctx))


def chart(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The overview chart of the window, with the effects of an ``attribution`` step."""
    w = window_arg(args)
    effects = args.get("attribution")
    if not isinstance(effects, Mapping):
        raise ValueError("pass the answer of an attribution.returns step as attribution")
    answer = overview_chart(
        f"{w.portfolio_id} value",
        w.base_currency,
        w.series,
        daily_returns(w.series),
        {k: effects[k] for k in ("local", "fx", "interaction", "total")},
    )
    return CapabilityResult(answer.model_dump(mode="json"), sources(ctx))
