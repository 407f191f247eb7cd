"""A portfolio's valuations as answers use them: a window's series at one ledger commit with
the packs live at one instant, valued on demand when not prewarmed and kept; the
re-valuation of a portfolio after a new commit; the valuation of a new portfolio.

Refuses rather than guesses: every weekday of a window needs a live pack, and a missing
one is named, with the reason its pack failed when it did (422).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dawsos_core.analytics.performance import (
    Performance,
    PerformanceWindow,
    WindowDetail,
    performance,
)
from dawsos_core.calendar import previous_weekday, weekdays, window_start
from dawsos_core.day_effects import keep_day_effects, window_day_effects
from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.ledger import (
    CommitRecord,
    commit_by_hash,
    first_difference,
    first_holding_date,
    latest_commit,
    previous_commit,
)
from dawsos_core.db.repositories.moves import no_moves, window_moves
from dawsos_core.db.repositories.packs import (
    PackDay,
    database_now,
    failed_pack_reasons,
    live_packs,
)
from dawsos_core.db.repositories.portfolios import PortfolioRecord, list_portfolios
from dawsos_core.db.repositories.valuations import (
    copy_valuations,
    holding_days,
    no_holding_days,
    valuation_points,
    valuation_series,
)
from dawsos_core.errors import BadRequest, MissingObservations, NotFound, Unprocessable
from dawsos_core.ledger.commits import pinned_commit
from dawsos_core.portfolios import get_portfolio
from dawsos_core.pricing.content import pack_set_hash
from dawsos_core.pricing.policies import Policy, get_policy
from dawsos_core.pricing.reconciliation import reconcile_valuation, require_passed
from dawsos_core.pricing.valuation import value_with_packs

MAX_WINDOW_YEARS = 30
MAX_WINDOW_DAYS = MAX_WINDOW_YEARS * 365 + MAX_WINDOW_YEARS // 4  # leap days included


def covered_since(
    conn: Connection,
    policy: Policy,
    end: dt.date,
    *,
    at: dt.datetime,
    as_of_pack: PackDay | None = None,
) -> dt.date:
    """The first weekday of the run of weekdays through ``end`` that all have a pack live
    at ``at``: the longest history the packs can value without a gap."""
    live = {p.date for p in live_packs(conn, policy.name, dt.date.min, end, at)}
    if as_of_pack is not None:
        live.add(as_of_pack.date)
    day = end
    while previous_weekday(day) in live:
        day = previous_weekday(day)
    return day


def window_packs(
    conn: Connection,
    policy: Policy,
    first: dt.date,
    end: dt.date,
    *,
    at: dt.datetime,
    as_of_pack: PackDay | None = None,
) -> list[PackDay]:
    """The pack of each weekday from ``first`` to ``end`` live at the instant ``at`` (the
    request's own pack for its date); 422 naming the weekdays without one."""
    packs = {p.date: p for p in live_packs(conn, policy.name, first, end, at)}
    if as_of_pack is not None and first <= as_of_pack.date <= end:
        packs[as_of_pack.date] = as_of_pack
    missing = [d for d in weekdays(first, end) if d not in packs]
    if missing:
        reasons = failed_pack_reasons(conn, policy.name, missing)
        shown = ", ".join(str(d) for d in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        why = "; ".join(f"{d}: {r}" for d, r in list(reasons.items())[:5])
        raise Unprocessable(
            f"no {policy.name} pack live at {at.isoformat()} for {shown}{more}"
            + (f" (failed packs: {why})" if why else "")
        )
    return [packs[d] for d in sorted(packs)]


def performance_window(
    conn: Connection,
    portfolio: PortfolioRecord,
    commit_hash: str,
    policy: Policy,
    start: dt.date,
    end: dt.date,
    *,
    packs_as_of: dt.datetime,
    as_of_pack: PackDay | None = None,
    detail: WindowDetail = "holdings",
) -> PerformanceWindow:
    """The window from the valuation at the end of ``start`` (rolled back to a weekday)
    through ``end``, every day valued at the commit with its live pack, and what ``detail``
    names beside the series: every holding-day and the postings the days count
    (``holdings``), the holding-days alone (``holding_values``), the portfolio's day effects
    (``effects``) or nothing (``series``). A window that opens before the portfolio first
    holds anything opens on that day instead (and says so); a day without a live pack after
    it is a 422."""
    if start >= end:
        raise BadRequest(f"the window must end after it starts ({start} to {end})")
    if (end - start).days > MAX_WINDOW_DAYS:
        earliest = end - dt.timedelta(days=MAX_WINDOW_DAYS)
        raise BadRequest(
            f"start: a window spans at most {MAX_WINDOW_YEARS} years; {start} to {end} is "
            f"longer: start on or after {earliest}"
        )
    inception = first_holding_date(conn, commit_hash, portfolio.account_prefixes)
    if inception is None or inception >= end:
        held = "nothing" if inception is None else f"nothing before {inception}"
        raise Unprocessable(
            f"portfolio {portfolio.id} holds {held} at commit {commit_hash[:12]}: a window "
            f"ending {end} has no history to measure"
        )
    first = window_start(max(start, inception))
    packs = window_packs(conn, policy, first, end, at=packs_as_of, as_of_pack=as_of_pack)
    ids = [p.id for p in packs]
    value_with_packs(conn, portfolio, commit_hash, ids, policy)
    holdings = detail in ("holdings", "holding_values")
    return PerformanceWindow(
        portfolio_id=portfolio.id,
        base_currency=portfolio.base_currency,
        policy=policy.name,
        start=first,
        end=end,
        series=valuation_series(conn, portfolio.id, commit_hash, ids),
        detail=detail,
        holdings=(
            holding_days(conn, portfolio.id, commit_hash, ids, first)
            if holdings
            else no_holding_days()
        ),
        moves=(
            window_moves(
                conn, portfolio, commit_hash, ids, first, pivot=policy.pivot, quoted=policy.quoted
            )
            if detail == "holdings"
            else no_moves()
        ),
        effects=(
            window_day_effects(conn, portfolio, commit_hash, policy, packs)
            if detail == "effects"
            else None
        ),
        requested_start=window_start(start),
        inception=inception,
        provenance={
            "pricing_policy": policy.name,
            "ledger_commit_hash": commit_hash,
            "packs_as_of": packs_as_of.isoformat(),
            "packs": len(ids),
            "first_pack": ids[0],
            "last_pack": ids[-1],
            "pack_set_hash": pack_set_hash(ids),
        },
        pack_ids=tuple(ids),
    )


def portfolio_window(
    db: Database,
    portfolio_id: str,
    start: dt.date,
    end: dt.date,
    *,
    policy: str,
    owner_sub: str | None = None,
    commit: str | None = None,
    packs_as_of: dt.datetime | None = None,
    detail: WindowDetail = "holdings",
) -> PerformanceWindow:
    """The window of a portfolio (the owner's, when one is named) at a commit (its ledger's
    latest unless named) with the packs live now (or at ``packs_as_of``)."""
    with db.transaction() as conn:
        portfolio = get_portfolio(conn, portfolio_id, owner_sub)
        record = pinned_commit(conn, commit, portfolio.ledger_id)
        at = packs_as_of or database_now(conn)
        return performance_window(
            conn,
            portfolio,
            record.commit_hash,
            get_policy(policy),
            start,
            end,
            packs_as_of=at,
            detail=detail,
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
    commit: str | None = None,
    packs_as_of: dt.datetime | None = None,
) -> Performance:
    """The performance over ``portfolio_window``."""
    window = portfolio_window(
        db,
        portfolio_id,
        start,
        end,
        policy=policy,
        owner_sub=owner_sub,
        commit=commit,
        packs_as_of=packs_as_of,
    )
    return performance(window, annual_risk_free)


@dataclass(frozen=True)
class Revaluation:
    """A portfolio valued at a new commit: from which date its valuations changed, how many
    packs were valued and copied, and its latest value before and after."""

    portfolio_id: str
    commit_hash: str
    previous_commit: str | None
    changed_from: dt.date | None
    valued: int
    copied: int
    latest_date: dt.date | None
    value_before: Decimal | None
    value_after: Decimal | None
    reconciliation_error_bps: Decimal | None = None  # the worst of the days reconciled
    problem: str | None = None  # why it could not be valued (nothing was written for it)


def revalue_commit(
    db: Database, commit_hash: str, policy_name: str, *, today: dt.date
) -> list[Revaluation]:
    """Value every portfolio of the commit's ledger at it with the live packs: the
    valuations dated before the first posting the commit changes are the previous commit's,
    copied; from that date through ``today`` they are made anew, set-based. No pack is
    rebuilt; the day effects follow the same way. The first day made anew and the latest
    are reconciled against Beancount; a difference refuses the whole re-valuation
    (ReconciliationFailed), and a portfolio the packs cannot value (a new commodity: restate
    its packs) is reported and left out."""
    policy = get_policy(policy_name)
    done = []
    with db.transaction() as conn:
        commit = commit_by_hash(conn, commit_hash)
        if commit is None:
            raise NotFound(f"ledger commit {commit_hash} has not been synced")
        before = previous_commit(conn, commit)
        changed = (
            None if before is None else first_difference(conn, before.commit_hash, commit_hash)
        )
        now = database_now(conn)
        packs = live_packs(conn, policy.name, dt.date.min, today, now)
        for portfolio in list_portfolios(conn, None):
            if portfolio.ledger_id != commit.ledger_id:
                continue
            copied = 0
            if before is not None:
                copied = copy_valuations(
                    conn, portfolio.id, before.commit_hash, commit_hash, changed or dt.date.max
                )
            # what was not copied: the packs from the first change on, and any the previous
            # commit was never valued with
            problem: str | None = None
            try:
                valued = value_with_packs(
                    conn, portfolio, commit_hash, [p.id for p in packs], policy
                )
                keep_day_effects(conn, portfolio, commit_hash, policy, packs)
            except MissingObservations as exc:
                valued = 0
                problem = f"{exc.message}; restate those packs with `dawsos pack backfill`"
            latest = packs[-1] if packs else None
            renewed = [p for p in packs if changed is None or p.date >= changed][:1]
            checks = [
                reconcile_valuation(conn, portfolio, commit, p.id, p.date, policy)
                for p in ([] if problem else {*renewed, *([latest] if latest else [])})
            ]
            done.append(
                Revaluation(
                    portfolio.id,
                    commit_hash,
                    None if before is None else before.commit_hash,
                    changed,
                    valued,
                    copied,
                    None if latest is None else latest.date,
                    _value(conn, portfolio.id, before, latest),
                    _value(conn, portfolio.id, commit, latest),
                    require_passed(checks) if checks else None,
                    problem,
                )
            )
    return done


def _value(
    conn: Connection, portfolio_id: str, commit: CommitRecord | None, pack: PackDay | None
) -> Decimal | None:
    if commit is None or pack is None:
        return None
    points = valuation_points(conn, portfolio_id, commit.commit_hash, [pack.id])
    return points[0].value_base if points else None


def value_portfolio(db: Database, portfolio_id: str, policy_name: str, *, today: dt.date) -> int:
    """Value a portfolio at its ledger's latest commit with every live pack, day effects
    included (a new portfolio is answered at once); the number of packs valued."""
    with db.transaction() as conn:
        return value_portfolio_in(conn, get_portfolio(conn, portfolio_id, None), policy_name, today)


def value_portfolio_in(
    conn: Connection, portfolio: PortfolioRecord, policy_name: str, today: dt.date
) -> int:
    """``value_portfolio`` in the caller's transaction (an API request's)."""
    policy = get_policy(policy_name)
    commit = latest_commit(conn, portfolio.ledger_id)
    if commit is None:
        return 0
    packs = live_packs(conn, policy.name, dt.date.min, today, database_now(conn))
    ids = [p.id for p in packs]
    valued = value_with_packs(conn, portfolio, commit.commit_hash, ids, policy)
    keep_day_effects(conn, portfolio, commit.commit_hash, policy, packs)
    return valued
