"""Performance on a `bean-example` ledger valued with real pricing packs, against
empyrical-reloaded and pyxirr computing from the stored valuations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import empyrical
import numpy as np
import psycopg
import pytest
from psycopg.rows import dict_row
from pyxirr import xirr

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.valuations import holding_days
from dawsos_core.errors import NotFound, Unprocessable
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.valuations import portfolio_performance
from tests.integration.conftest import synced_database

START, END = dt.date(2025, 7, 1), dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def valued(
    pg_admin_url: str,
    template_database: str,
    tmp_path_factory: pytest.TempPathFactory,
    bean_example: Callable[[int, str, str], str],
) -> Iterator[tuple[Database, str]]:
    with synced_database(
        pg_admin_url,
        template_database,
        tmp_path_factory.mktemp("perf") / "ledger",
        {"ledger.beancount": bean_example(7, "2023-01-01", "2025-12-31")},
    ) as (db, url):
        create_portfolio(
            db,
            PortfolioSpec(
                id="demo",
                owner_sub="demo",
                account_prefixes=["Assets:US:ETrade"],
                internal_prefixes=["Income:US:ETrade", "Expenses:Financial:Commissions"],
            ),
        )
        fx = EcbFx()
        for day in weekdays(START, END):
            outcome = build_pack(db, day, "ECB", fx=fx, today=dt.date(2026, 1, 1))
            assert outcome.status == "fresh", outcome.error
        yield db, url


def stored(url: str) -> list[dict[str, object]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT date, value_base, flow_in_base, flow_out_base"
            " FROM valuations WHERE portfolio_id = 'demo'"
            " ORDER BY date"
        ).fetchall()


def test_metrics_match_independent_computations(valued: tuple[Database, str]) -> None:
    db, url = valued

    answer = portfolio_performance(db, "demo", START, END, policy="ECB", owner_sub="demo")

    rows = stored(url)
    v = np.array([float(r["value_base"]) for r in rows])  # type: ignore[arg-type]
    i = np.array([float(r["flow_in_base"]) for r in rows])  # type: ignore[arg-type]
    o = np.array([float(r["flow_out_base"]) for r in rows])  # type: ignore[arg-type]
    r = (v[1:] + o[1:]) / (v[:-1] + i[1:]) - 1
    m = answer.metrics
    assert answer.returns == len(r) == len(weekdays(START, END)) - 1
    assert m.twr == pytest.approx(float(np.prod(1 + r) - 1), abs=1e-12)
    assert m.sharpe == pytest.approx(empyrical.sharpe_ratio(r), abs=1e-9)
    assert m.volatility == pytest.approx(empyrical.annual_volatility(r), abs=1e-9)
    assert m.sortino == pytest.approx(empyrical.sortino_ratio(r), abs=1e-9)
    assert m.max_drawdown == pytest.approx(empyrical.max_drawdown(r), abs=1e-12)
    assert m.twr_annualized is None  # half a year
    dates = [rows[0]["date"]] + [
        x["date"] for x, f in zip(rows[1:], i[1:] - o[1:], strict=True) if f
    ]
    amounts = [-v[0]] + [float(f) for f in (o[1:] - i[1:]) if f] + [v[-1]]
    dates.append(rows[-1]["date"])
    rate = xirr(dates, amounts)
    assert m.mwr_annualized is None  # half a year: the cumulative money-weighted return only
    assert m.mwr == pytest.approx((1 + rate) ** ((END - START).days / 365) - 1, abs=1e-9)
    assert sum(i) > 0  # the window holds external flows (savings transfers)


def test_the_decomposition_sums_to_the_twr_and_names_income_and_costs(
    valued: tuple[Database, str],
) -> None:
    db, _ = valued

    answer = portfolio_performance(db, "demo", START, END, policy="ECB")
    a = answer.attribution

    parts = a.local + a.fx + a.interaction + a.trading + a.income + a.costs + a.other
    assert parts == pytest.approx(answer.metrics.twr, abs=1e-12)
    assert a.total == answer.metrics.twr
    assert abs(a.other) < 1e-9  # sales at their price, gains booked: nothing unnamed
    assert a.by_class["dividends"] > 0
    assert a.by_class["commissions"] < 0
    assert set(a.by_holding) >= {"USD", "VEA"}
    assert a.by_holding["USD"]["local"] == 0.0  # cash has no local return, only FX


def test_manifest_and_provenance_are_stated(valued: tuple[Database, str]) -> None:
    db, _ = valued

    answer = portfolio_performance(db, "demo", START, END, policy="ECB")

    assert answer.conventions["periods_per_year"] == 252
    assert answer.conventions["linking"] == "Carino"
    assert answer.provenance["packs"] == len(weekdays(START, END))
    assert answer.provenance["first_pack"].startswith("PP_ECB_2025-07-01")  # type: ignore[union-attr]


def test_holding_days_are_the_stored_valuations_as_plain_rows_would_read(
    valued: tuple[Database, str],
) -> None:
    db, url = valued
    with psycopg.connect(url) as conn:
        plain = conn.execute(
            "SELECT h.commodity, v.date, h.price, h.fx_rate, h.value_base"
            " FROM valuations v JOIN holding_valuations h ON h.valuation_id = v.id"
            " WHERE v.portfolio_id = 'demo' ORDER BY h.commodity, v.date"
        ).fetchall()
        commit, packs = conn.execute(
            "SELECT ledger_commit_hash, array_agg(pack_id) FROM valuations"
            " WHERE portfolio_id = 'demo' GROUP BY 1"
        ).fetchone()

    with db.session() as conn:
        read = holding_days(conn, "demo", commit, packs, START)

    by_row = sorted(
        zip(
            [read.commodities[i] for i in read.holding],
            [START + dt.timedelta(days=int(d)) for d in read.day],
            read.price,
            read.fx_rate,
            read.value_base,
            strict=True,
        )
    )
    expected = [(c, d, float(px), float(fx), float(v)) for c, d, px, fx, v in plain]
    assert len(by_row) == len(expected) > 500
    assert by_row == expected  # each double exactly Python's float of the stored decimal
    assert read.commodities == sorted({c for c, *_ in plain})


def test_window_without_packs_names_the_dates(valued: tuple[Database, str]) -> None:
    db, _ = valued

    with pytest.raises(Unprocessable, match=r"no ECB pack live at .* for 2025-06-30"):
        portfolio_performance(db, "demo", dt.date(2025, 6, 30), END, policy="ECB")


def test_another_owner_gets_not_found(valued: tuple[Database, str]) -> None:
    db, _ = valued

    with pytest.raises(NotFound):
        portfolio_performance(db, "demo", START, END, policy="ECB", owner_sub="mallory")
