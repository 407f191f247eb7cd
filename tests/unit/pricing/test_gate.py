"""The freshness gate's cases, from pack records alone: a pinned pack, the expected pack,
and the last fresh pack when freshness is not required."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from dawsos_core.db.repositories.packs import PackRecord
from dawsos_core.errors import NotFound, PackNotReady
from dawsos_core.pricing.gate import expected_pack, pinned_pack, state_of

EXPECTED = dt.date(2024, 6, 28)  # a Friday
CREATED = dt.datetime(2024, 6, 28, 17, tzinfo=dt.UTC)
RETRY = 60


def pack(
    pack_id: str,
    on: dt.date = EXPECTED,
    status: str = "fresh",
    superseded_by: str | None = None,
    minutes: int = 0,
) -> PackRecord:
    return PackRecord(
        id=pack_id,
        date=on,
        policy="ECB",
        hash="h" * 64,
        superseded_by=superseded_by,
        status=status,
        is_fresh=status == "fresh",
        prewarm_done=status == "fresh",
        reconciliation_passed=status == "fresh",
        reconciliation_error_bps=Decimal(0) if status == "fresh" else None,
        error_message="no price for ACME" if status == "error" else None,
        created_at=CREATED + dt.timedelta(minutes=minutes),
        updated_at=CREATED + dt.timedelta(minutes=minutes),
        fresh_at=CREATED + dt.timedelta(minutes=minutes) if status == "fresh" else None,
        superseded_at=CREATED + dt.timedelta(minutes=minutes + 1) if superseded_by else None,
    )


def test_a_pinned_fresh_pack_answers_with_its_age() -> None:
    older = pack("P1", on=dt.date(2024, 6, 26))

    gated = pinned_pack(older, "P1", EXPECTED, retry_after_seconds=RETRY)

    assert gated.pack is older
    assert gated.age_days == 2
    assert gated.is_fresh is False  # fresh, but not of the expected date


def test_a_pinned_superseded_pack_still_answers_but_is_not_called_fresh() -> None:
    replaced = pack("P1", superseded_by="P2")

    gated = pinned_pack(replaced, "P1", EXPECTED, retry_after_seconds=RETRY)

    assert (gated.pack.id, gated.age_days, gated.is_fresh) == ("P1", 0, False)


def test_an_unknown_pinned_pack_is_not_found() -> None:
    with pytest.raises(NotFound, match="no pricing pack P9"):
        pinned_pack(None, "P9", EXPECTED, retry_after_seconds=RETRY)


@pytest.mark.parametrize("status", ["warming", "error"])
def test_a_pinned_pack_that_is_not_fresh_is_a_503_naming_its_state(status: str) -> None:
    with pytest.raises(PackNotReady) as raised:
        pinned_pack(pack("P1", status=status), "P1", EXPECTED, retry_after_seconds=RETRY)

    assert raised.value.status == 503
    assert raised.value.retry_after_seconds == RETRY
    assert raised.value.details == {"status": status, "pack_id": "P1"}


def test_the_expected_dates_live_pack_answers_fresh() -> None:
    live = pack("P2", minutes=5)
    state = state_of("ECB", EXPECTED, [pack("P1", status="error"), live], None)

    gated = expected_pack(state, require_fresh=True, retry_after_seconds=RETRY)

    assert (gated.pack, gated.age_days, gated.is_fresh) == (live, 0, True)


def test_a_live_pack_wins_over_a_newer_failed_attempt() -> None:
    live, failed = pack("P1"), pack("P2", status="error", minutes=5)

    state = state_of("ECB", EXPECTED, [live, failed], live)

    assert (state.current, state.status, state.is_fresh) == (live, "fresh", True)


@pytest.mark.parametrize(
    ("packs", "status", "pack_id", "words"),
    [
        ([], "none", None, "is not built yet"),
        ([pack("P1", status="warming")], "warming", "P1", "is still being built"),
        ([pack("P1", status="error")], "error", "P1", "failed"),
    ],
)
def test_without_a_fresh_expected_pack_require_fresh_is_a_503(
    packs: list[PackRecord], status: str, pack_id: str | None, words: str
) -> None:
    last = pack("P0", on=dt.date(2024, 6, 27))
    state = state_of("ECB", EXPECTED, packs, last)

    with pytest.raises(PackNotReady) as raised:
        expected_pack(state, require_fresh=True, retry_after_seconds=RETRY)

    assert raised.value.details == {"status": status, "pack_id": pack_id}
    assert f"the ECB pack for 2024-06-28 {words}" in raised.value.message
    assert "require_fresh false" in raised.value.message


def test_without_require_fresh_the_last_fresh_pack_answers_with_its_age() -> None:
    last = pack("P0", on=dt.date(2024, 6, 25))
    state = state_of("ECB", EXPECTED, [pack("P1", status="error")], last)

    gated = expected_pack(state, require_fresh=False, retry_after_seconds=RETRY)

    assert (gated.pack, gated.age_days, gated.is_fresh) == (last, 3, False)


def test_without_any_fresh_pack_even_require_fresh_false_is_a_503() -> None:
    state = state_of("ECB", EXPECTED, [], None)

    with pytest.raises(PackNotReady, match="no fresh pricing pack exists yet") as raised:
        expected_pack(state, require_fresh=False, retry_after_seconds=RETRY)

    assert raised.value.details == {"status": "none", "pack_id": None}


def test_a_superseded_pack_of_the_date_is_history_not_an_attempt() -> None:
    replaced = dataclasses.replace(pack("P1"), superseded_by="P2")
    failed = pack("P3", status="error", minutes=5)

    alone = state_of("ECB", EXPECTED, [replaced], None)
    after = state_of("ECB", EXPECTED, [replaced, failed], None)

    assert (alone.current, alone.status, alone.is_fresh) == (None, "none", False)
    assert (after.current, after.status) == (failed, "error")
    with pytest.raises(PackNotReady, match="is not built yet"):
        expected_pack(alone, require_fresh=True, retry_after_seconds=RETRY)
