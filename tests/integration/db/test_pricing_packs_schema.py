"""pricing_packs enforces its rules in the database, not by convention."""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
import pytest

HASH = hashlib.sha256(b"pack").hexdigest()
Conn = psycopg.Connection[Any]


def insert_pack(
    conn: Conn,
    pack_id: str = "PP_2026-11-20",
    *,
    date: str = "2026-11-20",
    digest: str = HASH,
    **columns: Any,
) -> None:
    names = ["id", "date", "policy", "hash", *columns]
    values = [pack_id, date, "ECB", digest, *columns.values()]
    placeholders = ", ".join(["%s"] * len(values))
    conn.execute(f"INSERT INTO pricing_packs ({', '.join(names)}) VALUES ({placeholders})", values)


def mark_fresh(conn: Conn, pack_id: str) -> None:
    conn.execute(
        "UPDATE pricing_packs SET reconciliation_passed = true, reconciliation_error_bps = 0.2, "
        "prewarm_done = true, status = 'fresh', is_fresh = true WHERE id = %s",
        (pack_id,),
    )


def test_new_pack_starts_warming_with_timestamps(conn: Conn) -> None:
    insert_pack(conn)

    row = conn.execute("SELECT * FROM pricing_packs").fetchone()

    assert row["status"] == "warming"
    assert row["is_fresh"] is False
    assert row["prewarm_done"] is False
    assert row["reconciliation_passed"] is False
    assert row["created_at"] is not None
    assert row["updated_at"] is not None


def test_warming_pack_becomes_fresh_after_its_checks(conn: Conn) -> None:
    insert_pack(conn)

    mark_fresh(conn, "PP_2026-11-20")

    row = conn.execute("SELECT status, is_fresh FROM pricing_packs").fetchone()
    assert (row["status"], row["is_fresh"]) == ("fresh", True)


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE pricing_packs SET status = 'fresh', is_fresh = true", "fresh_needs_checks"),
        ("UPDATE pricing_packs SET status = 'fresh'", "fresh_iff_status"),
        ("UPDATE pricing_packs SET status = 'error'", "error_has_reason"),
        ("UPDATE pricing_packs SET hash = repeat('a', 64)", "immutable"),
        ("UPDATE pricing_packs SET date = date + 1", "immutable"),
        ("UPDATE pricing_packs SET superseded_by = id", "not_self_superseded"),
        ("DELETE FROM pricing_packs", "cannot be deleted"),
        ("TRUNCATE pricing_packs CASCADE", "TRUNCATE is refused"),
    ],
)
def test_forbidden_changes_are_rejected(conn: Conn, statement: str, message: str) -> None:
    insert_pack(conn)

    with pytest.raises(psycopg.errors.IntegrityError, match=message):
        conn.execute(statement)


def test_status_never_leaves_a_final_state(conn: Conn) -> None:
    insert_pack(conn)
    mark_fresh(conn, "PP_2026-11-20")

    with pytest.raises(psycopg.errors.IntegrityError, match="cannot move from fresh to warming"):
        conn.execute("UPDATE pricing_packs SET status = 'warming', is_fresh = false")
    with pytest.raises(psycopg.errors.IntegrityError, match="checks are final"):
        conn.execute("UPDATE pricing_packs SET reconciliation_error_bps = 0.9")


def test_superseded_by_is_set_once(conn: Conn) -> None:
    insert_pack(conn, "PP_a")
    insert_pack(conn, "PP_b", digest=hashlib.sha256(b"b").hexdigest())
    insert_pack(conn, "PP_c", digest=hashlib.sha256(b"c").hexdigest())
    conn.execute("UPDATE pricing_packs SET superseded_by = 'PP_b' WHERE id = 'PP_a'")

    with pytest.raises(psycopg.errors.IntegrityError, match="already superseded"):
        conn.execute("UPDATE pricing_packs SET superseded_by = 'PP_c' WHERE id = 'PP_a'")


