"""What one pack_builder invocation is asked to do, and doing it: check freshness, or build
the pack a job names and then store the provider feeds of its date.

The EventBridge Scheduler target passes ``{"scheduled_time": "<aws.scheduler.scheduled-time>"}``;
the pack date is that instant's calendar date in London, where the 16:30 cut is defined.
An explicit ``{"date", "policy"}`` builds (or rebuilds) one pack; ``{"action": "check_freshness"}``
reports whether the expected pack is fresh (the 18:00 London alarm's input);
``{"action": "sync_ledgers"}`` syncs the tip of every registered ledger and re-values its
portfolios (scheduled before the daily pack, so that a lost webhook costs a day at most).
Migrations are not the pack builder's: its role may not change the schema (the migrate
function runs them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from dawsos_core.calendar import LONDON, expected_pack_date, london_today
from dawsos_core.db.connection import Database
from dawsos_core.errors import PackFailed
from dawsos_core.feeds import store_feeds
from dawsos_core.observability.metrics import (
    LEDGER_SYNC_FAILURES,
    PACK_AGE_DAYS,
    PACK_BUILD_DURATION,
    PACK_FRESH,
    RECONCILIATION_BPS,
)
from dawsos_core.observability.telemetry import annotate, count, span
from dawsos_core.pricing.gate import expected_pack_state
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.policies import get_policy
from dawsos_core.pricing.sources import fx_provider, price_source
from dawsos_core.settings import PolicyName, Settings


class PackJob(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["build", "check_freshness", "sync_ledgers"] = "build"
    date: dt.date | None = None
    policy: PolicyName | None = None
    scheduled_time: dt.datetime | None = None

    @model_validator(mode="after")
    def _date_for_builds(self) -> PackJob:
        if self.action == "build" and self.date is None and self.scheduled_time is None:
            raise ValueError("a build needs 'date' or 'scheduled_time'")
        return self

    def pack_date(self) -> dt.date:
        if self.date is not None:
            return self.date
        assert self.scheduled_time is not None
        when = self.scheduled_time
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return when.astimezone(LONDON).date()


def report_freshness(db: Database, settings: Settings, policy: str) -> dict[str, Any]:
    """The expected pack's freshness as metrics (PackFresh 0/1, PackAgeDays of the last fresh
    pack): after every build, and at 18:00 London, when a 0 raises the not-fresh alarm."""
    with db.session() as conn:
        state = expected_pack_state(conn, policy, expected_pack_date(settings.now()))
    age = None if state.last_fresh is None else (state.expected_date - state.last_fresh.date).days
    count(PACK_FRESH, 1 if state.is_fresh else 0, policy=policy)
    if age is not None:
        count(PACK_AGE_DAYS, age, policy=policy)
    return {
        "expected_date": state.expected_date.isoformat(),
        "fresh": state.is_fresh,
        "last_fresh_age_days": age,
    }


def sync_ledgers(db: Database, settings: Settings, policy: str) -> dict[str, Any]:
    """Every registered ledger synced at its tip; LedgerSyncFailures counts the ledgers that
    failed (each listed with its error), which raises the sync alarm."""
    from dawsos_core.ledger.ingest import sync_registered_ledgers

    with span("ledger_sync", policy=policy):
        outcomes = sync_registered_ledgers(
            db, policy_name=policy, today=london_today(settings.now())
        )
    failed = [o for o in outcomes if o.outcome == "failed"]
    count(LEDGER_SYNC_FAILURES, len(failed))
    return {
        "action": "sync_ledgers",
        "policy": policy,
        "ledgers": [dataclasses.asdict(o) for o in outcomes],
        "failed": len(failed),
    }


def run_job(job: PackJob, db: Database, settings: Settings) -> dict[str, Any]:
    policy = get_policy(job.policy or settings.pricing_policy)
    if job.action == "check_freshness":
        return {"action": "check_freshness", "policy": policy.name,
                **report_freshness(db, settings, policy.name)}  # fmt: skip
    if job.action == "sync_ledgers":
        return sync_ledgers(db, settings, policy.name)
    started = time.perf_counter()
    with span("pack_build", policy=policy.name, date=job.pack_date().isoformat()):
        outcome = build_pack(
            db,
            job.pack_date(),
            policy.name,
            fx=fx_provider(policy, settings),
            prices=price_source(settings),
            today=london_today(settings.now()),
        )
    count(PACK_BUILD_DURATION, time.perf_counter() - started, policy=policy.name)
    annotate(pricing_pack_id=outcome.pack_id, policy=policy.name, pack_status=outcome.status)
    if outcome.reconciliation_error_bps is not None:
        count(RECONCILIATION_BPS, float(outcome.reconciliation_error_bps), policy=policy.name)
    freshness = report_freshness(db, settings, policy.name)
    if outcome.status == "error":
        # Recorded as an error pack already; raising lets the scheduler retry and the DLQ keep it.
        raise PackFailed(f"pack {outcome.pack_id} for {outcome.date} failed: {outcome.error}")
    return {
        "action": "build",
        "date": outcome.date.isoformat(),
        "policy": outcome.policy,
        "status": outcome.status,
        "pack_id": outcome.pack_id,
        "hash": outcome.hash,
        "error": outcome.error,
        "reconciliation_error_bps": None
        if outcome.reconciliation_error_bps is None
        else str(outcome.reconciliation_error_bps),
        "superseded": outcome.superseded,
        "freshness": freshness,
        **store_feeds(db, settings, outcome.pack_id, outcome.date),
    }
