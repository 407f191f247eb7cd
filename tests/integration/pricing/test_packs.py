"""Building pricing packs: sourced rows, hash, reconciliation, prewarm, restatements, and
every way a build can fail without leaving anything that could be read as fresh."""

from __future__ import annotations

import datetime as dt
import textwrap
import threading
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import migrate
from dawsos_core.db.repositories.packs import pack_by_id
from dawsos_core.errors import BadRequest, ProviderError
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing import packs as packs_module
from dawsos_core.pricing import reconciliation
from dawsos_core.pricing.packs import PackOutcome, build_pack
from dawsos_core.pricing.providers import Observation
from dawsos_core.pricing.providers.ecb import EcbFx
from tests.integration.conftest import FRI, LEDGER, THU, TODAY, LedgerRepo, rows


class FailingFx:
    source = "Broken"

    def publishes(self) -> frozenset[str]:
        return frozenset({"USD", "CAD", "EUR"})

    def fixings(
        self, currencies: list[str], on: dt.date, max_age_days: int
    ) -> dict[str, Observation]:
        raise ProviderError("Broken: https://fx.example/rates did not answer (timed out)")


def build(db: Database, repo: LedgerRepo, on: dt.date = FRI, **kw: Any) -> PackOutcome:
    kw.setdefault("fx", EcbFx())
    kw.setdefault("today", TODAY)
    return build_pack(db, on, "ECB", **kw)


def per_euro(currency: str, on: dt.date = FRI) -> Decimal:
    return EcbFx().fixings([currency], on, 0)[currency].value


