"""financial_analyst: positions, valuation with the request's pack, the performance window,
and the metrics, currency attribution and overview chart computed from it.

Every capability answers about the request context's portfolio, as of its pack and ledger
commit. The window is read once by its own step (``valuations.window``); the metrics,
attribution and chart steps take it as their ``window`` argument (``{{state.window}}``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np

from dawsos_core.analytics.allocation import (
    UNCLASSIFIED,
    Share,
    concentration,
    month_ends,
    shares,
    weights_over_time,
)
from dawsos_core.analytics.attribution import income_postings
from dawsos_core.analytics.benchmark import BENCHMARK_CONVENTION, compare
from dawsos_core.analytics.charts import overview_chart
from dawsos_core.analytics.income import INCOME_CONVENTION, KINDS, Figures, income_report
from dawsos_core.analytics.performance import (
    PerformanceWindow,
    attribution_of,
    conventions,
    metrics_of,
)
from dawsos_core.analytics.periods import period_figures, periods_of
from dawsos_core.analytics.returns import daily_returns
from dawsos_core.calendar import weekdays_back
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import commodity_metadata, holdings
from dawsos_core.db.repositories.packs import PackDay
from dawsos_core.db.repositories.valuations import (
    commodity_values,
    holding_currencies,
    pack_holdings,
)
from dawsos_core.errors import BadRequest, Unprocessable
from dawsos_core.ledger.commits import portfolio_commit
from dawsos_core.ledger.positions import positions_at
from dawsos_core.orchestration.runtime import Capability, CapabilityResult
from dawsos_core.pricing.policies import get_policy
from dawsos_core.pricing.valuation import value_with_packs
from dawsos_core.valuations import covered_since, performance_window

LEDGER_SOURCE = "Internal"
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


def _window(args: Mapping[str, Any]) -> PerformanceWindow:
    window = args.get("window")
    if not isinstance(window, PerformanceWindow):
        raise ValueError(
            'pass the answer of a valuations.window step as window ("{{state.<step>}}")'
        )
    return window


def _sources(ctx: RequestCtx) -> frozenset[str]:
    """The ledger and what the pack's prices and rates came from."""
    return frozenset({LEDGER_SOURCE, *ctx.pack_sources})


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
    """The portfolio's holdings valued with the request's pack, weights included."""
    portfolio, commit = ctx.require_portfolio()
    value_with_packs(tx, portfolio, commit, [ctx.pricing_pack_id], get_policy(ctx.pricing_policy))
    rows = pack_holdings(tx, portfolio.id, commit, ctx.pricing_pack_id)
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
        "base_currency": portfolio.base_currency,
        "ledger_commit_hash": commit,
        "value_base": str(total),
        "holdings": holdings,
    }
    return CapabilityResult(data, _sources(ctx), frozenset({ctx.pricing_pack_id}))


