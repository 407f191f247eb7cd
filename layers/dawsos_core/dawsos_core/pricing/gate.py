"""The freshness gate: which pricing pack answers a request, and how old it is.

The expected pack is the one for the last weekday whose 16:30 London cut has passed. A
request either pins a pack by id, which must exist (404) and be fresh (503), or takes the
expected date's live pack (503 until it is fresh); without ``require_fresh`` the last fresh
pack on or before that date answers instead, and its age says how old it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.packs import PackRecord, last_fresh_pack, packs_for
from dawsos_core.errors import NotFound, PackNotReady

PackStatus = Literal["fresh", "warming", "error", "none"]

_NOT_READY = {"none": "is not built yet", "warming": "is still being built", "error": "failed"}


@dataclass(frozen=True)
class ExpectedPackState:
    """The expected date of a policy, the pack that tells its state, and the last fresh pack."""

    policy: str
    expected_date: dt.date
    current: PackRecord | None
    last_fresh: PackRecord | None

    @property
    def is_fresh(self) -> bool:
        return self.current is not None and _is_live(self.current)

    @property
    def status(self) -> PackStatus:
        if self.current is None:
            return "none"
        return "fresh" if self.current.is_fresh else self.current.status  # type: ignore[return-value]


@dataclass(frozen=True)
class GatedPack:
    """The pack a request is answered with, and its age in days against the expected date."""

    pack: PackRecord
    age_days: int

    @property
    def is_fresh(self) -> bool:
        """Live and of the expected date."""
        return _is_live(self.pack) and self.age_days == 0


def _is_live(pack: PackRecord) -> bool:
    return pack.is_fresh and pack.superseded_by is None


def expected_pack_state(conn: Connection, policy: str, expected: dt.date) -> ExpectedPackState:
    return state_of(
        policy, expected, packs_for(conn, expected, policy), last_fresh_pack(conn, policy, expected)
    )


def state_of(
    policy: str, expected: dt.date, packs: list[PackRecord], last_fresh: PackRecord | None
) -> ExpectedPackState:
    """From the packs of the expected date (oldest first): a live one wins; otherwise the
    newest attempt that nothing superseded tells the state."""
    attempts = [p for p in packs if p.superseded_by is None]
    live = [p for p in attempts if p.is_fresh]
    current = live[-1] if live else (attempts[-1] if attempts else None)
    return ExpectedPackState(policy, expected, current, last_fresh)


def pinned_pack(
    pack: PackRecord | None, pack_id: str, expected: dt.date, *, retry_after_seconds: int
) -> GatedPack:
    """The pack a request pinned by id (``pack``, as read): 404 when there is none, 503
    until it is fresh. A superseded pack still answers: pinning replays."""
    if pack is None:
        raise NotFound(f"no pricing pack {pack_id}")
    if not pack.is_fresh:
        raise PackNotReady(
            f"pricing pack {pack_id} is {pack.status}",
            status=pack.status,
            pack_id=pack.id,
            retry_after_seconds=retry_after_seconds,
        )
    return GatedPack(pack, age_days(pack.date, expected))


def age_days(pack_date: dt.date, expected: dt.date) -> int:
    """A pack's age: the calendar days from its date to the expected pack's date."""
    return (expected - pack_date).days


def expected_pack(
    state: ExpectedPackState, *, require_fresh: bool, retry_after_seconds: int
) -> GatedPack:
    """The expected date's live pack; or, when ``require_fresh`` is false, the last fresh
    pack. 503 (with the state and the pack that tells it) when neither answers."""
    if state.current is not None and state.is_fresh:
        return GatedPack(state.current, 0)
    if require_fresh:
        raise PackNotReady(
            f"the {state.policy} pack for {state.expected_date} {_NOT_READY[state.status]}; "
            "retry later, or ask with require_fresh false for the last fresh pack",
            status=state.status,
            pack_id=None if state.current is None else state.current.id,
            retry_after_seconds=retry_after_seconds,
        )
    if state.last_fresh is None:
        raise PackNotReady(
            "no fresh pricing pack exists yet",
            status="none",
            pack_id=None,
            retry_after_seconds=retry_after_seconds,
        )
    return GatedPack(state.last_fresh, age_days(state.last_fresh.date, state.expected_date))
