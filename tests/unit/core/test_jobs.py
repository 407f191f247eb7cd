"""The pack date of a scheduled run is its London calendar date."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from dawsos_core.jobs import PackJob


@pytest.mark.parametrize(
    ("scheduled", "expected"),
    [
        ("2026-11-24T16:30:00Z", dt.date(2026, 11, 24)),  # GMT
        ("2026-07-01T15:30:00Z", dt.date(2026, 7, 1)),  # 16:30 BST
        ("2026-03-29T23:30:00Z", dt.date(2026, 3, 30)),  # after midnight BST
    ],
)
def test_scheduled_time_gives_the_london_date(scheduled: str, expected: dt.date) -> None:
    assert PackJob.model_validate({"scheduled_time": scheduled}).pack_date() == expected


def test_explicit_date_wins() -> None:
    job = PackJob.model_validate({"date": "2026-01-05", "policy": "ECB_CAD"})

    assert job.pack_date() == dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({}, "date"),
        ({"date": "2026-01-05", "policy": "ecb"}, "policy"),
        ({"date": "2026-01-05", "colour": "red"}, "colour"),
    ],
)
def test_invalid_jobs_name_the_field(event: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        PackJob.model_validate(event)


def test_every_schedule_in_the_template_sends_a_job_the_pack_builder_accepts() -> None:
    import json

    import yaml

    from dawsos_local.stack import TEMPLATE
    from dawsos_local.template import _CfnLoader

    template = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506 (safe subclass)
    events = template["Resources"]["PackBuilderFunction"]["Properties"]["Events"]
    inputs = {
        name: json.loads(
            e["Properties"]["Input"].replace(
                "<aws.scheduler.scheduled-time>", "2026-11-24T16:30:00Z"
            )
        )
        for name, e in events.items()
        if e["Type"] == "ScheduleV2"
    }

    jobs = {name: PackJob.model_validate(event).action for name, event in inputs.items()}

    assert jobs == {
        "DailyPack": "build",
        "FreshnessCheck": "check_freshness",
        "LedgerSchedule": "sync_ledgers",
    }
