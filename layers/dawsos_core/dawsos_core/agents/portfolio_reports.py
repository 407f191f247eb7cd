"""The financial analyst's reports on a portfolio, each from a window: returns by period,
the comparison with benchmarks, the allocation and the income report."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from dawsos_core.agents.analyst_inputs import sources, valued_holdings, window_arg
from dawsos_core.analytics.allocation import (
    UNCLASSIFIED,
    Share,
    concentration,
    month_end_values,
    shares,
    weights_over_time,
)
from dawsos_core.analytics.attribution import income_postings
from dawsos_core.analytics.benchmark import BENCHMARK_CONVENTION, compare
from dawsos_core.analytics.income import INCOME_CONVENTION, KINDS, Figures, income_report
from dawsos_core.analytics.performance import conventions
from dawsos_core.analytics.periods import period_figures, periods_of
from dawsos_core.analytics.returns import daily_returns, twr
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import commodity_metadata, holdings
from dawsos_core.db.repositories.valuations import commodity_values, holding_currencies
from dawsos_core.errors import Unprocessable
from dawsos_core.ledger.commits import portfolio_commit
from dawsos_core.ledger.positions import positions_at
from dawsos_core.orchestration.runtime import CapabilityResult
from dawsos_core.pricing.policies import get_policy


def periods(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The day, MTD, QTD, YTD, 1, 3 and 5 years, since inception and each calendar year, from
    the window's one series, with the value in base at its end."""
    w = window_arg(args)
    inception = w.inception or w.start
    figures = period_figures(
        w.series, periods_of(w.end, inception), inception, float(args.get("risk_free") or 0.0)
    )
    data = {
        "as_of": w.end.isoformat(),
        "inception": inception.isoformat(),
        "covered_from": w.start.isoformat(),
        "base_currency": w.base_currency,
        "value_base": float(w.series.values[-1]),
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
    return CapabilityResult(data, sources(ctx))


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
    "1d is the last weekday's return, from the weekday before as_of; "
    "a period opens with the valuation at the end of the day before it begins and closes "
    "with the valuation at the end of its last day, each rolled back to a weekday; it opens "
    "no earlier than the portfolio's history (note); its figures are those of its "
    "sub-series, so consecutive periods chain; one year back is the same calendar day"
)


def benchmarks(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """The window's daily returns against each benchmark's (``benchmark``, else those the
    portfolio names), in its base; a benchmark the packs do not value every day is a 422
    naming the days."""
    w = window_arg(args)
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
        comparisons.append(
            {
                "benchmark": name,
                **dataclasses.asdict(figures),
                # one unit's value in base against the window's first day, for a chart
                "cumulative": [float(u) for u in units / units[0] - 1.0],
            }
        )
    data = {
        "portfolio_id": w.portfolio_id,
        "base_currency": w.base_currency,
        "start": w.start.isoformat(),
        "end": w.end.isoformat(),
        "window_note": w.window_note(),
        "returns": len(returns),
        "twr": twr(returns),
        "dates": [d.isoformat() for d in w.series.dates],
        "cumulative_twr": [0.0, *(float(x) for x in np.cumprod(1.0 + returns) - 1.0)],
        "comparisons": comparisons,
        "conventions": {**conventions(risk_free), "benchmark": BENCHMARK_CONVENTION},
    }
    return CapabilityResult(data, sources(ctx))


def allocation(ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
    """Weights at the pack date by commodity, currency, account and each metadata key of
    ``keys`` (comma-separated), their concentration, and the same at each month's end of
    the window."""
    w = window_arg(args)
    portfolio, commit = ctx.require_portfolio()
    keys = [k.strip() for k in str(args.get("keys") or "").split(",") if k.strip()]
    now = valued_holdings(ctx, tx)
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
    ends, at_ends = month_end_values(w.series.dates, h)
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
            "dates": [d.isoformat() for d in ends],
            "by_commodity": weights_over_time(at_ends, h.commodities),
            "by_currency": weights_over_time(at_ends, h.commodities, currency_of),
            "by_metadata": {
                key: weights_over_time(at_ends, h.commodities, group_of[key]) for key in keys
            },
        },
        "conventions": {"allocation": ALLOCATION_CONVENTION},
    }
    return CapabilityResult(data, sources(ctx), frozenset({ctx.pricing_pack_id}))


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
    w = window_arg(args)
    portfolio, commit_hash = ctx.require_portfolio()
    policy = get_policy(ctx.pricing_policy)
    values = {str(r["commodity"]): float(str(r["value_base"])) for r in valued_holdings(ctx, tx)}
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
    return CapabilityResult(data, sources(ctx), frozenset({ctx.pricing_pack_id}))


def _income_figures(f: Figures) -> dict[str, float]:
    return {**{k: f.amounts[k] for k in KINDS}, "income": f.income, "costs": f.costs}
