"""``dawsos pack backfill``'s engine: a pack per weekday, then fresh planner statistics."""

from __future__ import annotations

import datetime as dt
import io

from rich.console import Console

from dawsos_core.db.connection import Database
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_local.backfill import backfill_packs
from tests.integration.conftest import FRI, THU, TODAY, LedgerRepo, rows

PACK_TABLES = ["holding_valuations", "pack_fixings", "pack_prices", "valuations"]


def test_backfill_builds_each_day_and_leaves_the_pack_tables_analysed(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, _repo = setup

    result = backfill_packs(
        db,
        [THU, FRI],
        "ECB_CAD",
        fx=EcbFx(),
        today=TODAY,
        console=Console(file=io.StringIO()),
    )

    assert result.counts == {"fresh": 2, "unchanged": 0, "error": 0}
    analysed = rows(
        database_url,
        "SELECT relname FROM pg_stat_user_tables"
        " WHERE relname = ANY(%s) AND last_analyze IS NOT NULL ORDER BY relname",
        PACK_TABLES,
    )
    assert [r["relname"] for r in analysed] == PACK_TABLES


def test_a_failing_day_is_reported_and_the_backfill_goes_on(
    setup: tuple[Database, LedgerRepo],
) -> None:
    db, _ = setup
    early = THU - dt.timedelta(days=14)  # the ledger prices ACME from 2024-06-17 only

    result = backfill_packs(
        db, [early, THU, FRI], "ECB", fx=EcbFx(), today=TODAY, console=Console(file=io.StringIO())
    )

    assert result.counts == {"fresh": 2, "unchanged": 0, "error": 1}
    assert [f.date for f in result.failures] == [early]
    assert "no price for ACME" in (result.failures[0].error or "")
