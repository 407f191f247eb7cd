"""Row-level security: the second wall. Run as the API runs, a query that forgets its
owner filter still sees only the caller's rows."""

from __future__ import annotations

import psycopg
import pytest

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.executions import find_execution
from dawsos_core.db.repositories.portfolios import list_portfolios, portfolio_by_id


@pytest.fixture
def two_owners(database_url: str) -> Database:
    with psycopg.connect(database_url, autocommit=True) as conn:
        for pid, owner in (("pa", "alice"), ("pm", "mallory")):
            conn.execute(
                "INSERT INTO portfolios (id, owner_sub, account_prefixes)"
                " VALUES (%s, %s, '{Assets:X}')",
                (pid, owner),
            )
        conn.execute(
            "INSERT INTO executions (id, request_id, user_sub, pattern_id) VALUES"
            " ('00000000-0000-0000-0000-00000000000a', 'r', 'alice', 'x')"
        )
    return Database(lambda: database_url)


def test_unfiltered_queries_see_only_the_callers_rows(two_owners: Database) -> None:
    db = two_owners

    with db.tenant("mallory"), db.session() as conn:
        visible = [p.id for p in list_portfolios(conn, None)]  # no owner filter
        alices = portfolio_by_id(conn, "pa", None)
        count = conn.execute("SELECT count(*) AS n FROM executions").fetchone()

    assert visible == ["pm"]
    assert alices is None
    assert count == {"n": 0}


def test_the_role_is_reset_after_the_request(two_owners: Database) -> None:
    db = two_owners
    with db.tenant("alice"), db.session() as conn:
        assert [p.id for p in list_portfolios(conn, None)] == ["pa"]
        execution = find_execution(conn, __import__("uuid").UUID(int=10), "alice")
        assert execution is not None

    with db.session() as conn:  # back to the owner: the operator's view
        assert [p.id for p in list_portfolios(conn, None)] == ["pa", "pm"]
        assert conn.execute("SELECT current_setting('dawsos.user_sub', true) AS s").fetchone() == {
            "s": ""
        }
    db.close()


def test_the_api_role_cannot_write_another_users_execution(two_owners: Database) -> None:
    db = two_owners

    with (
        db.tenant("mallory"),
        db.session() as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(
            "INSERT INTO executions (id, request_id, user_sub, pattern_id) VALUES"
            " (gen_random_uuid(), 'r', 'alice', 'x')"
        )
    db.close()
