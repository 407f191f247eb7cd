"""Row-level security: the second wall. Run as the API runs (logged in as the execute
function's role), a query that forgets its owner filter still sees only the caller's rows."""

from __future__ import annotations

import psycopg
import pytest

from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.executions import find_execution
from dawsos_core.db.repositories.portfolios import list_portfolios, portfolio_by_id
from dawsos_core.errors import Forbidden


@pytest.fixture
def two_owners(database_url: str, logins: dict[str, str]) -> Database:
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
    return Database(lambda: logins["execute"])


def test_unfiltered_queries_see_only_the_callers_rows(two_owners: Database) -> None:
    db = two_owners

    with db.request_transaction("mallory") as conn:
        visible = [p.id for p in list_portfolios(conn, None)]  # no owner filter
        alices = portfolio_by_id(conn, "pa", None)
        count = conn.execute("SELECT count(*) AS n FROM executions").fetchone()

    assert visible == ["pm"]
    assert alices is None
    assert count == {"n": 0}


def test_the_caller_is_forgotten_after_the_request(two_owners: Database) -> None:
    db = two_owners
    with db.request_transaction("alice") as conn:
        assert [p.id for p in list_portfolios(conn, None)] == ["pa"]
        execution = find_execution(conn, __import__("uuid").UUID(int=10), "alice")
        assert execution is not None

    with db.session() as conn:  # the same login, with no caller: no tenant's rows
        assert list_portfolios(conn, None) == []
        assert conn.execute("SELECT current_setting('dawsos.user_sub', true) AS s").fetchone() == {
            "s": ""
        }
    db.close()


def test_the_api_role_cannot_write_another_users_execution(two_owners: Database) -> None:
    db = two_owners

    with (
        db.request_transaction("mallory") as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute(
            "INSERT INTO executions (id, request_id, user_sub, pattern_id) VALUES"
            " (gen_random_uuid(), 'r', 'alice', 'x')"
        )
    db.close()


def _role_and_sub(conn: Connection) -> dict[str, str]:
    """The connection's role and caller; an unset caller reads as ''."""
    row = conn.execute(
        "SELECT current_user AS role, coalesce(current_setting('dawsos.user_sub', true), '') AS sub"
    ).fetchone()
    assert row is not None
    return dict(row)


def _executions_of(url: str, user_sub: str) -> int:
    """As the operator sees them (the database's administrator)."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM executions WHERE user_sub = %s", (user_sub,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def _insert_for(conn: Connection, user_sub: str) -> None:
    conn.execute(
        "INSERT INTO executions (id, request_id, user_sub, pattern_id)"
        " VALUES (gen_random_uuid(), 'r', %s, 'x')",
        (user_sub,),
    )


def test_reads_in_the_request_run_under_the_callers_role(two_owners: Database) -> None:
    db = two_owners
    outside = _role_and_sub(db.connection())

    with db.request_transaction("mallory") as conn:
        alices = portfolio_by_id(conn, "pa", None)  # no owner filter
        own = portfolio_by_id(conn, "pm", None)
        inside = _role_and_sub(conn)

    assert alices is None
    assert own is not None
    assert own.id == "pm"
    assert inside == {"role": "dawsos_execute", "sub": "mallory"}
    assert _role_and_sub(db.connection()) == outside
    db.close()


def test_a_requests_writes_commit_at_its_end_with_the_caller_gone_after(
    two_owners: Database, database_url: str
) -> None:
    db = two_owners
    outside = _role_and_sub(db.connection())

    with db.request_transaction("mallory") as conn:
        _insert_for(conn, "mallory")

    assert _role_and_sub(db.connection()) == outside  # the caller was transaction-local
    assert _executions_of(database_url, "mallory") == 1
    db.close()


def test_a_refused_write_writes_nothing_and_still_forgets_the_caller(
    two_owners: Database, database_url: str
) -> None:
    db = two_owners
    outside = _role_and_sub(db.connection())

    with (
        pytest.raises(psycopg.errors.InsufficientPrivilege),
        db.request_transaction("mallory") as conn,
    ):
        _insert_for(conn, "alice")  # another user's row: the policy refuses it

    assert _role_and_sub(db.connection()) == outside
    assert _executions_of(database_url, "alice") == 1  # the fixture's only
    db.close()


def test_a_failed_read_ends_the_request_and_leaves_no_caller(two_owners: Database) -> None:
    db = two_owners
    outside = _role_and_sub(db.connection())

    with (
        pytest.raises(psycopg.errors.DivisionByZero),
        db.request_transaction("mallory") as conn,
    ):
        conn.execute("SELECT 1 / 0 AS n")

    assert _role_and_sub(db.connection()) == outside
    assert db.connection().info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    db.close()


def test_a_request_is_one_transaction(two_owners: Database) -> None:
    db = two_owners
    with db.request_transaction("mallory") as conn:
        first = conn.execute("SELECT now() AS t").fetchone()
        conn.execute("SELECT pg_sleep(0.01)")
        second = conn.execute("SELECT now() AS t").fetchone()

    assert first == second  # now() is the transaction's start
    db.close()


def _request_that_writes_then_raises(db: Database, error: Exception) -> None:
    with db.request_transaction("mallory") as conn:
        _insert_for(conn, "mallory")
        raise error


def test_a_refusal_keeps_its_audit_rows_and_a_failure_keeps_nothing(
    two_owners: Database, database_url: str
) -> None:
    db = two_owners

    with pytest.raises(Forbidden):
        _request_that_writes_then_raises(db, Forbidden("refused after recording why"))
    with pytest.raises(RuntimeError):
        _request_that_writes_then_raises(db, RuntimeError("a bug half way"))

    assert _executions_of(database_url, "mallory") == 1  # the refusal's row, not the failure's
    db.close()


def test_an_abandoned_request_transaction_is_ended_by_the_server(two_owners: Database) -> None:
    db = two_owners
    show = "SHOW idle_in_transaction_session_timeout"
    with db.session() as conn:
        before = conn.execute(show).fetchone()
    with db.request_transaction("mallory") as conn:
        inside = conn.execute(show).fetchone()
    with db.session() as conn:
        after = conn.execute(show).fetchone()

    assert inside == {"idle_in_transaction_session_timeout": "30s"}
    assert after == before  # transaction-local
    db.close()
