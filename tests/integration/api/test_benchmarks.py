"""benchmark_comparison over HTTP: a benchmark the portfolio names is priced into the packs
though nobody holds it, and the figures equal empyrical's on the stored valuations and the
ledger's prices; a benchmark the packs do not price, or none at all, is a 422 that says
what to do."""

from __future__ import annotations

from http import HTTPStatus

import empyrical
import numpy as np
import pytest

from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from tests.integration.api.conftest import Execute
from tests.integration.conftest import LEDGER, LedgerRepo, rows

INDEX_PRICES = [1000.0, 1004.0, 1001.5, 1010.0, 1012.0, 1008.0, 1015.0, 1030.0, 1027.5, 1040.0]
DAYS = [17, 18, 19, 20, 21, 24, 25, 26, 27, 28]
INDEX = "".join(
    f"2024-06-{d} price IDX {p:.2f} USD\n" for d, p in zip(DAYS, INDEX_PRICES, strict=True)
)


@pytest.fixture
def benchmarked(setup: tuple[Database, LedgerRepo]) -> Database:
    """Portfolio b (base USD) names IDX, an index priced in the ledger and held by no one."""
    db, repo = setup
    repo.commit({"main.beancount": LEDGER + "2024-06-01 commodity IDX\n" + INDEX})
    sync_ledger(db, repo.path)
    spec = PortfolioSpec(
        id="b",
        owner_sub="alice",
        account_prefixes=["Assets:Broker"],
        base_currency="USD",
        benchmarks=["IDX"],
    )
    create_portfolio(db, spec)
    return db


def test_a_named_benchmark_is_compared_as_empyrical_would(
    benchmarked: Database, executing: Execute, database_url: str
) -> None:
    response = executing("benchmark_comparison", {"portfolio_id": "b", "lookback_days": 9})

    assert response.status == HTTPStatus.OK, response.body
    answer = response.body["result"]["benchmarks"]
    (idx,) = answer["comparisons"]
    stored = rows(
        database_url,
        "SELECT value_base, flow_in_base, flow_out_base FROM valuations"
        " WHERE portfolio_id = 'b' AND date >= '2024-06-17' ORDER BY date",
    )
    v = np.array([float(s["value_base"]) for s in stored])
    inflow = np.array([float(s["flow_in_base"]) for s in stored])
    outflow = np.array([float(s["flow_out_base"]) for s in stored])
    r = (v[1:] + outflow[1:]) / (v[:-1] + inflow[1:]) - 1
    b = np.array(INDEX_PRICES[1:]) / np.array(INDEX_PRICES[:-1]) - 1
    assert idx["benchmark"] == "IDX"
    assert answer["returns"] == 9
    assert idx["beta"] == pytest.approx(empyrical.beta(r, b), abs=1e-9)
    assert idx["alpha"] == pytest.approx(empyrical.alpha(r, b), abs=1e-9)
    assert idx["tracking_error"] == pytest.approx(np.std(r - b, ddof=1) * np.sqrt(252), abs=1e-9)
    assert idx["benchmark_twr"] == pytest.approx(1040.0 / 1000.0 - 1, abs=1e-12)
    assert idx["excess_return"] == pytest.approx(answer["twr"] - idx["benchmark_twr"], abs=1e-15)
    assert idx["up_capture"] == pytest.approx(empyrical.up_capture(r, b), abs=1e-9)
    assert idx["down_capture"] == pytest.approx(empyrical.down_capture(r, b), abs=1e-9)
    assert "price return" in answer["conventions"]["benchmark"]


def test_the_cumulative_series_chart_the_portfolio_against_each_benchmark(
    benchmarked: Database, executing: Execute
) -> None:
    """The dashboard draws both lines from these: each ends at its TWR, one point a day."""
    response = executing("benchmark_comparison", {"portfolio_id": "b", "lookback_days": 9})

    assert response.status == HTTPStatus.OK, response.body
    answer = response.body["result"]["benchmarks"]
    (idx,) = answer["comparisons"]
    assert answer["dates"][0] == "2024-06-17"
    assert answer["dates"][-1] == "2024-06-28"
    assert len(answer["dates"]) == len(answer["cumulative_twr"]) == len(idx["cumulative"]) == 10
    assert answer["cumulative_twr"][0] == idx["cumulative"][0] == 0.0
    assert answer["cumulative_twr"][-1] == pytest.approx(answer["twr"], abs=1e-12)
    expected = [p / INDEX_PRICES[0] - 1 for p in INDEX_PRICES]
    assert idx["cumulative"] == pytest.approx(expected, abs=1e-12)


def test_a_benchmark_without_prices_is_a_422_naming_it_and_its_days(
    executing: Execute,
) -> None:
    response = executing(
        "benchmark_comparison", {"portfolio_id": "p", "benchmark": "VWCE", "lookback_days": 9}
    )

    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    message = response.body["message"]
    assert "benchmark VWCE has no price in the packs of 10 of the window's 10 days" in message
    assert "2024-06-17" in message
    assert "dawsos pack backfill --from 2024-06-17 --to 2024-06-28" in message


def test_no_benchmark_at_all_is_a_422_saying_how_to_name_one(executing: Execute) -> None:
    response = executing("benchmark_comparison", {"portfolio_id": "p", "lookback_days": 9})

    assert response.status == HTTPStatus.UNPROCESSABLE_ENTITY
    assert "names no benchmark" in response.body["message"]
    assert "--benchmark" in response.body["message"]


def test_a_benchmark_that_is_no_commodity_code_is_a_400(executing: Execute) -> None:
    response = executing("benchmark_comparison", {"portfolio_id": "p", "benchmark": "drop;"})

    assert response.status == HTTPStatus.BAD_REQUEST
    assert "benchmark" in response.body["message"]
