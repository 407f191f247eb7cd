"""POST /v1/execute through the execute handler, against real packs: freshness gate,
provenance, attributions, trace, stored executions, tenancy and bad input."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from http import HTTPStatus

import psycopg
import pytest
from psycopg.rows import dict_row

from dawsos_core.db.connection import Database
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from tests.conftest import ApiResponse
from tests.integration.conftest import THU, TODAY, LedgerRepo

Call = Callable[..., ApiResponse]


@pytest.fixture
def execute(executing: Callable[..., ApiResponse]) -> Callable[..., ApiResponse]:
    return executing


def test_portfolio_overview_answers_with_provenance_and_attributions(
    execute: Callable[..., ApiResponse],
    database_url: str,
) -> None:
    response = execute("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})

    assert response.status == HTTPStatus.OK, response.body
    body = response.body
    assert set(body["result"]) == {
        "positions",
        "valuation",
        "metrics",
        "periods",
        "attribution",
        "chart",
    }
    assert body["provenance"]["pricing_pack_id"].startswith("PP_ECB_2024-06-28")
    assert body["provenance"]["as_of"] == "2024-06-28"
    assert body["provenance"]["pack_is_fresh"] is True
    assert len(body["provenance"]["ledger_commit_hash"]) == 40
    assert {a["source"] for a in body["attributions"]} == {"Internal", "ECB"}
    assert [t["step"] for t in body["trace"]] == [
        "positions",
        "valuation",
        "window",
        "metrics",
        "periods",
        "attribution",
        "chart",
    ]
    assert {t["agent"] for t in body["trace"]} == {"financial_analyst"}
    metrics = body["result"]["metrics"]
    assert {
        "twr",
        "twr_annualized",
        "mwr",
        "mwr_annualized",
        "volatility",
        "sharpe",
        "sortino",
        "max_drawdown",
    } <= set(metrics)
    assert metrics["twr_annualized"] is None
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        stored = conn.execute(
            "SELECT user_sub, pattern_id, result_hash,"
            " encode(sha256(convert_to(result::text, 'UTF8')), 'hex') AS stored_text_hash"
            " FROM executions WHERE id = %s",
            (body["execution_id"],),
        ).fetchone()
    assert stored == {  # the stored text is the hashed canonical text, byte for byte
        "user_sub": "alice",
        "pattern_id": "portfolio_overview",
        "result_hash": body["result_hash"],
        "stored_text_hash": body["result_hash"],
    }


def test_rerun_with_the_same_pack_and_commit_is_byte_identical(
    execute: Callable[..., ApiResponse],
) -> None:
    inputs = {"portfolio_id": "p", "start": "2024-06-18", "end": "2024-06-28"}

    first = execute("performance_history", inputs)
    second = execute("performance_history", inputs)

    assert first.status == second.status == HTTPStatus.OK
    assert first.body["result_hash"] == second.body["result_hash"]
    assert json.dumps(first.body["result"], sort_keys=True) == json.dumps(
        second.body["result"], sort_keys=True
    )
    assert first.body["execution_id"] != second.body["execution_id"]
    attribution = first.body["result"]["attribution"]
    assert attribution["local"] + attribution["fx"] + attribution["interaction"] == (
        pytest.approx(attribution["total"], abs=1e-10)
    )


def test_another_users_portfolio_is_not_found(execute: Callable[..., ApiResponse]) -> None:
    response = execute("portfolio_overview", {"portfolio_id": "p"}, sub="mallory")

    assert response.status == HTTPStatus.NOT_FOUND
    assert response.body["error"] == "not_found"


def test_missing_input_is_named(execute: Callable[..., ApiResponse]) -> None:
    response = execute("performance_history", {"portfolio_id": "p", "start": "2024-06-18"})

    assert response.status == HTTPStatus.BAD_REQUEST
    assert "inputs.end" in response.body["message"]


def test_window_without_packs_is_a_422_naming_dates(execute: Callable[..., ApiResponse]) -> None:
    response = execute(
        "performance_history", {"portfolio_id": "p", "start": "2024-06-10", "end": "2024-06-28"}
    )

    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "2024-06-10" in response.body["message"]


def test_stale_pack_is_a_503_unless_fresh_is_not_required(
    execute: Callable[..., ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
    as_functions: Callable[[], None],
) -> None:
    monkeypatch.setenv("DAWSOS_NOW", "2024-07-01T18:00:00Z")  # Monday's pack does not exist
    as_functions()

    refused = execute("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})
    allowed = execute(
        "portfolio_overview", {"portfolio_id": "p", "lookback_days": 5}, require_fresh=False
    )

    assert refused.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert refused.headers["Retry-After"] == "60"
    assert (refused.body["status"], refused.body["pack_id"]) == ("none", None)
    assert refused.body["message"].startswith("the ECB pack for 2024-07-01 is not built yet")
    assert allowed.status == HTTPStatus.OK
    assert allowed.body["provenance"]["as_of"] == "2024-06-28"
    assert allowed.body["provenance"]["pack_age_days"] == 3
    assert allowed.body["provenance"]["pack_is_fresh"] is False


def test_pinned_pack_answers_as_of_its_date(
    execute: Callable[..., ApiResponse],
    database_url: str,
) -> None:
    with psycopg.connect(database_url) as conn:
        (thursday,) = conn.execute(
            "SELECT id FROM pricing_packs WHERE date = %s", (THU,)
        ).fetchone()  # type: ignore[misc]

    response = execute(
        "holding_deep_dive", {"portfolio_id": "p", "lookback_days": 5}, pack_id=thursday
    )

    assert response.status == HTTPStatus.OK
    assert response.body["provenance"]["as_of"] == "2024-06-27"
    assert response.body["result"]["valuation"]["pricing_pack_id"] == thursday


def test_window_over_a_failed_pack_names_the_instruments(
    execute: Callable[..., ApiResponse],
    setup: tuple[Database, LedgerRepo],
) -> None:
    db, _repo = setup
    failed = build_pack(
        db, dt.date(2024, 6, 14), "ECB_CAD", fx=EcbFx(), today=TODAY
    )  # the ledger has no ACME price on or before that day

    response = execute(
        "performance_history", {"portfolio_id": "p", "start": "2024-06-14", "end": "2024-06-28"}
    )

    assert failed.status == "error"
    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "2024-06-14" in response.body["message"]
    assert "no price for ACME" in response.body["message"]
