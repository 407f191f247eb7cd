"""Build one weekday's pricing pack under a policy, prewarm it, and only then call it fresh.

1. Under a per-(date, policy) lock, the instrument universe: every commodity that a synced
   commit holds at the date, or moves since the previous weekday, in an account under a
   portfolio's prefixes. A commodity is a currency when the policy's FX source publishes it
   or a ledger declares it; the others are instruments. The portfolios' benchmarks are
   priced too when the price source has a recent enough price and the FX source fixes its
   currency, and left out otherwise (a comparison then names the missing days).
2. The price of every instrument (from the price source) and the FX source's own fixing of
   every currency needed (those held, those prices are quoted in, every portfolio's base),
   each with its source and observation date, within the policy's maximum ages. Providers
   answer each instrument and currency on its own; anything missing fails the pack with
   each instrument or currency named and its cause (not covered by the provider, with its
   reason, or a transient failure), the others priced: no silent fallbacks.
3. The canonical content hash: date, policy, prices and fixings only. The same content
   already live is a no-op.
4. The pack is written (warming), every portfolio is valued at its ledger's latest commit
   with it and reconciled against Beancount, and the pack is marked fresh, superseding the
   earlier fresh pack of the date (a restatement), in one transaction. Any failure leaves
   the pack in status error with the reason; earlier packs are untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg

from dawsos_core.calendar import is_weekday, previous_weekday
from dawsos_core.day_effects import keep_day_effects
from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.ledger import (
    commodities_near,
    declared_currencies,
    latest_commit,
)
from dawsos_core.db.repositories.packs import (
    FixingRow,
    PackDay,
    PriceRow,
    database_now,
    finish_pack,
    insert_pack,
    live_packs,
    lock_pack_build,
    mark_pack_error,
    packs_for,
    unlock_pack_build,
)
from dawsos_core.db.repositories.portfolios import list_portfolios
from dawsos_core.errors import BadRequest, DawsosError, MissingObservations, ProviderError
from dawsos_core.pricing.content import content_hash
from dawsos_core.pricing.policies import Policy, get_policy
from dawsos_core.pricing.providers import (
    FixingAnswer,
    FxProvider,
    NoObservation,
    Observation,
    PriceAnswer,
    PriceObservation,
    PriceSource,
)
from dawsos_core.pricing.providers.ledger_prices import LedgerPrices
from dawsos_core.pricing.reconciliation import reconcile_valuation, require_passed
from dawsos_core.pricing.valuation import value_with_packs


@dataclass(frozen=True)
class PackOutcome:
    date: dt.date
    policy: str
    status: str  # fresh | error | unchanged
    pack_id: str | None
    hash: str | None
    error: str | None = None
    reconciliation_error_bps: Decimal | None = None
    superseded: list[str] = field(default_factory=list)
    portfolios: int = 0


def check_request(on: dt.date, policy_name: str, today: dt.date) -> Policy:
    policy = get_policy(policy_name)
    if on > today:
        raise BadRequest(f"{on} is in the future (today is {today} in London)")
    if not is_weekday(on):
        raise BadRequest(f"{on} is a {on:%A}: packs are built for weekdays only")
    return policy


def build_pack(
    db: Database,
    on: dt.date,
    policy_name: str,
    *,
    fx: FxProvider,
    today: dt.date,
    prices: PriceSource = LedgerPrices,
) -> PackOutcome:
    """``prices`` makes the price provider from a connection and the ledger commit; the
    default reads the ledger's own price directives."""
    policy = check_request(on, policy_name, today)
    with db.session() as conn:
        lock_pack_build(conn, on, policy.name)
    try:
        return _build(db, on, policy, fx, prices)
    finally:
        with db.session() as conn:
            unlock_pack_build(conn, on, policy.name)


@dataclass(frozen=True)
class _Content:
    prices: list[PriceRow]
    fixings: list[FixingRow]
    problems: list[str]


