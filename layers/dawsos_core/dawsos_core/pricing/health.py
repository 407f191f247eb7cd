"""The state of the latest pricing pack, as the execute path and operators see it."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import latest_pack

PackStatus = Literal["fresh", "warming", "error", "none"]


class PackHealth(BaseModel):
    """Answer of ``GET /health/pack``; ``status`` is ``none`` when no pack exists yet."""

    model_config = ConfigDict(frozen=True)

    status: PackStatus
    policy: str
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


def pack_health(db: Database, policy: str, now: dt.datetime) -> PackHealth:
    with db.session() as conn:
        pack = latest_pack(conn, policy)
    if pack is None:
        return PackHealth(status="none", policy=policy)
    bps = pack.reconciliation_error_bps
    return PackHealth(
        status="fresh" if pack.is_fresh else pack.status,
        policy=pack.policy,
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
    )
