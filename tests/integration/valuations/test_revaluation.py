"""A new commit re-values each portfolio from the first date its postings change, copying
what came before, rebuilding no pack; the days it makes anew are reconciled, and a
commodity the packs cannot price is reported with what to do."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.valuations import revalue_commit
from tests.integration.conftest import FRI, LEDGER, TODAY, LedgerRepo, rows

DAYS = weekdays(dt.date(2024, 6, 17), FRI)


def built(setup: tuple[Database, LedgerRepo]) -> tuple[Database, LedgerRepo]:
    db, repo = setup
    for day in DAYS:
        assert build_pack(db, day, "ECB", fx=EcbFx(), today=TODAY).status == "fresh"
    return db, repo


def test_revaluation_starts_at_the_first_changed_date_and_is_reconciled(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = built(setup)
    late = textwrap.dedent("""
        2024-06-25 * "Fees, imported late"
          Assets:Broker:Cash      -25 USD
          Assets:Bank:Checking
    """)
    commit = repo.commit({"main.beancount": LEDGER + late})
    sync_ledger(db, repo.path)

    (r,) = revalue_commit(db, commit, "ECB", today=TODAY)

    assert r.changed_from == dt.date(2024, 6, 25)
    assert r.copied == len([d for d in DAYS if d < r.changed_from])
    assert r.valued == len(DAYS) - r.copied
    assert r.reconciliation_error_bps is not None
    assert r.reconciliation_error_bps < Decimal("1e-10")
    assert r.value_before is not None
    assert r.value_after is not None
    assert r.value_before - r.value_after > 0  # 25 USD went out, valued in CAD
    assert r.problem is None
    assert len(rows(database_url, "SELECT id FROM pricing_packs")) == len(DAYS)


def test_a_commodity_the_packs_lack_is_reported_and_nothing_is_written(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = built(setup)
    gift = textwrap.dedent("""
        2024-06-01 open Assets:Broker:XYZ XYZ
        2024-06-20 * "A gift, imported late"
          Assets:Broker:XYZ        3 XYZ {1 USD}
          Equity:Opening
    """)
    commit = repo.commit({"main.beancount": LEDGER + gift})
    sync_ledger(db, repo.path)

    (r,) = revalue_commit(db, commit, "ECB", today=TODAY)

    assert r.problem is not None
    assert "XYZ has no price in 7 packs, 2024-06-20 to 2024-06-28" in r.problem
    assert "dawsos pack backfill" in r.problem
    assert r.value_after is None or r.valued == 0
    written = rows(
        database_url,
        "SELECT count(*) AS n FROM valuations WHERE ledger_commit_hash = %s AND date >= %s",
        commit,
        dt.date(2024, 6, 20),
    )
    assert written == [{"n": 0}]
