"""A portfolio's day effects at a commit (``analytics.attribution.DayEffects``): what a
portfolio-level answer reads, one row a day, instead of every holding-day.

Stored at valuation (the pack builder, a sync's re-valuation, a new portfolio) for every
run of consecutive weekdays' live packs; a day not stored (a restated pack on it or the
day before, an older pinned commit) is computed from the holding-days and postings of the
shortest span that holds it and kept, so an answer never waits on a prewarm. Every pack
passed must already be valued at the commit.
"""

from __future__ import annotations

import numpy as np

from dawsos_core.analytics.attribution import EFFECTS, DayEffects, day_effects
from dawsos_core.calendar import previous_weekday
from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.day_effects import insert_day_effects, stored_day_effects
from dawsos_core.db.repositories.moves import window_moves
from dawsos_core.db.repositories.packs import PackDay
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.db.repositories.valuations import holding_days, valuation_series
from dawsos_core.pricing.policies import Policy

# Missing days closer than this share one read of holding-days: each read costs a query,
# and each day between them costs only its holding-days.
_JOIN_GAP = 20


def window_day_effects(
    conn: Connection,
    portfolio: PortfolioRecord,
    commit_hash: str,
    policy: Policy,
    packs: list[PackDay],
) -> DayEffects:
    """The effects of each day after the first of ``packs`` (one per weekday, in order),
    each measured from the pack before it: stored, else computed and kept."""
    ids = [p.id for p in packs]
    found = stored_day_effects(conn, portfolio.id, commit_hash, ids)
    missing = [i for i in range(1, len(ids)) if i not in found]
    for first, last in _spans(missing):
        span = packs[first - 1 : last + 1]
        computed = _computed(conn, portfolio, commit_hash, policy, span).values
        made = {i: computed[i - first] for i in missing if first <= i <= last}
        insert_day_effects(
            conn, portfolio.id, commit_hash, [(ids[i], ids[i - 1], e) for i, e in made.items()]
        )
        found.update(made)
    rows = [found[i] for i in range(1, len(ids))]
    return DayEffects(np.array(rows).reshape(len(rows), len(EFFECTS)))


def keep_day_effects(
    conn: Connection,
    portfolio: PortfolioRecord,
    commit_hash: str,
    policy: Policy,
    packs: list[PackDay],
) -> None:
    """Store the effects of every day of ``packs`` (in date order) whose previous weekday
    has one of them too."""
    run: list[PackDay] = []
    for pack in [*packs, None]:
        if pack is not None and run and previous_weekday(pack.date) == run[-1].date:
            run.append(pack)
            continue
        if len(run) > 1:
            window_day_effects(conn, portfolio, commit_hash, policy, run)
        run = [] if pack is None else [pack]


def _spans(missing: list[int]) -> list[tuple[int, int]]:
    """The missing indices (sorted) as (first, last) spans, near ones joined."""
    spans: list[tuple[int, int]] = []
    for i in missing:
        if spans and i - spans[-1][1] <= _JOIN_GAP:
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    return spans


def _computed(
    conn: Connection,
    portfolio: PortfolioRecord,
    commit_hash: str,
    policy: Policy,
    span: list[PackDay],
) -> DayEffects:
    ids, start = [p.id for p in span], span[0].date
    return day_effects(
        valuation_series(conn, portfolio.id, commit_hash, ids),
        holding_days(conn, portfolio.id, commit_hash, ids, start),
        window_moves(
            conn, portfolio, commit_hash, ids, start, pivot=policy.pivot, quoted=policy.quoted
        ),
    )
