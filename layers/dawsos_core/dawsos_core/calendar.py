"""The valuation calendar: one valuation per weekday, packs cut at 16:30 London."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
CUT = dt.time(16, 30)


def is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5


def previous_weekday(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not is_weekday(day):
        day -= dt.timedelta(days=1)
    return day


def weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every weekday from ``start`` to ``end``, both included."""
    days, day = [], start
    while day <= end:
        if is_weekday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def weekdays_back(end: dt.date, count: int) -> dt.date:
    """The weekday ``count`` weekdays before ``end`` (a weekend ``end`` counts from the
    weekday before it)."""
    day = end if is_weekday(end) else previous_weekday(end)
    for _ in range(count):
        day = previous_weekday(day)
    return day


def window_start(start: dt.date) -> dt.date:
    """A window opens with the valuation at the end of ``start``, rolled back to a weekday."""
    return start if is_weekday(start) else previous_weekday(start)


def expected_pack_date(now: dt.datetime) -> dt.date:
    """The last weekday whose 16:30 London cut has passed at ``now``."""
    local = now.astimezone(LONDON)
    day = local.date()
    if is_weekday(day) and local.time() >= CUT:
        return day
    return previous_weekday(day)  # before the cut, or a weekend: the last weekday's pack


def london_today(now: dt.datetime) -> dt.date:
    return now.astimezone(LONDON).date()
