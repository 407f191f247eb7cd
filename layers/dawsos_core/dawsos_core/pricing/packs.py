"""Build one day's pricing pack under a policy, and only then call it fresh.

1. Under a per-(date, policy) lock: the latest ledger commit, every portfolio's holdings
   at the date and its external flows since the previous weekday.
2. The price of every commodity held or moved and the rate of every currency to base,
   each with its source and observation date, within the policy's maximum ages. Anything
   missing fails the pack with the instruments named: no silent fallbacks.
3. The canonical content hash; the same content already fresh is a no-op.
4. The pack and its content are written (warming), reconciled against Beancount, the
   valuations prewarmed, and the pack marked fresh, superseding the earlier fresh pack of
   the same date and policy (a restatement). Any failure leaves it in status error with the
   reason; earlier packs are untouched and nothing half-built is ever fresh.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dawsos_core.analytics.valuation import PackRates, value_holdings
from dawsos_core.calendar import is_weekday, previous_weekday
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.ledger import CommitRecord, external_flows, holdings
from dawsos_core.db.repositories.packs import (
    FxRow,
    HoldingValuationRow,
    PriceRow,
    ValuationRow,
    finish_pack,
    insert_pack,
    lock_pack_build,
    mark_pack_error,
    packs_for,
    unlock_pack_build,
)
from dawsos_core.db.repositories.portfolios import PortfolioRecord, list_portfolios
from dawsos_core.errors import BadRequest, DawsosError, ProviderError
from dawsos_core.ledger.commits import pinned_commit
from dawsos_core.ledger.snapshot import commit_entries, inventory_units
from dawsos_core.pricing.content import content_hash
from dawsos_core.pricing.policies import Policy, get_policy
from dawsos_core.pricing.providers import FxProvider, PriceSource
from dawsos_core.pricing.providers.ledger_prices import LedgerPrices
from dawsos_core.pricing.reconciliation import (
    PortfolioReconciliation,
    independent_value,
    require_passed,
    unit_differences,
)


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


@dataclass(frozen=True)
class _Snapshot:
    commit: CommitRecord
    portfolios: list[PortfolioRecord]
    units: dict[str, dict[str, Decimal]]
    flows: dict[str, list[tuple[str, Decimal]]]


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
    ledger_repo: Path | None,
    today: dt.date,
    prices: PriceSource = LedgerPrices,
) -> PackOutcome:
    """``prices`` makes the price provider from a connection and the ledger commit; the
    default reads the ledger's own price directives."""
    policy = check_request(on, policy_name, today)
    with db.session() as conn:
        lock_pack_build(conn, on, policy.name)
    try:
        return _build(db, on, policy, fx, prices, ledger_repo)
    finally:
        with db.session() as conn:
            unlock_pack_build(conn, on, policy.name)


def _snapshot(db: Database, on: dt.date, policy: Policy) -> _Snapshot:
    with db.transaction() as conn:
        for stale in packs_for(conn, on, policy.name):
            if stale.status == "warming":  # we hold the lock: its build died
                mark_pack_error(conn, stale.id, "abandoned: its build did not finish")
        commit = pinned_commit(conn, None)
        portfolios = list_portfolios(conn, None)
        units: dict[str, dict[str, Decimal]] = {}
        flows: dict[str, list[tuple[str, Decimal]]] = {}
        since = previous_weekday(on) + dt.timedelta(days=1)
        for p in portfolios:
            per: dict[str, Decimal] = defaultdict(Decimal)
            for row in holdings(conn, commit.commit_hash, on, p.account_prefixes):
                per[row.commodity] += row.units
            units[p.id] = {c: u for c, u in per.items() if u != 0}
            flows[p.id] = [
                (f.commodity, f.units)
                for f in external_flows(
                    conn, commit.commit_hash, since, on, p.account_prefixes, p.internal_prefixes
                )
            ]
    return _Snapshot(commit, portfolios, units, flows)


def _collect(
    db: Database,
    snap: _Snapshot,
    on: dt.date,
    policy: Policy,
    fx: FxProvider,
    prices_from: PriceSource,
) -> tuple[list[PriceRow], list[FxRow], list[str]]:
    held = {c for u in snap.units.values() for c in u} | {
        c for f in snap.flows.values() for c, _ in f
    }
    cash = set(snap.commit.cash_currencies)
    instruments = sorted(held - cash)
    problems: list[str] = []
    with db.session() as conn:
        try:
            found = prices_from(conn, snap.commit.commit_hash).prices(instruments, on)
        except ProviderError as exc:
            problems.append(exc.message)
            found = {}
    prices: list[PriceRow] = []
    for commodity in instruments:
        obs = found.get(commodity)
        if obs is None:
            problems.append(f"no price for {commodity} on or before {on}")
            continue
        age = (on - obs.observed_on).days
        if age > policy.max_price_age_days:
            problems.append(
                f"price of {commodity} is {age} days old (observed {obs.observed_on});"
                f" {policy.name} allows {policy.max_price_age_days}"
            )
            continue
        prices.append((commodity, obs.quote_currency, obs.value, obs.source, obs.observed_on))
    currencies = sorted(
        ({c for c in held if c in cash} | {p[1] for p in prices}) - {policy.base_currency}
    )
    fx_rates: list[FxRow] = []
    for currency in currencies:
        try:
            rate = fx.rate(currency, policy.base_currency, on, policy.max_fx_age_days)
        except ProviderError as exc:
            problems.append(exc.message)
            break
        if rate is None:
            problems.append(
                f"no {currency}/{policy.base_currency} rate from {fx.source} within "
                f"{policy.max_fx_age_days} days of {on}"
            )
            continue
        fx_rates.append((currency, policy.base_currency, rate.value, rate.source, rate.observed_on))
    return prices, fx_rates, problems


