"""What one pack_builder invocation is asked to do.

The EventBridge Scheduler target passes ``{"scheduled_time": "<aws.scheduler.scheduled-time>"}``;
the pack date is that instant's calendar date in London, where the 16:30 cut is defined.
An explicit ``{"date", "policy"}`` builds (or rebuilds) one pack; ``{"action": "migrate"}``
applies database migrations (run once after each deploy); ``{"action": "check_freshness"}``
reports whether the expected pack is fresh (the 18:00 London alarm's input).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

LONDON = ZoneInfo("Europe/London")


class PackJob(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["build", "migrate", "check_freshness"] = "build"
    date: dt.date | None = None
    policy: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]{1,31}$")
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