def _collect(
    conn: Connection, on: dt.date, policy: Policy, fx: FxProvider, prices_from: PriceSource
) -> _Content:
    portfolios = list_portfolios(conn, None)
    holdings = sorted({p for pf in portfolios for p in pf.account_prefixes})
    sides = sorted({p for pf in portfolios for p in (*pf.account_prefixes, *pf.internal_prefixes)})
    held = commodities_near(conn, on, previous_weekday(on), holdings, sides) if holdings else set()
    published = fx.publishes()
    currencies = published | declared_currencies(conn)
    instruments = sorted(held - currencies)
    # benchmarks are priced when they can be: one portfolio's benchmark never fails a pack
    benchmarks = sorted({b for pf in portfolios for b in pf.benchmarks} - currencies - held)
    problems: list[str] = []
    answers: Mapping[str, PriceAnswer] = {}
    commit = latest_commit(conn)
    if (instruments or benchmarks) and commit is not None:
        try:
            answers = prices_from(conn, commit.commit_hash).prices(instruments + benchmarks, on)
        except ProviderError as exc:
            problems.append(exc.message)
    found = {c: a for c, a in answers.items() if isinstance(a, PriceObservation)}
    prices: list[PriceRow] = []
    for commodity in instruments:
        obs = found.get(commodity)
        if obs is None:
            answer = answers.get(commodity)
            why = f": {answer.describe()}" if isinstance(answer, NoObservation) else ""
            problems.append(f"no price for {commodity} on or before {on}{why}")
            continue
        age = (on - obs.observed_on).days
        if age > policy.max_price_age_days:
            problems.append(
                f"price of {commodity} is {age} days old (observed {obs.observed_on});"
                f" {policy.name} allows {policy.max_price_age_days}"
            )
            continue
        prices.append((commodity, obs.quote_currency, obs.value, obs.source, obs.observed_on))
    optional = {
        c: obs
        for c, obs in found.items()
        if c in benchmarks and (on - obs.observed_on).days <= policy.max_price_age_days
    }
    wanted = (held & currencies) | {p[1] for p in prices} | {p.base_currency for p in portfolios}
    wanted.discard(policy.pivot)
    fixing_answers: Mapping[str, FixingAnswer] = {}
    try:
        asked = wanted | ({o.quote_currency for o in optional.values()} - {policy.pivot})
        fixing_answers = fx.fixings(sorted(asked), on, policy.max_fx_age_days)
    except ProviderError as exc:
        problems.append(exc.message)
        wanted = set()  # nothing more to say of each currency
    fixed = {c: a for c, a in fixing_answers.items() if isinstance(a, Observation)}
    for commodity, obs in sorted(optional.items()):
        if obs.quote_currency in fixed or obs.quote_currency == policy.pivot:
            prices.append((commodity, obs.quote_currency, obs.value, obs.source, obs.observed_on))
    for currency in sorted(wanted - set(fixed)):
        fixing = fixing_answers.get(currency)
        if isinstance(fixing, NoObservation):
            why = f": {fixing.describe()}"
        else:
            why = "" if currency in published else f"; {fx.source} does not publish it"
        problems.append(
            f"no {currency} fixing from {fx.source} within {policy.max_fx_age_days} days of "
            f"{on}{why}"
        )
    fixings: list[FixingRow] = [
        (c, policy.pivot, policy.quoted, obs.value, obs.source, obs.observed_on)
        for c, obs in sorted(fixed.items())
    ]
    return _Content(prices, fixings, problems)


def _pack_id(policy: str, on: dt.date, digest: str, taken: set[str]) -> str:
    base = f"PP_{policy}_{on.isoformat()}_{digest[:12]}"
    candidate, attempt = base, 1
    while candidate in taken:  # an earlier attempt with this content failed
        attempt += 1
        candidate = f"{base}-{attempt}"
    return candidate