@pytest.mark.parametrize(
    ("columns", "error"),
    [
        ({"digest": "not-a-sha"}, psycopg.errors.CheckViolation),
        ({"status": "stale"}, psycopg.errors.CheckViolation),
        ({"reconciliation_error_bps": -1}, psycopg.errors.CheckViolation),
    ],
)
def test_invalid_rows_are_rejected(conn: Conn, columns: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        insert_pack(conn, **columns)


def test_same_content_for_a_date_and_policy_is_stored_once(conn: Conn) -> None:
    insert_pack(conn, "PP_one")

    with pytest.raises(psycopg.errors.UniqueViolation):
        insert_pack(conn, "PP_two")


def test_executions_are_append_only(conn: Conn) -> None:
    conn.execute(
        "INSERT INTO executions (id, request_id, user_sub, pattern_id) "
        "VALUES (gen_random_uuid(), 'r1', 'alice', 'portfolio_overview')"
    )

    with pytest.raises(psycopg.errors.IntegrityError, match="audit record"):
        conn.execute("UPDATE executions SET user_sub = 'mallory'")
    with pytest.raises(psycopg.errors.IntegrityError, match="audit record"):
        conn.execute("DELETE FROM executions")


def insert_commit(conn: Conn, commit_hash: str) -> None:
    conn.execute(
        "INSERT INTO ledger_commits (commit_hash, main_file, committed_at, transactions,"
        " postings, prices) VALUES (%s, 'main.beancount', now(), 0, 0, 0)",
        (commit_hash,),
    )


def insert_execution(conn: Conn, pack_id: str | None, commit_hash: str | None) -> None:
    conn.execute(
        "INSERT INTO executions (id, request_id, user_sub, pattern_id, pricing_pack_id,"
        " ledger_commit_hash) VALUES (gen_random_uuid(), 'r1', 'alice', 'portfolio_overview',"
        " %s, %s)",
        (pack_id, commit_hash),
    )


def test_an_execution_names_a_pack_and_a_synced_commit(conn: Conn) -> None:
    first, second = "a" * 40, "b" * 40
    insert_commit(conn, first)
    insert_commit(conn, second)
    insert_pack(conn)

    insert_execution(conn, "PP_2026-11-20", first)
    insert_execution(conn, "PP_2026-11-20", second)  # a pack serves every commit

    for pack_id, commit_hash in [("PP_missing", first), ("PP_2026-11-20", "c" * 40)]:
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            insert_execution(conn, pack_id, commit_hash)
    count = conn.execute("SELECT count(*) AS n FROM executions").fetchone()
    assert count["n"] == 2


def test_a_pack_is_live_from_when_it_became_fresh_until_it_was_superseded(conn: Conn) -> None:
    insert_pack(conn, "PP_a")
    mark_fresh(conn, "PP_a")
    insert_pack(conn, "PP_b", digest=hashlib.sha256(b"b").hexdigest())
    with conn.transaction():  # as the pack builder supersedes
        conn.execute("UPDATE pricing_packs SET superseded_by = 'PP_b' WHERE id = 'PP_a'")
        mark_fresh(conn, "PP_b")

    a, b = conn.execute("SELECT fresh_at, superseded_at FROM pricing_packs ORDER BY id").fetchall()

    assert a["fresh_at"] is not None
    assert a["superseded_at"] == b["fresh_at"]  # the same transaction: one instant
    assert b["superseded_at"] is None
    with pytest.raises(psycopg.errors.IntegrityError, match="set by the database"):
        conn.execute("UPDATE pricing_packs SET superseded_at = now() WHERE id = 'PP_b'")


def test_portfolio_needs_accounts_and_a_currency_code(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO portfolios (id, owner_sub, account_prefixes) VALUES ('p', 'a', '{}')"
        )
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO portfolios (id, owner_sub, account_prefixes, base_currency) "
            "VALUES ('p', 'a', '{Assets:US}', 'cad')"
        )
