"""The pack_builder handler: scheduled or explicit pack builds (migrations are the migrate
function's, tests/integration/api/test_function_roles.py)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dawsos_core import resources
from dawsos_core.db.connection import Database
from dawsos_core.errors import PackFailed
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler
from tests.integration.conftest import LEDGER, LedgerRepo

handler = load_handler(FUNCTIONS_DIR / "pack_builder" / "app.py")


@pytest.fixture
def configured(
    db: Database, ledger_repo: LedgerRepo, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Database:
    ledger_repo.commit({"main.beancount": LEDGER})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="p", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    for name, value in {
        "DATABASE_URL": database_url,
        "DAWSOS_NOW": "2024-06-28T17:00:00Z",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    resources.reset()
    return db


def test_scheduled_event_builds_the_london_date(configured: Database) -> None:
    result = handler(
        {"scheduled_time": "2024-06-28T15:30:00Z"}, LambdaContext("pack_builder"), db=configured
    )

    assert (result["status"], result["date"], result["policy"]) == (
        "fresh",
        "2024-06-28",
        "ECB",
    )


def test_explicit_rebuild_of_a_fresh_pack_is_a_no_op(configured: Database) -> None:
    event = {"date": "2024-06-28", "policy": "ECB_CAD"}
    first = handler(event, LambdaContext("pack_builder"), db=configured)

    again = handler(event, LambdaContext("pack_builder"), db=configured)

    assert (again["status"], again["pack_id"]) == ("unchanged", first["pack_id"])


def test_failed_build_raises_after_recording_the_error_pack(configured: Database) -> None:
    with pytest.raises(PackFailed, match="licensed feed"):
        handler(
            {"date": "2024-06-28", "policy": "WM4PM_CAD"},
            LambdaContext("pack_builder"),
            db=configured,
        )


def test_malformed_event_names_the_field() -> None:
    with pytest.raises(ValidationError, match="policy"):
        handler({"date": "2024-06-28", "policy": 7}, LambdaContext("pack_builder"))
