from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from tests.conftest import ApiResponse
from tests.integration.conftest import FRI, TODAY, LedgerRepo

Execute = Callable[..., ApiResponse]


@pytest.fixture
def executing(
    setup: tuple[Database, LedgerRepo],
    database_url: str,
    api_env: Callable[[str], None],
    call_api: Callable[..., ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
) -> Execute:
    """POST /v1/execute as of Friday 2024-06-28 18:00, with fresh packs for its two weeks."""
    db, _repo = setup
    for day in weekdays(dt.date(2024, 6, 17), FRI):
        assert build_pack(db, day, "ECB", fx=EcbFx(), today=TODAY).status == "fresh"
    monkeypatch.setenv("DAWSOS_NOW", "2024-06-28T18:00:00Z")
    api_env(database_url)

    def run(
        pattern_id: str, inputs: dict[str, Any], sub: str = "alice", **extra: Any
    ) -> ApiResponse:
        body = json.dumps({"pattern_id": pattern_id, "inputs": inputs, **extra})
        return call_api("execute", "POST", "/v1/execute", body=body, sub=sub)

    return run
