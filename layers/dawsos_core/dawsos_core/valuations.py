"""A portfolio's performance window, read from its prewarmed valuations.

Refuses rather than guesses: every weekday of the window needs the valuation of its live
pack, and a missing one is named, with the reason its pack failed when it did (422).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from dawsos_core.analytics.performance import Performance, PerformanceWindow, performance
from dawsos_core.analytics.returns import ValuationSeries
from dawsos_core.calendar import weekdays, window_start
from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.packs import failed_pack_reasons
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.db.repositories.valuations import (
    holding_days,
    valuation_window,
    window_provenance,
)
from dawsos_core.errors import BadRequest, Unprocessable
from dawsos_core.portfolios import get_portfolio


def performance_window(
    conn: Connection, portfolio: PortfolioRecord, policy: str, start: dt.date, end: dt.date
) -> PerformanceWindow:
    """The window from the valuation at the end of ``start`` (rolled back to a weekday)
    through ``end``."""
    if start >= end:
        raise BadRequest(f"the window must end after it starts ({start} to {end})")
    first = window_start(start)
    points = valuation_window(conn, portfolio.id, policy, first, end)
    have = {p.date for p in points}
    missing = [d for d in weekdays(first, end) if d not in have]
    if missing:
        reasons = failed_pack_reasons(conn, policy, missing)
        shown = ", ".join(str(d) for d in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        why = "; ".join(f"{d}: {r}" for d, r in list(reasons.items())[:5])
        raise Unprocessable(
            f"no fresh {policy} valuation of {portfolio.id} on {shown}{more}"
            + (f" (failed packs: {why})" if why else "")
        )
    series = ValuationSeries(
        dates=[p.date for p in points],
        values=np.array([float(p.value_base) for p in points]),
        flow_in=np.array([float(p.flow_in_base) for p in points]),
        flow_out=np.array([float(p.flow_out_base) for p in points]),
    )
    return PerformanceWindow(
        portfolio_id=portfolio.id,
        base_currency=portfolio.base_currency,
        policy=policy,
        start=first,
        end=end,
        series=series,
        holdings=holding_days(conn, portfolio.id, policy, first, end),
        provenance={
            "pricing_policy": policy,
            **window_provenance(conn, portfolio.id, policy, first, end),
        },
    )


def portfolio_performance(
    db: Database,
    portfolio_id: str,
    start: dt.date,
    end: dt.date,
    *,
    policy: str,
    owner_sub: str | None = None,
    annual_risk_free: float = 0.0,
) -> Performance:
    """The performance of a portfolio (the owner's, when one is named) over a window."""
    with db.session() as conn:
        portfolio = get_portfolio(conn, portfolio_id, owner_sub)
        window = performance_window(conn, portfolio, policy, start, end)
    return performance(window, annual_risk_free)