def _build(
    db: Database, on: dt.date, policy: Policy, fx: FxProvider, prices_from: PriceSource
) -> PackOutcome:
    with db.transaction() as conn:
        for stale in packs_for(conn, on, policy.name):
            if stale.status == "warming":  # we hold the lock: its build died
                mark_pack_error(conn, stale.id, "abandoned: its build did not finish")
    with db.session() as conn:
        content = _collect(conn, on, policy, fx, prices_from)
    digest = content_hash(on, policy.name, content.prices, content.fixings)
    with db.transaction() as conn:
        existing = packs_for(conn, on, policy.name)
        live = [p for p in existing if p.hash == digest and p.is_fresh and not p.superseded_by]
        if live and not content.problems:
            prewarm(conn, live[0].id, on, policy)  # a sync or a portfolio may be new
            return PackOutcome(on, policy.name, "unchanged", live[0].id, digest)
        pack_id = _pack_id(policy.name, on, digest, {p.id for p in existing})
    try:
        with db.transaction() as conn:
            insert_pack(conn, pack_id, on, policy.name, digest, content.prices, content.fixings)
    except (psycopg.DataError, psycopg.IntegrityError) as exc:
        with db.transaction() as conn:  # an error pack with the reason, and no content
            insert_pack(conn, pack_id, on, policy.name, digest, [], [])
        reason = str(exc).splitlines()[0]
        return _fail(db, on, policy, pack_id, digest, f"the database refused its content: {reason}")
    if content.problems:
        return _fail(db, on, policy, pack_id, digest, "; ".join(content.problems))
    try:
        with db.transaction() as conn:
            worst_bps, portfolios = prewarm(conn, pack_id, on, policy, reconcile=True)
            superseded = finish_pack(conn, pack_id, on, policy.name, worst_bps)
    except DawsosError as exc:
        return _fail(db, on, policy, pack_id, digest, exc.message)
    except Exception as exc:
        _fail(db, on, policy, pack_id, digest, f"unexpected {type(exc).__name__}: {exc}")
        raise
    return PackOutcome(
        on,
        policy.name,
        "fresh",
        pack_id,
        digest,
        reconciliation_error_bps=worst_bps,
        superseded=superseded,
        portfolios=portfolios,
    )


def prewarm(
    conn: Connection, pack_id: str, on: dt.date, policy: Policy, *, reconcile: bool = False
) -> tuple[Decimal, int]:
    """Value every portfolio at its ledger's latest commit with the pack (a valuation
    already stored is kept), with the day effects of the pack's day and of the next
    weekday's when their other day has a live pack; with ``reconcile``, check each against
    Beancount and raise ReconciliationFailed naming what differs. Returns the largest error
    in bps and the number of portfolios valued."""
    checks = []
    valued = 0
    around = live_packs(
        conn, policy.name, previous_weekday(on), on + dt.timedelta(days=3), database_now(conn)
    )
    run = sorted([*(p for p in around if p.date != on), PackDay(pack_id, on)], key=lambda p: p.date)
    for portfolio in list_portfolios(conn, None):
        commit = latest_commit(conn, portfolio.ledger_id)
        if commit is None:
            continue
        value_with_packs(conn, portfolio, commit.commit_hash, [pack_id], policy)
        try:
            value_with_packs(conn, portfolio, commit.commit_hash, [p.id for p in run], policy)
            keep_day_effects(conn, portfolio, commit.commit_hash, policy, run)
        except MissingObservations:
            pass  # a neighbour the commit's holdings outgrew: its days are made on demand
        valued += 1
        if reconcile:
            checks.append(reconcile_valuation(conn, portfolio, commit, pack_id, on, policy))
    return require_passed(checks), valued


def _fail(
    db: Database, on: dt.date, policy: Policy, pack_id: str, digest: str, reason: str
) -> PackOutcome:
    with db.transaction() as conn:
        mark_pack_error(conn, pack_id, reason)
    return PackOutcome(on, policy.name, "error", pack_id, digest, error=reason)
