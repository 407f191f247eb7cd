"""The state of the pack the execute path expects, as operators and callers see it.

The expected pack is the one for the last weekday whose 16:30 London cut has passed. The
status is that pack's: ``fresh`` when a fresh, unsuperseded pack exists for the date,
else ``warming`` or ``error`` when one is being built or failed, else ``none``. The last
fresh pack is named too, for answers that accept an older pack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import PackRecord, PackStates, pack_states
from dawsos_core.pricing.calendar import expected_pack_date

PackStatus = Literal["fresh", "warming", "error", "none"]


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


@dataclass(frozen=True)
class ExpectedPackState:
    """The expected date, the pack that tells its state, and the last fresh pack."""

    expected_date: dt.date
    current: PackRecord | None
    last_fresh: PackRecord | None

    @property
    def is_fresh(self) -> bool:
        return (
            self.current is not None
            and self.current.is_fresh
            and self.current.superseded_by is None
        )

    @property
    def status(self) -> PackStatus:
        if self.current is None:
            return "none"
        return "fresh" if self.current.is_fresh else self.current.status  # type: ignore[return-value]


def _current(packs: list[PackRecord]) -> PackRecord | None:
    """A live fresh pack wins; otherwise the newest attempt tells the state."""
    live = [p for p in packs if p.is_fresh and p.superseded_by is None]
    if live:
        return live[-1]
    return packs[-1] if packs else None


def pack_state_of(expected: dt.date, states: PackStates) -> ExpectedPackState:
    """The state from ``pack_states_read(policy, expected)``, which the execute path sends
    with its other opening reads."""
    packs, last_fresh = states
    return ExpectedPackState(expected, _current(packs), last_fresh)


def expected_pack_state(db: Database, policy: str, now: dt.datetime) -> ExpectedPackState:
    """One round trip, for GET /health/pack and the pack builder."""
    expected = expected_pack_date(now)
    with db.session() as conn:
        return pack_state_of(expected, pack_states(conn, policy, expected))


def pack_health(db: Database, policy: str, now: dt.datetime) -> PackHealth:
    state = expected_pack_state(db, policy, now)
    pack, last_fresh, expected = state.current, state.last_fresh, state.expected_date
    fresh_fields = {
        "last_fresh_pack_id": last_fresh.id if last_fresh else None,
        "last_fresh_date": last_fresh.date if last_fresh else None,
    }
    if pack is None:
        return PackHealth(status="none", policy=policy, expected_date=expected, **fresh_fields)
    bps = pack.reconciliation_error_bps
    return PackHealth(
        status=state.status,
        policy=pack.policy,
        expected_date=expected,
        pack_id=pack.id,
        date=pack.date,
        hash=pack.hash,
        is_fresh=pack.is_fresh,
        superseded_by=pack.superseded_by,
        prewarm_done=pack.prewarm_done,
        reconciliation_passed=pack.reconciliation_passed,
        reconciliation_error_bps=None if bps is None else float(bps),
        error=pack.error_message,
        created_at=pack.created_at,
        age_seconds=max(0, int((now - pack.created_at).total_seconds())),
        **fresh_fields,
    )
