"""Sync: one transaction per commit, nothing written twice, nothing written on errors."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import psycopg
import pytest
from dulwich import porcelain
from psycopg.rows import dict_row

from dawsos_core.db.connection import Database
from dawsos_core.errors import Conflict, LedgerInvalid, LedgerSourceError
from dawsos_core.ledger.positions import portfolio_positions
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from tests.integration.conftest import LedgerRepo

LEDGER = textwrap.dedent("""\
    option "operating_currency" "USD"
    2024-01-01 open Assets:Broker:Cash USD
    2024-01-01 open Assets:Broker:ACME ACME
    2024-01-01 open Assets:Bank:Checking USD
    2024-01-01 open Equity:Opening USD

    2024-01-02 * "Opening"
      Assets:Bank:Checking   5000 USD
      Equity:Opening

    2024-01-03 * "Fund the broker"
      Assets:Broker:Cash     2000 USD
      Assets:Bank:Checking

    2024-01-04 * "Buy ACME"
      Assets:Broker:ACME     10 ACME {150 USD}
      Assets:Broker:Cash

    2024-01-04 price ACME 151 USD
""")
BROKEN_LINE = f"main.beancount:{LEDGER.count(chr(10)) + 2}"


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return {
            t: conn.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"]  # type: ignore[index]
            for t in (
                "ledger_commits",
                "ledger_transactions",
                "ledger_postings",
                "ledger_prices",
                "ledger_accounts",
            )
        }


def test_sync_stores_the_commit(db: Database, database_url: str, ledger_repo: LedgerRepo) -> None:
    commit = ledger_repo.commit({"main.beancount": LEDGER})

    result = sync_ledger(db, ledger_repo.path)

    assert result.commit_hash == commit
    assert result.created is True
    assert (result.transactions, result.postings, result.prices) == (3, 6, 1)
    assert counts(database_url) == {
        "ledger_commits": 1,
        "ledger_transactions": 3,
        "ledger_postings": 6,
        "ledger_prices": 1,
        "ledger_accounts": 4,
    }


def test_same_commit_twice_writes_nothing_new(
    db: Database, database_url: str, ledger_repo: LedgerRepo
) -> None:
    ledger_repo.commit({"main.beancount": LEDGER})
    sync_ledger(db, ledger_repo.path)
    before = counts(database_url)

    again = sync_ledger(db, ledger_repo.path)

    assert again.created is False
    assert counts(database_url) == before


def test_newer_commit_leaves_the_older_answer_intact(db: Database, ledger_repo: LedgerRepo) -> None:
    first = ledger_repo.commit({"main.beancount": LEDGER})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="p", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    on = dt.date(2024, 1, 31)
    old_answer = portfolio_positions(db, "p", on)
    ledger_repo.commit(
        {
            "main.beancount": LEDGER
            + textwrap.dedent("""
        2024-01-10 * "Fund again"
          Assets:Broker:Cash     1000 USD
          Assets:Bank:Checking
    """)
        }
    )

    second = sync_ledger(db, ledger_repo.path)

    assert second.commit_hash != first
    assert portfolio_positions(db, "p", on, commit_hash=first) == old_answer
    latest = portfolio_positions(db, "p", on)
    assert latest.ledger_commit_hash == second.commit_hash
    cash = {p.commodity: p.units for p in latest.positions}["USD"]
    assert cash == 1500


@pytest.mark.parametrize(
    "broken",
    [
        '2024-01-05 * "Typo\n  Assets:Broker:Cash 1 USD\n',
        "2024-01-05 balance Assets:Broker:Cash  999 USD\n",
    ],
    ids=["syntax_error", "failing_balance"],
)
def test_ledger_with_errors_is_refused_and_nothing_written(
    db: Database, database_url: str, ledger_repo: LedgerRepo, broken: str
) -> None:
    where = BROKEN_LINE
    ledger_repo.commit({"main.beancount": LEDGER + "\n" + broken})

    with pytest.raises(LedgerInvalid) as raised:
        sync_ledger(db, ledger_repo.path)

    assert any(issue.startswith(where) for issue in raised.value.issues), raised.value.issues
    assert where in raised.value.message
    assert counts(database_url)["ledger_commits"] == 0


def test_error_in_an_included_file_names_that_file(db: Database, ledger_repo: LedgerRepo) -> None:
    ledger_repo.commit(
        {
            "main.beancount": 'include "years/2024.beancount"\n',
            "years/2024.beancount": '2024-01-01 open Assets:Cash USD\n2024-13-01 * "bad date"\n',
        }
    )

    with pytest.raises(LedgerInvalid, match=r"years/2024\.beancount:2"):
        sync_ledger(db, ledger_repo.path)


def test_unknown_ref_is_a_clear_error(db: Database, ledger_repo: LedgerRepo) -> None:
    ledger_repo.commit({"main.beancount": LEDGER})

    with pytest.raises(LedgerSourceError, match="unknown ref 'v9'"):
        sync_ledger(db, ledger_repo.path, ref="v9")


def test_not_a_repository_is_a_clear_error(db: Database, tmp_path: Any) -> None:
    with pytest.raises(LedgerSourceError, match="not a Git repository"):
        sync_ledger(db, tmp_path)


def test_bare_repository_tag_and_file_path_are_accepted(
    db: Database, ledger_repo: LedgerRepo, tmp_path: Any
) -> None:
    first = ledger_repo.commit({"main.beancount": LEDGER})
    porcelain.tag_create(str(ledger_repo.path), b"v1", annotated=False)
    ledger_repo.commit({"main.beancount": LEDGER + "\n2024-02-01 price ACME 160 USD\n"})
    bare = tmp_path / "bare.git"
    porcelain.clone(str(ledger_repo.path), str(bare), bare=True)

    assert sync_ledger(db, bare, ref="v1").commit_hash == first
    assert sync_ledger(db, ledger_repo.path / "main.beancount").prices == 2


def _register(db: Database, ledger_id: str, owner: str) -> None:
    from dawsos_core.db.repositories.ledgers import LedgerRecord, insert_ledger

    with db.transaction() as conn:
        record = LedgerRecord(
            ledger_id, owner, None, None, None, "/srv/x", None, dt.datetime.now(dt.UTC)
        )
        assert insert_ledger(conn, record, "a-webhook-secret-of-some-length")


def test_a_commit_already_of_another_ledger_is_refused_without_naming_it(
    db: Database, database_url: str, ledger_repo: LedgerRepo
) -> None:
    ledger_repo.commit({"main.beancount": LEDGER})
    _register(db, "household-a", "alice")
    _register(db, "household-b", "bob")
    first = sync_ledger(db, ledger_repo.path, ledger_id="household-a")
    before = counts(database_url)

    with pytest.raises(Conflict) as refused:
        sync_ledger(db, ledger_repo.path, ledger_id="household-b")

    assert refused.value.message.startswith(
        f"commit {first.commit_hash[:12]} is already a commit of another ledger"
    )
    assert "household-a" not in refused.value.message
    assert counts(database_url) == before


def test_a_fork_synced_meanwhile_by_another_ledger_is_refused_in_the_writing_transaction(
    db: Database, database_url: str, ledger_repo: LedgerRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dawsos_core.ledger.sync as sync_module

    ledger_repo.commit({"main.beancount": LEDGER})
    _register(db, "household-a", "alice")
    _register(db, "household-b", "bob")
    sync_ledger(db, ledger_repo.path, ledger_id="household-a")
    before = counts(database_url)
    real = sync_module.commit_by_hash  # type: ignore[attr-defined]
    calls: list[str] = []

    def first_read_before_the_other_sync(conn: Any, commit_hash: str) -> Any:
        calls.append(commit_hash)  # the first read ran before the other ledger's sync committed
        return None if len(calls) == 1 else real(conn, commit_hash)

    monkeypatch.setattr(sync_module, "commit_by_hash", first_read_before_the_other_sync)

    with pytest.raises(Conflict):
        sync_ledger(db, ledger_repo.path, ledger_id="household-b")

    assert len(calls) == 2
    assert counts(database_url) == before