def _pack_id(policy: str, on: dt.date, digest: str, taken: set[str]) -> str:
    base = f"PP_{policy}_{on.isoformat()}_{digest[:12]}"
    candidate, attempt = base, 1
    while candidate in taken:  # an earlier attempt with this content failed
        attempt += 1
        candidate = f"{base}-{attempt}"
    return candidate


def _prewarm(
    snap: _Snapshot, rates: PackRates, policy: Policy, on: dt.date, ledger_repo: Path | None
) -> tuple[list[ValuationRow], list[HoldingValuationRow], Decimal]:
    if ledger_repo is None:
        raise BadRequest("reconciliation needs the ledger repository: set LEDGER_REPO")
    entries = commit_entries(ledger_repo.resolve(), snap.commit.commit_hash, snap.commit.main_file)
    valuations: list[ValuationRow] = []
    holding_rows: list[HoldingValuationRow] = []
    checks: list[PortfolioReconciliation] = []
    for p in snap.portfolios:
        if p.base_currency != policy.base_currency:
            continue  # valued by the packs of a policy in its own base currency
        values = value_holdings(snap.units[p.id], rates)
        total = sum((v.value_base for v in values), start=Decimal(0))
        theirs = inventory_units(entries, p.account_prefixes, on)
        checks.append(
            PortfolioReconciliation(
                p.id,
                unit_differences(p.id, snap.units[p.id], theirs),
                total,
                independent_value(theirs, rates, on),
            )
        )
        flow_values = [rates.value(c, u).value_base for c, u in snap.flows[p.id]]
        flow_in = sum((v for v in flow_values if v > 0), start=Decimal(0))
        flow_out = -sum((v for v in flow_values if v < 0), start=Decimal(0))
        valuations.append((p.id, total, flow_in, flow_out))
        holding_rows.extend(
            (
                p.id,
                v.commodity,
                v.units,
                v.price_currency,
                v.price,
                v.value_local,
                v.fx_rate,
                v.value_base,
            )
            for v in values
        )
    return valuations, holding_rows, require_passed(checks)


def _build(
    db: Database,
    on: dt.date,
    policy: Policy,
    fx: FxProvider,
    prices_from: PriceSource,
    ledger_repo: Path | None,
) -> PackOutcome:
    snap = _snapshot(db, on, policy)
    prices, fx_rates, problems = _collect(db, snap, on, policy, fx, prices_from)
    digest = content_hash(
        on, policy.name, policy.base_currency, snap.commit.commit_hash, prices, fx_rates
    )
    with db.transaction() as conn:
        existing = packs_for(conn, on, policy.name)
        current = [p for p in existing if p.hash == digest and p.is_fresh and not p.superseded_by]
        if current and not problems:
            return PackOutcome(on, policy.name, "unchanged", current[0].id, digest)
        pack_id = _pack_id(policy.name, on, digest, {p.id for p in existing})
        insert_pack(
            conn,
            pack_id,
            on,
            policy.name,
            digest,
            policy.base_currency,
            snap.commit.commit_hash,
            prices,
            fx_rates,
        )
    if problems:
        return _fail(db, on, policy, pack_id, digest, "; ".join(problems))
    rates = PackRates(
        policy.base_currency,
        {c: (q, p) for c, q, p, _, _ in prices},
        {c: r for c, _, r, _, _ in fx_rates},
    )
    try:
        valuations, holding_rows, worst_bps = _prewarm(snap, rates, policy, on, ledger_repo)
    except DawsosError as exc:
        return _fail(db, on, policy, pack_id, digest, exc.message)
    except Exception as exc:
        _fail(db, on, policy, pack_id, digest, f"unexpected {type(exc).__name__}: {exc}")
        raise
    with db.transaction() as conn:
        superseded = finish_pack(
            conn,
            pack_id,
            on,
            policy.name,
            snap.commit.commit_hash,
            policy.base_currency,
            worst_bps,
            valuations,
            holding_rows,
        )
    return PackOutcome(
        on,
        policy.name,
        "fresh",
        pack_id,
        digest,
        reconciliation_error_bps=worst_bps,
        superseded=superseded,
        portfolios=len(valuations),
    )


def _fail(
    db: Database, on: dt.date, policy: Policy, pack_id: str, digest: str, reason: str
) -> PackOutcome:
    with db.transaction() as conn:
        mark_pack_error(conn, pack_id, reason)
    return PackOutcome(on, policy.name, "error", pack_id, digest, error=reason)