def window(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The portfolio's valuation series and holding-days over ``start``..``end``, the
    ``lookback_days`` before the pack date, or (``since: coverage``) all the history the
    packs value without a gap; ``holdings: false`` reads no holding-days. For later steps,
    not an output."""
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
        holdings=args.get("holdings", True) is not False,
    )
    return CapabilityResult(answer, _sources(ctx), frozenset(answer.pack_ids))


def metrics(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    w = _window(args)
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
    return CapabilityResult(data, _sources(ctx))


def attribution(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The window's TWR decomposed into local, FX, interaction, trading, income, costs and
    other, for the portfolio and per holding."""
    answer = attribution_of(_window(args))
    data = {
        **dataclasses.asdict(answer),
        "contribution": {c: e["total"] for c, e in answer.by_holding.items()},
    }
    return CapabilityResult(data, _sources(ctx))


def chart(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The overview chart of the window, with the effects of an ``attribution`` step."""
    w = _window(args)
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
    return CapabilityResult(answer.model_dump(mode="json"), _sources(ctx))


def periods(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """MTD, QTD, YTD, 1, 3 and 5 years, since inception and each calendar year, from the
    window's one series."""
    w = _window(args)
    inception = w.inception or w.start
    figures = period_figures(
        w.series, periods_of(w.end, inception), inception, float(args.get("risk_free") or 0.0)
    )
    data = {
        "as_of": w.end.isoformat(),
        "inception": inception.isoformat(),
        "covered_from": w.start.isoformat(),
        "periods": [
            {
                "period": f.period.name,
                "start": None if f.start is None else f.start.isoformat(),
                "end": None if f.end is None else f.end.isoformat(),
                "returns": f.returns,
                **(
                    {k: None for k in PERIOD_METRICS}
                    if f.metrics is None
                    else f.metrics.model_dump(mode="json", include=set(PERIOD_METRICS))
                ),
                "reason": f.reason,
                "note": f.note,
            }
            for f in figures
        ],
        "conventions": {
            **conventions(float(args.get("risk_free") or 0.0)),
            "periods": PERIODS_CONVENTION,
        },
    }
    return CapabilityResult(data, _sources(ctx))


PERIOD_METRICS = (
    "twr",
    "twr_annualized",
    "mwr",
    "mwr_annualized",
    "mwr_reason",
    "volatility",
    "max_drawdown",
)
PERIODS_CONVENTION = (
    "a period opens with the valuation at the end of the day before it begins and closes "
    "with the valuation at the end of its last day, each rolled back to a weekday; it opens "
    "no earlier than the portfolio's history (note); its figures are those of its "
    "sub-series, so consecutive periods chain; one year back is the same calendar day"
)


def benchmarks(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The window's daily returns against each benchmark's (``benchmark``, else those the
    portfolio names), in its base; a benchmark the packs do not value every day is a 422
    naming the days."""
    w = _window(args)
    portfolio, _ = ctx.require_portfolio()
    named = [args["benchmark"]] if args.get("benchmark") else list(portfolio.benchmarks)
    if not named:
        raise Unprocessable(
            f"portfolio {portfolio.id} names no benchmark: pass the benchmark input, or create "
            "the portfolio with one (dawsos portfolio create --benchmark ITOT)"
        )
    policy = get_policy(ctx.pricing_policy)
    values = commodity_values(
        tx,
        commodities=named,
        pack_ids=list(w.pack_ids),
        pivot=policy.pivot,
        quoted=policy.quoted,
        base_currency=w.base_currency,
    )
    risk_free = float(args.get("risk_free") or 0.0)
    returns = daily_returns(w.series).returns
    comparisons = []
    for name in named:
        missing = [d for d, v in values[name] if v is None]
        if missing:
            shown = ", ".join(d.isoformat() for d in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise Unprocessable(
                f"benchmark {name} has no price in the packs of {len(missing)} of the "
                f"window's {len(values[name])} days ({shown}{more}): packs price a benchmark "
                f"once a portfolio names it and the price source has it; restate those days "
                f"with dawsos pack backfill --from {missing[0]} --to {missing[-1]}"
            )
        units = np.array([v for _, v in values[name]], dtype=np.float64)
        figures = compare(returns, units[1:] / units[:-1] - 1.0, risk_free)
        comparisons.append({"benchmark": name, **dataclasses.asdict(figures)})
    data = {
        "portfolio_id": w.portfolio_id,
        "base_currency": w.base_currency,
        "start": w.start.isoformat(),
        "end": w.end.isoformat(),
        "window_note": w.window_note(),
        "returns": len(returns),
        "twr": float(np.prod(1 + returns) - 1),
        "comparisons": comparisons,
        "conventions": {**conventions(risk_free), "benchmark": BENCHMARK_CONVENTION},
    }
    return CapabilityResult(data, _sources(ctx))


def allocation(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """Weights at the pack date by commodity, currency, account and each metadata key of
    ``keys`` (comma-separated), their concentration, and the same at each month's end of
    the window."""
    w = _window(args)
    portfolio, commit = ctx.require_portfolio()
    keys = [k.strip() for k in str(args.get("keys") or "").split(",") if k.strip()]
    value_with_packs(tx, portfolio, commit, [ctx.pricing_pack_id], get_policy(ctx.pricing_policy))
    now = pack_holdings(tx, portfolio.id, commit, ctx.pricing_pack_id)
    values = {str(r["commodity"]): float(str(r["value_base"])) for r in now}
    per_unit = {
        str(r["commodity"]): float(str(r["value_base"])) / float(str(r["units"])) for r in now
    }
    quoted_in = {str(r["commodity"]): str(r["price_currency"]) for r in now}
    currency_of = holding_currencies(tx, portfolio.id, commit, list(w.pack_ids))
    metadata = commodity_metadata(tx, commit)
    group_of = {key: {c: meta[key] for c, meta in metadata.items() if key in meta} for key in keys}
    accounts: dict[str, float] = {}
    for row in holdings(tx, commit, ctx.as_of, portfolio.account_prefixes, by_account=True):
        if row.commodity in per_unit and row.units:
            worth = float(row.units) * per_unit[row.commodity]
            accounts[str(row.account)] = accounts.get(str(row.account), 0.0) + worth
    h = w.holdings
    ends = month_ends(w.series.dates)
    matrix = np.zeros((len(w.series.dates), len(h.commodities)))
    row_of = {(d - w.start).days: i for i, d in enumerate(w.series.dates)}
    matrix[[row_of[int(d)] for d in h.day], h.holding] = h.value_base
    at_ends = matrix[ends]
    top = concentration(values)
    data = {
        "portfolio_id": portfolio.id,
        "as_of": ctx.as_of.isoformat(),
        "base_currency": portfolio.base_currency,
        "value_base": sum(values.values()),
        "by_commodity": _listed(shares(values)),
        "by_currency": _listed(shares(values, quoted_in)),
        "by_account": _listed(shares(accounts)),
        "by_metadata": {key: _listed(shares(values, group_of[key])) for key in keys},
        "unclassified": {key: sorted(c for c in values if c not in group_of[key]) for key in keys},
        "concentration": dataclasses.asdict(top),
        "over_time": {
            "dates": [w.series.dates[i].isoformat() for i in ends],
            "by_commodity": weights_over_time(at_ends, h.commodities),
            "by_currency": weights_over_time(at_ends, h.commodities, currency_of),
            "by_metadata": {
                key: weights_over_time(at_ends, h.commodities, group_of[key]) for key in keys
            },
        },
        "conventions": {"allocation": ALLOCATION_CONVENTION},
    }
    return CapabilityResult(data, _sources(ctx), frozenset({ctx.pricing_pack_id}))


def _listed(groups: list[Share]) -> list[dict[str, Any]]:
    return [{"group": s.group, "value_base": s.value_base, "weight": s.weight} for s in groups]


ALLOCATION_CONVENTION = (
    "weight = value in base / the portfolio's value in base, at the pack date and at each "
    "month's last weekday of the window; currency: the quote currency of a holding's price "
    "(a currency is its own); account: each account's units at the holding's value per unit; "
    f"a metadata key groups by the commodity directive's value, '{UNCLASSIFIED}' where it "
    "has none; concentration: the largest weight and the Herfindahl index (sum of squared "
    "weights, by commodity)"
)


def income(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """Dividends, interest, commissions, fees and withholding per month and per holding
    over the window, in base, with trailing twelve-month yields at the pack date."""
    w = _window(args)
    portfolio, commit_hash = ctx.require_portfolio()
    policy = get_policy(ctx.pricing_policy)
    value_with_packs(tx, portfolio, commit_hash, [ctx.pricing_pack_id], policy)
    values = {
        str(r["commodity"]): float(str(r["value_base"]))
        for r in pack_holdings(tx, portfolio.id, commit_hash, ctx.pricing_pack_id)
    }
    held = positions_at(tx, portfolio, portfolio_commit(tx, portfolio, commit_hash), ctx.as_of)
    currencies = sorted({c for p in held.positions for c in p.cost})
    rate = {
        c: days[0][1]
        for c, days in commodity_values(
            tx,
            commodities=currencies,
            pack_ids=[ctx.pricing_pack_id],
            pivot=policy.pivot,
            quoted=policy.quoted,
            base_currency=portfolio.base_currency,
        ).items()
        if days and days[0][1] is not None
    }
    cost_basis = {
        p.commodity: sum(float(amount) * rate[c] for c, amount in p.cost.items())
        for p in held.positions
        if p.cost and all(c in rate for c in p.cost)
    }
    report = income_report(
        income_postings(w.series, w.holdings, w.moves),
        start=w.start,
        as_of=ctx.as_of,
        cost_basis=cost_basis,
        values=values,
    )
    data = {
        "portfolio_id": portfolio.id,
        "base_currency": portfolio.base_currency,
        "start": w.start.isoformat(),
        "end": w.end.isoformat(),
        "window_note": w.window_note(),
        "total": _income_figures(report.total),
        "by_month": [{"month": m, **_income_figures(f)} for m, f in report.by_month.items()],
        "by_holding": [
            {
                "holding": h.holding,
                **_income_figures(h.figures),
                "trailing_income": h.trailing_income,
                "cost_basis_base": h.cost_basis_base,
                "value_base": h.value_base,
                "yield_on_cost": h.yield_on_cost,
                "trailing_yield": h.trailing_yield,
            }
            for h in report.by_holding
        ],
        "trailing_income": report.trailing_income,
        "yield_on_cost": report.yield_on_cost,
        "trailing_yield": report.trailing_yield,
        "yield_reason": report.reason,
        "conventions": {"income": INCOME_CONVENTION},
    }
    return CapabilityResult(data, _sources(ctx), frozenset({ctx.pricing_pack_id}))


def _income_figures(f: Figures) -> dict[str, float]:
    return {**{k: f.amounts[k] for k in KINDS}, "income": f.income, "costs": f.costs}
