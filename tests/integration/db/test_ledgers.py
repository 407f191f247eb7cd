"""Ledgers registered by their owners (0026): the ledgers so far are migrated in, a
portfolio is cut from its ledger by that ledger's owner only (in the domain and in the
database), and row-level security shows each owner its own ledgers, never a secret."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import apply_migrations, discover
from dawsos_core.errors import Forbidden, NotFound
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio, cut_portfolio
from tests.integration.conftest import LEDGER, LedgerRepo


def connect(url: str) -> psycopg.Connection[dict[str, Any]]:
    return psycopg.connect(url, autocommit=True, row_factory=dict_row)


def register(conn: psycopg.Connection[Any], ledger_id: str, owner: str | None) -> None:
    conn.execute(
        "INSERT INTO ledgers (id, owner_sub, local_path, webhook_secret)"
        " VALUES (%s, %s, '/srv/ledger', 'a-webhook-secret-of-16+')",
        (ledger_id, owner),
    )


def spec(portfolio_id: str, owner: str, ledger_id: str) -> PortfolioSpec:
    return PortfolioSpec(
        id=portfolio_id, owner_sub=owner, ledger_id=ledger_id, account_prefixes=["Assets:Bank"]
    )


@pytest.mark.parametrize(
    ("owners", "expected"), [([], None), (["alice"], "alice"), (["alice", "bob"], None)]
)
def test_the_ledgers_so_far_are_migrated_in_with_the_sole_owner_of_their_portfolios(
    empty_database_url: str, owners: list[str], expected: str | None
) -> None:
    with connect(empty_database_url) as conn:
        apply_migrations(conn, [m for m in discover() if m.version < 26])
        for i, owner in enumerate(owners):
            conn.execute(
                "INSERT INTO portfolios (id, owner_sub, account_prefixes)"
                " VALUES (%s, %s, '{Assets}')",
                (f"p{i}", owner),
            )
        conn.execute(
            "INSERT INTO ledger_commits (commit_hash, ledger_id, main_file, committed_at,"
            " transactions, postings, prices) VALUES (%s, 'other', 'm', now(), 0, 0, 0)",
            ("c" * 40,),
        )

        apply_migrations(conn)

        ledgers = conn.execute("SELECT id, owner_sub FROM ledgers ORDER BY id").fetchall()
    assert ledgers == [
        {"id": "default", "owner_sub": expected},
        {"id": "other", "owner_sub": None},
    ]


def test_only_the_ledgers_owner_cuts_portfolios_from_it(
    db: Database, conn: psycopg.Connection[Any]
) -> None:
    register(conn, "la", "alice")

    created = cut_portfolio_as(db, spec("pa", "alice", "la"), caller="alice")
    with pytest.raises(Forbidden, match="ledger la belongs to another owner"):
        create_portfolio(db, spec("pm", "mallory", "la"))
    with pytest.raises(NotFound, match="no ledger la"):  # to another caller, it does not exist
        cut_portfolio_as(db, spec("pm", "mallory", "la"), caller="mallory")
    with pytest.raises(NotFound, match="no ledger nope"):
        create_portfolio(db, spec("px", "alice", "nope"))
    with pytest.raises(Forbidden, match="ledger default is the operator's"):
        cut_portfolio_as(db, spec("pd", "alice", "default"), caller="alice")

    assert created
    assert create_portfolio(db, spec("po", "mallory", "default"))[1]  # the operator's ledger


def cut_portfolio_as(db: Database, portfolio: PortfolioSpec, *, caller: str) -> bool:
    with db.transaction() as tx:
        return cut_portfolio(tx, portfolio, caller=caller)[1]


def test_the_database_refuses_a_portfolio_cut_from_another_owners_ledger(
    conn: psycopg.Connection[Any],
) -> None:
    register(conn, "la", "alice")
    conn.execute(
        "INSERT INTO portfolios (id, owner_sub, ledger_id, account_prefixes)"
        " VALUES ('pa', 'alice', 'la', '{Assets}')"
    )

    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only its owner may cut"):
        conn.execute(
            "INSERT INTO portfolios (id, owner_sub, ledger_id, account_prefixes)"
            " VALUES ('pm', 'mallory', 'la', '{Assets}')"
        )
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only its owner may cut"):
        conn.execute("UPDATE portfolios SET owner_sub = 'mallory' WHERE id = 'pa'")
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute(
            "INSERT INTO portfolios (id, owner_sub, ledger_id, account_prefixes)"
            " VALUES ('pn', 'alice', 'nope', '{Assets}')"
        )
    with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="cannot change"):
        conn.execute("UPDATE ledgers SET owner_sub = 'mallory' WHERE id = 'la'")


def test_the_execute_role_sees_its_callers_ledgers_and_no_webhook_secret(
    conn: psycopg.Connection[Any], logins: dict[str, str]
) -> None:
    register(conn, "la", "alice")
    register(conn, "lm", "mallory")
    execute = Database(lambda: logins["execute"])
    try:
        with execute.request_transaction("alice") as tx:
            seen = tx.execute("SELECT id, owner_sub FROM ledgers ORDER BY id").fetchall()
        with execute.session() as session:  # no caller set: nothing
            anyones = session.execute("SELECT id FROM ledgers").fetchall()
        with (
            pytest.raises(psycopg.errors.InsufficientPrivilege),
            execute.request_transaction("alice") as tx,
        ):
            tx.execute("SELECT webhook_secret FROM ledgers")
    finally:
        execute.close()

    assert seen == [{"id": "la", "owner_sub": "alice"}]
    assert anyones == []


def test_a_commit_belongs_to_a_registered_ledger(
    db: Database, conn: psycopg.Connection[Any], ledger_repo: LedgerRepo
) -> None:
    ledger_repo.commit({"main.beancount": LEDGER})

    with pytest.raises(NotFound, match="no ledger nope: register it"):
        sync_ledger(db, ledger_repo.path, ledger_id="nope")
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute(
            "INSERT INTO ledger_commits (commit_hash, ledger_id, main_file, committed_at,"
            " transactions, postings, prices) VALUES (%s, 'nope', 'm', now(), 0, 0, 0)",
            ("d" * 40,),
        )
