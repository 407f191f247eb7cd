"""The expected pack is the last weekday whose 16:30 London cut has passed."""

from __future__ import annotations

import datetime as dt

import pytest

from dawsos_core.calendar import expected_pack_date, previous_weekday, weekdays


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-24T16:29:59+00:00", "2026-11-23"),  # Tuesday before the cut (GMT)
        ("2026-11-24T16:30:00+00:00", "2026-11-24"),  # Tuesday at the cut
        ("2026-07-01T15:30:00+00:00", "2026-07-01"),  # 16:30 BST is 15:30 UTC
        ("2026-07-01T15:29:00+00:00", "2026-06-30"),
        ("2026-11-28T12:00:00+00:00", "2026-11-27"),  # Saturday: Friday's pack
        ("2026-11-30T09:00:00+00:00", "2026-11-27"),  # Monday morning: still Friday's
    ],
)
def test_expected_pack_date(now: str, expected: str) -> None:
    assert expected_pack_date(dt.datetime.fromisoformat(now)) == dt.date.fromisoformat(expected)


def test_weekday_helpers() -> None:
    assert previous_weekday(dt.date(2026, 11, 30)) == dt.date(2026, 11, 27)
    assert weekdays(dt.date(2026, 11, 27), dt.date(2026, 11, 30)) == [
        dt.date(2026, 11, 27),
        dt.date(2026, 11, 30),
    ]