def test_fresh_pack_holds_market_data_and_prewarmed_valuations(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup

    outcome = build(db, repo)

    assert outcome.status == "fresh"
    assert outcome.reconciliation_error_bps is not None
    assert outcome.reconciliation_error_bps < Decimal("1e-10")
    price = rows(database_url, "SELECT * FROM pack_prices WHERE pack_id = %s", outcome.pack_id)
    assert [(p["commodity"], p["price"], p["source"], p["observed_on"]) for p in price] == [
        ("ACME", Decimal("103.25"), "Internal", FRI)
    ]
    fixings = rows(database_url, "SELECT * FROM pack_fixings WHERE pack_id = %s", outcome.pack_id)
    usd = next(f for f in fixings if f["currency"] == "USD")
    assert (usd["pivot"], usd["quoted"], usd["rate"], usd["source"], usd["observed_on"]) == (
        "EUR",
        "per_pivot",
        Decimal("1.0705"),  # the ECB's own figure, USD per EUR
        "ECB",
        FRI,
    )
    assert {"CAD", "GBP", "JPY"} <= {f["currency"] for f in fixings}  # every ECB currency
    pack = rows(database_url, "SELECT * FROM pricing_packs WHERE id = %s", outcome.pack_id)[0]
    assert (pack["ledger_commit_hash"], pack["base_currency"]) == (None, None)
    value = rows(database_url, "SELECT * FROM valuations WHERE pack_id = %s", outcome.pack_id)[0]
    usd_cad = per_euro("CAD") / per_euro("USD")
    expected = (10 * Decimal("103.25") + 4000) * usd_cad
    assert abs(value["value_base"] / expected - 1) < Decimal("1e-15")
    assert value["base_currency"] == "CAD"
    holdings = rows(
        database_url,
        "SELECT commodity, value_local FROM holding_valuations h JOIN valuations v"
        " ON v.id = h.valuation_id WHERE pack_id = %s ORDER BY commodity",
        outcome.pack_id,
    )
    assert [(h["commodity"], h["value_local"]) for h in holdings] == [
        ("ACME", Decimal("1032.50")),
        ("USD", Decimal("4000")),
    ]
    with db.session() as conn:
        record = pack_by_id(conn, outcome.pack_id)  # type: ignore[arg-type]
    assert record is not None
    assert (record.status, record.is_fresh, record.prewarm_done) == ("fresh", True, True)
    assert record.fresh_at is not None
    assert record.superseded_at is None


def test_holdings_carry_their_numeric_values_as_the_nearest_doubles(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup
    outcome = build(db, repo)

    holdings = rows(
        database_url,
        "SELECT h.price, h.price_f8, h.fx_rate, h.fx_rate_f8, h.value_base, h.value_base_f8"
        " FROM holding_valuations h JOIN valuations v ON v.id = h.valuation_id"
        " WHERE pack_id = %s",
        outcome.pack_id,
    )

    assert holdings
    for h in holdings:  # Python's float(Decimal) rounds correctly: an independent check
        doubles = (h["price_f8"], h["fx_rate_f8"], h["value_base_f8"])
        assert doubles == (float(h["price"]), float(h["fx_rate"]), float(h["value_base"]))
    with pytest.raises(psycopg.errors.GeneratedAlways), psycopg.connect(database_url) as conn:
        conn.execute("UPDATE holding_valuations SET price_f8 = 0")


def test_same_inputs_give_the_same_hash_in_another_database(
    setup: tuple[Database, LedgerRepo], empty_database_url: str
) -> None:
    db, repo = setup
    other = Database(lambda: empty_database_url)
    migrate(other)
    sync_ledger(other, repo.path)
    create_portfolio(
        other, PortfolioSpec(id="p", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )

    first, second = build(db, repo), build(other, repo)
    other.close()

    assert first.hash == second.hash
    assert first.pack_id == second.pack_id


def test_rebuilding_a_fresh_pack_is_a_no_op(setup: tuple[Database, LedgerRepo]) -> None:
    db, repo = setup
    first = build(db, repo)

    again = build(db, repo)

    assert (again.status, again.pack_id) == ("unchanged", first.pack_id)


def test_a_new_commit_rebuilds_no_pack_and_is_valued_with_it(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup
    old = build(db, repo)
    commit = repo.commit({"main.beancount": LEDGER + BUY_MORE})
    sync_ledger(db, repo.path)

    again = build(db, repo)

    assert (again.status, again.pack_id, again.hash) == ("unchanged", old.pack_id, old.hash)
    valued = rows(
        database_url,
        "SELECT ledger_commit_hash FROM valuations WHERE pack_id = %s",
        old.pack_id,
    )
    assert commit in {v["ledger_commit_hash"] for v in valued}  # the new commit, prewarmed


BUY_MORE = textwrap.dedent("""
    2024-06-28 * "Buy more"
      Assets:Broker:ACME       5 ACME {103.25 USD}
      Assets:Broker:Cash
""")


def test_restatement_supersedes_and_keeps_the_old_pack_readable(
    setup: tuple[Database, LedgerRepo],
) -> None:
    db, repo = setup
    old = build(db, repo)
    corrected = LEDGER.replace(
        "2024-06-28 price ACME 103.25 USD", "2024-06-28 price ACME 103.5 USD"
    )
    repo.commit({"main.beancount": corrected})
    sync_ledger(db, repo.path)

    new = build(db, repo)

    assert new.status == "fresh"
    assert new.hash != old.hash
    assert new.superseded == [old.pack_id]
    with db.session() as conn:
        kept = pack_by_id(conn, old.pack_id)  # type: ignore[arg-type]
        live = pack_by_id(conn, new.pack_id)  # type: ignore[arg-type]
    assert kept is not None
    assert live is not None
    assert kept.superseded_by == new.pack_id
    assert kept.hash == old.hash
    assert kept.superseded_at == live.fresh_at  # one instant: never two live, never none


def test_missing_price_fails_naming_the_instrument(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup
    earlier = build(db, repo, THU)
    repo.commit(
        {
            "main.beancount": LEDGER
            + textwrap.dedent("""
        2024-06-01 open Assets:Broker:XYZ XYZ
        2024-06-10 * "Gift"
          Assets:Broker:XYZ        3 XYZ {1 USD}
          Equity:Opening
    """)
        }
    )
    sync_ledger(db, repo.path)

    failed = build(db, repo)

    assert failed.status == "error"
    assert "no price for XYZ" in (failed.error or "")
    status = rows(
        database_url, "SELECT status, is_fresh FROM pricing_packs WHERE id = %s", failed.pack_id
    )[0]
    assert status == {"status": "error", "is_fresh": False}
    untouched = rows(
        database_url, "SELECT status FROM pricing_packs WHERE id = %s", earlier.pack_id
    )[0]
    assert untouched["status"] == "fresh"


def test_benchmarks_are_priced_when_they_can_be_and_never_fail_a_pack(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup
    repo.commit({"main.beancount": LEDGER + "2024-06-27 price IDX 1200.00 USD\n"})
    sync_ledger(db, repo.path)
    spec = PortfolioSpec(
        id="b", owner_sub="alice", account_prefixes=["Assets:Broker"], benchmarks=["IDX", "NOPE"]
    )
    create_portfolio(db, spec)

    outcome = build(db, repo)

    assert outcome.status == "fresh", outcome.error  # NOPE has no price anywhere
    priced = rows(
        database_url,
        "SELECT commodity, price FROM pack_prices WHERE pack_id = %s ORDER BY commodity",
        outcome.pack_id,
    )
    assert priced == [
        {"commodity": "ACME", "price": Decimal("103.25")},
        {"commodity": "IDX", "price": Decimal("1200.00")},  # held by no one, named by b
    ]


def test_stale_price_beyond_the_policy_age_fails(setup: tuple[Database, LedgerRepo]) -> None:
    db, repo = setup

    failed = build(db, repo, dt.date(2024, 7, 8), today=dt.date(2024, 7, 8))

    assert failed.status == "error"
    assert "price of ACME is 10 days old" in (failed.error or "")


def test_provider_failure_records_the_reason(setup: tuple[Database, LedgerRepo]) -> None:
    db, repo = setup

    failed = build(db, repo, fx=FailingFx())

    assert failed.status == "error"
    assert "did not answer" in (failed.error or "")


def test_reconciliation_failure_keeps_the_pack_from_fresh(
    setup: tuple[Database, LedgerRepo], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, repo = setup
    real = reconciliation.inventory_units
    monkeypatch.setattr(
        reconciliation, "inventory_units", lambda *a: {**real(*a), "ACME": Decimal(11)}
    )

    failed = build(db, repo)

    assert failed.status == "error"
    assert "p ACME: ours 10, beancount 11" in (failed.error or "")


def test_crash_halfway_leaves_nothing_fresh_and_a_retry_succeeds(
    setup: tuple[Database, LedgerRepo], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    db, repo = setup

    def crash(*args: Any) -> Any:
        raise RuntimeError("out of memory")

    with monkeypatch.context() as patch:
        patch.setattr(packs_module, "value_with_packs", crash)
        with pytest.raises(RuntimeError):
            build(db, repo)
    crashed = rows(database_url, "SELECT id, status, error_message FROM pricing_packs")
    assert [(r["status"], "out of memory" in r["error_message"]) for r in crashed] == [
        ("error", True)
    ]

    retry = build(db, repo)

    assert retry.status == "fresh"
    assert retry.pack_id == crashed[0]["id"] + "-2"


def test_abandoned_warming_pack_is_marked_error(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO pricing_packs (id, date, policy, hash) VALUES"
            " ('PP_dead', %s, 'ECB', repeat('d', 64))",
            (FRI,),
        )

    build(db, repo)

    dead = rows(
        database_url, "SELECT status, error_message FROM pricing_packs WHERE id = 'PP_dead'"
    )
    assert dead[0]["status"] == "error"
    assert "abandoned" in dead[0]["error_message"]


def test_concurrent_builds_make_one_pack(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    _, repo = setup
    outcomes: list[PackOutcome] = []

    def run() -> None:
        own = Database(lambda: database_url)
        outcomes.append(build(own, repo))
        own.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(o.status for o in outcomes) == ["fresh", "unchanged", "unchanged"]
    assert len(rows(database_url, "SELECT id FROM pricing_packs")) == 1


def test_fresh_pack_content_cannot_change(
    setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup
    outcome = build(db, repo)

    with psycopg.connect(database_url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.IntegrityError, match="not warming"):
            conn.execute(
                "INSERT INTO pack_prices VALUES (%s, 'GLD', 'USD', 1, 'x', %s)",
                (outcome.pack_id, FRI),
            )
        with pytest.raises(psycopg.errors.IntegrityError, match="append-only"):
            conn.execute("UPDATE pack_fixings SET rate = 2")
        with pytest.raises(psycopg.errors.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM valuations")
        with pytest.raises(psycopg.errors.IntegrityError, match="set by the database"):
            conn.execute("UPDATE pricing_packs SET fresh_at = now() - interval '1 day'")


@pytest.mark.parametrize(
    ("on", "policy", "message"),
    [
        (dt.date(2024, 7, 2), "ECB", "in the future"),
        (dt.date(2024, 6, 29), "ECB_CAD", "Saturday"),
        (FRI, "ECB_USD", "unknown pricing policy"),
    ],
)
def test_bad_requests_are_refused_before_anything_is_written(
    setup: tuple[Database, LedgerRepo],
    database_url: str,
    on: dt.date,
    policy: str,
    message: str,
) -> None:
    db, _repo = setup

    with pytest.raises(BadRequest, match=message):
        build_pack(db, on, policy, fx=EcbFx(), today=TODAY)
    assert rows(database_url, "SELECT id FROM pricing_packs") == []


CURRENCIES = textwrap.dedent("""
    option "operating_currency" "USD"
    2024-06-01 commodity USDC
      currency: TRUE
    2024-06-01 open Assets:Broker:Cash USD
    2024-06-01 open Assets:Broker:Sterling GBP
    2024-06-01 open Assets:Broker:Stable USDC
    2024-06-01 open Assets:Broker:BRK BRK.B
    2024-06-01 open Equity:Opening

    2024-06-03 * "Opening"
      Assets:Broker:Cash        5000 USD
      Assets:Broker:Sterling     500 GBP
      Assets:Broker:BRK            2 BRK.B {400 USD}
      Equity:Opening

    2024-06-03 price GBP 1.50 CAD
    2024-06-28 price BRK.B 410.25 USD
""")


def test_currencies_are_valued_at_the_fx_source_and_long_codes_are_priced(
    db: Database, ledger_repo: LedgerRepo, database_url: str
) -> None:
    ledger_repo.commit({"main.beancount": CURRENCIES})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="fx", owner_sub="alice", account_prefixes=["Assets:Broker:BRK"])
    )
    create_portfolio(
        db,
        PortfolioSpec(id="gbp", owner_sub="alice", account_prefixes=["Assets:Broker:Sterling"]),
    )

    built = build_pack(db, FRI, "ECB", fx=EcbFx(), today=TODAY)

    assert built.status == "fresh", built.error
    prices = rows(
        database_url, "SELECT commodity FROM pack_prices WHERE pack_id = %s", built.pack_id
    )
    assert [p["commodity"] for p in prices] == ["BRK.B"]  # GBP is a currency: no price
    gbp = rows(
        database_url,
        "SELECT fx_rate, value_base FROM holding_valuations WHERE portfolio_id = 'gbp'",
    )[0]
    ecb = per_euro("CAD") / per_euro("GBP")
    assert abs(gbp["fx_rate"] / ecb - 1) < Decimal("1e-15")  # not the ledger's 1.50
    assert abs(gbp["value_base"] / (500 * ecb) - 1) < Decimal("1e-15")


def test_a_declared_currency_the_fx_source_lacks_fails_the_pack_naming_it(
    db: Database, ledger_repo: LedgerRepo
) -> None:
    ledger_repo.commit({"main.beancount": CURRENCIES})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="s", owner_sub="alice", account_prefixes=["Assets:Broker:Stable"])
    )
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO ledger_postings (commit_hash, txn_id, posting_no, date, account,"
            " currency, units) SELECT commit_hash, 99, 0, '2024-06-10', 'Assets:Broker:Stable',"
            " 'USDC', 100 FROM ledger_commits"
        )

    failed = build_pack(db, FRI, "ECB", fx=EcbFx(), today=TODAY)

    assert failed.status == "error"
    assert "no USDC fixing from ECB within 5 days of 2024-06-28" in (failed.error or "")
    assert "ECB does not publish it" in (failed.error or "")


def test_boc_policy_builds_from_the_valet_api(
    setup: tuple[Database, LedgerRepo], fake_provider: Any, database_url: str
) -> None:
    from dawsos_core.pricing.providers.boc import BocValetFx
    from dawsos_core.providers.http import HttpClient
    from tests.integration.conftest import FIXTURES

    db, _repo = setup
    recorded = (FIXTURES / "boc" / "FXUSDCAD_2024-06-23_2024-06-28.json").read_bytes()
    fake_provider.serve("/valet/observations/FXUSDCAD/json", (200, recorded, 0.0))
    fx = BocValetFx(HttpClient(timeout_seconds=1, retries=0), f"{fake_provider.url}/valet")

    outcome = build_pack(db, FRI, "BOC_CAD", fx=fx, today=TODAY)

    assert outcome.status == "fresh", outcome.error
    assert outcome.pack_id is not None
    assert outcome.pack_id.startswith("PP_BOC_2024-06-28_")
    fx_rows = rows(
        database_url,
        "SELECT currency, pivot, quoted, rate, source FROM pack_fixings WHERE pack_id = %s",
        outcome.pack_id,
    )
    assert fx_rows == [
        {
            "currency": "USD",
            "pivot": "CAD",
            "quoted": "in_pivot",
            "rate": Decimal("1.3687"),  # the Bank of Canada's own figure, CAD per USD
            "source": "Bank of Canada",
        }
    ]
