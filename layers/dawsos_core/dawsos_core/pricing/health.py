"""The state of the pack the execute path expects, as operators and callers see it.

The expected pack is the one for the last weekday whose 16:30 London cut has passed. The
status is that pack's: ``fresh`` when a fresh, unsuperseded pack exists for the date,
else ``warming`` or ``error`` when one is being built or failed, else ``none``. The last
fresh pack is named too, for answers that accept an older pack.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.calendar import expected_pack_date
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import PackRecord
from dawsos_core.pricing.gate import PackStatus, expected_pack_state


class PackView(BaseModel):
    """A pack as operators and callers see it: the CLI shows it, /health/pack embeds it."""

    model_config = ConfigDict(frozen=True)

    pack_id: str
    date: dt.date
    policy: str
    hash: str
    status: str
    is_fresh: bool
    superseded_by: str | None
    prewarm_done: bool
    reconciliation_passed: bool
    reconciliation_error_bps: float | None
    error: str | None
    created_at: dt.datetime
    fresh_at: dt.datetime | None = None
    superseded_at: dt.datetime | None = None

    @classmethod
    def of(cls, pack: PackRecord) -> PackView:
        bps = pack.reconciliation_error_bps
        return cls(
            pack_id=pack.id,
            date=pack.date,
            policy=pack.policy,
            hash=pack.hash,
            status=pack.status,
            is_fresh=pack.is_fresh,
            superseded_by=pack.superseded_by,
            prewarm_done=pack.prewarm_done,
            reconciliation_passed=pack.reconciliation_passed,
            reconciliation_error_bps=None if bps is None else float(bps),
            error=pack.error_message,
            created_at=pack.created_at,
            fresh_at=pack.fresh_at,
            superseded_at=pack.superseded_at,
        )


class PackHealth(BaseModel):
    """Answer of ``GET /health/pack``."""

    model_config = ConfigDict(frozen=True)

    status: PackStatus
    policy: str
    expected_date: dt.date = Field(description="Date of the pack the execute path needs now")
    pack_id: str | None = None
    date: dt.date | None = None
    hash: str | None = None
    is_fresh: bool = False
    superseded_by: str | None = None
    prewarm_done: bool = False
    reconciliation_passed: bool = False
    reconciliation_error_bps: float | None = Field(
        default=None, description="Largest valuation difference found by reconciliation, in bps."
    )
    error: str | None = Field(default=None, description="Why the pack failed, when it did.")
    created_at: dt.datetime | None = None
    age_seconds: int | None = Field(default=None, description="Seconds since the pack was created.")
    last_fresh_pack_id: str | None = None
    last_fresh_date: dt.date | None = None


def pack_health(db: Database, policy: str, now: dt.datetime) -> PackHealth:
    with db.session() as conn:
        state = expected_pack_state(conn, policy, expected_pack_date(now))
    pack, last_fresh, expected = state.current, state.last_fresh, state.expected_date
    fresh_fields = {
        "last_fresh_pack_id": last_fresh.id if last_fresh else None,
        "last_fresh_date": last_fresh.date if last_fresh else None,
    }
    if pack is None:
        return PackHealth(status="none", policy=policy, expected_date=expected, **fresh_fields)
    view = PackView.of(pack).model_dump(exclude={"status", "fresh_at", "superseded_at"})
    return PackHealth(
        status=state.status,
        expected_date=expected,
        age_seconds=max(0, int((now - pack.created_at).total_seconds())),
        **view,
        **fresh_fields,
    )
