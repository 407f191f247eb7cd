"""A portfolio's valuation series over a window, read from prewarmed valuations.

Refuses rather than guesses: every weekday of the window needs its fresh pack, and a
missing one is named (422).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from dawsos_core.analytics.returns import ValuationSeries
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import failed_pack_reasons
from dawsos_core.db.repositories.valuations import valuation_window
from dawsos_core.errors import Unprocessable
from dawsos_core.pricing.calendar import is_weekday, previous_weekday, weekdays


def window_start(start: dt.date) -> dt.date:
    """The window opens with the valuation at the end of ``start``, rolled back to a weekday."""
    return start if is_weekday(start) else previous_weekday(start)


def load_series(
    db: Database, portfolio_id: str, policy: str, start: dt.date, end: dt.date
) -> ValuationSeries:
    first = window_start(start)
    with db.session() as conn:
        points = valuation_window(conn, portfolio_id, policy, first, end)
    have = {p.date for p in points}
    missing = [d for d in weekdays(first, end) if d not in have]
    if missing:
        with db.session() as conn:
            reasons = failed_pack_reasons(conn, policy, missing)
        shown = ", ".join(str(d) for d in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        why = "; ".join(f"{d}: {r}" for d, r in list(reasons.items())[:5])
        raise Unprocessable(
            f"no fresh {policy} valuation of {portfolio_id} on {shown}{more}"
            + (f" (failed packs: {why})" if why else "")
        )
    return ValuationSeries(
        dates=[p.date for p in points],
        values=np.array([float(p.value_base) for p in points]),
        flow_in=np.array([float(p.flow_in_base) for p in points]),
        flow_out=np.array([float(p.flow_out_base) for p in points]),
    )
