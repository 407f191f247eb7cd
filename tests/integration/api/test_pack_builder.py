"""The pack_builder handler applies migrations and refuses malformed jobs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dawsos_core.db.connection import Database
from dawsos_core.errors import NotImplementedYet
from dawsos_local.handlers import FUNCTIONS_DIR, LambdaContext, load_handler

handler = load_handler(FUNCTIONS_DIR / "pack_builder" / "app.py")


def test_migrate_action_applies_pending_migrations(empty_database_url: str) -> None:
    db = Database(lambda: empty_database_url)

    first = handler({"action": "migrate"}, LambdaContext("pack_builder"), db=db)
    second = handler({"action": "migrate"}, LambdaContext("pack_builder"), db=db)

    assert first["applied"][0] == "0001_pricing_packs"
    assert second["applied"] == []
    db.close()


def test_build_is_refused_until_pack_building_exists(database_url: str) -> None:
    db = Database(lambda: database_url)

    with pytest.raises(NotImplementedYet, match="2026-11-24"):
        handler({"scheduled_time": "2026-11-24T16:30:00Z"}, LambdaContext("pack_builder"), db=db)
    db.close()


def test_malformed_event_names_the_field() -> None:
    with pytest.raises(ValidationError, match="policy"):
        handler({"date": "2026-11-24", "policy": 7}, LambdaContext("pack_builder"))
