"""The migration runner applies versioned SQL in order, once, each file atomically."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from dawsos_core.db.migrations import (
    OWNER_RUNS_FROM,
    Migration,
    applied_versions,
    apply_migrations,
    discover,
)
from dawsos_core.db.roles import FUNCTION_ROLES, OWNER
from dawsos_core.errors import MigrationError


def connect(url: str) -> psycopg.Connection:  # type: ignore[type-arg]
    return psycopg.connect(url, autocommit=True, row_factory=dict_row)


def table_exists(conn: psycopg.Connection, name: str) -> bool:  # type: ignore[type-arg]
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL AS e", (name,)).fetchone()["e"]


def test_fresh_database_gets_every_migration_once(empty_database_url: str) -> None:
    with connect(empty_database_url) as conn:
        first = apply_migrations(conn)
        second = apply_migrations(conn)

        assert [m.version for m in first] == [m.version for m in discover()]
        assert second == []
        assert applied_versions(conn) == [m.version for m in discover()]
        for table in ("pricing_packs", "portfolios", "executions"):
            assert table_exists(conn, table)


def test_failing_migration_leaves_nothing_half_applied(empty_database_url: str) -> None:
    good = Migration(1, "first", "CREATE TABLE t_one (id int)")
    bad = Migration(2, "second", "CREATE TABLE t_two (id int); SELECT * FROM no_such_table")

    with connect(empty_database_url) as conn:
        with pytest.raises(MigrationError, match="0002_second failed"):
            apply_migrations(conn, [good, bad])

        assert table_exists(conn, "t_one")
        assert not table_exists(conn, "t_two")
        assert applied_versions(conn) == [1]


def test_edited_migration_is_refused(empty_database_url: str) -> None:
    with connect(empty_database_url) as conn:
        apply_migrations(conn, [Migration(1, "first", "CREATE TABLE t_one (id int)")])

        with pytest.raises(MigrationError, match="changed after it was applied"):
            apply_migrations(conn, [Migration(1, "first", "CREATE TABLE t_one (id bigint)")])


def test_concurrent_runners_apply_each_migration_once(empty_database_url: str) -> None:
    results: list[list[Migration]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with connect(empty_database_url) as conn:
                results.append(apply_migrations(conn))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(len(r) for r in results) == [0, 0, len(discover())]


def test_misnamed_or_duplicate_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("SELECT 1")
    with pytest.raises(MigrationError, match=r"NNNN_description\.sql"):
        discover(tmp_path)

    (tmp_path / "1_bad.sql").unlink()
    (tmp_path / "0001_a.sql").write_text("SELECT 1")
    (tmp_path / "0001_b.sql").write_text("SELECT 2")
    with pytest.raises(MigrationError, match="used twice"):
        discover(tmp_path)


def owners(conn: psycopg.Connection) -> set[str]:  # type: ignore[type-arg]
    rows = conn.execute(
        "SELECT pg_get_userbyid(relowner) AS owner FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S', 'i')"
        " UNION SELECT pg_get_userbyid(proowner) FROM pg_proc"
        " WHERE pronamespace = 'public'::regnamespace"
    ).fetchall()
    return {r["owner"] for r in rows}


def test_a_database_migrated_before_the_owner_role_is_handed_to_it(
    empty_database_url: str,
) -> None:
    with connect(empty_database_url) as conn:
        apply_migrations(conn, [])  # the migrations table, as the runner before 0020 made it
        for m in discover():  # applied as that runner did: as the login, which owned all
            if m.version < OWNER_RUNS_FROM:
                conn.execute(m.sql.encode())
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    (m.version, m.name, m.checksum),
                )
        conn.execute("ALTER TABLE schema_migrations OWNER TO CURRENT_USER")
        conn.execute(
            "INSERT INTO portfolios (id, owner_sub, account_prefixes) VALUES ('p', 'a', '{A}')"
        )
        login = conn.execute("SELECT current_user AS u").fetchone()["u"]
        assert OWNER not in owners(conn)

        applied = apply_migrations(conn)

        assert applied[0].version == OWNER_RUNS_FROM
        assert owners(conn) == {OWNER}
        assert conn.execute("SELECT count(*) AS n FROM portfolios").fetchone() == {"n": 1}
        granted = conn.execute(
            "SELECT count(*) AS n FROM pg_default_acl d, aclexplode(d.defaclacl) a"
            " WHERE d.defaclrole = %s::regrole AND a.grantee = 'dawsos_api'::regrole",
            (login,),
        ).fetchone()
        assert granted == {"n": 0}  # 0007's default grant to the old request role is gone


def test_an_administrator_that_is_no_superuser_migrates_as_in_aws(
    pg_admin_url: str,
) -> None:
    """As the cluster's administrator in RDS: CREATEROLE and the database's owner, with the
    admin option on the server's roles (which it holds on the roles it creates)."""
    from tests.conftest import with_database

    admin = f"dawsos_admin_{uuid.uuid4().hex[:8]}"
    name = f"dawsos_a_{uuid.uuid4().hex[:8]}"
    roles = [OWNER, "dawsos_api", *FUNCTION_ROLES.values()]
    with connect(pg_admin_url) as su:
        su.execute(f"CREATE ROLE {admin} LOGIN CREATEROLE")
        su.execute(f"GRANT {', '.join(roles)} TO {admin} WITH ADMIN OPTION")
        su.execute(f"CREATE DATABASE {name} OWNER {admin}")
    url = make_conninfo(with_database(pg_admin_url, name), user=admin)
    try:
        with connect(url) as conn:
            superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            assert superuser.fetchone() == {"rolsuper": False}
            applied = apply_migrations(conn)
            assert [m.version for m in applied] == [m.version for m in discover()]
            assert owners(conn) == {OWNER}
            policies = conn.execute("SELECT count(*) AS n FROM pg_policies").fetchone()
            assert policies["n"] > 0
    finally:
        with connect(pg_admin_url) as su:
            su.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            su.execute(f"DROP OWNED BY {admin}")
            su.execute(f"DROP ROLE {admin}")


def test_the_rows_of_a_commit_synced_before_0021_name_its_ledger(empty_database_url: str) -> None:
    before = [m for m in discover() if m.version < 21]
    with connect(empty_database_url) as conn:
        apply_migrations(conn, before)
        for commit, ledger in (("a" * 40, "default"), ("b" * 40, "other")):
            conn.execute(
                "INSERT INTO ledger_commits (commit_hash, ledger_id, main_file, committed_at,"
                " transactions, postings, prices) VALUES (%s, %s, 'm', now(), 1, 1, 0)",
                (commit, ledger),
            )
            conn.execute(
                "INSERT INTO ledger_postings (commit_hash, txn_id, posting_no, date, account,"
                " currency, units) VALUES (%s, 1, 1, '2024-01-02', 'Assets:A', 'USD', 1)",
                (commit,),
            )

        apply_migrations(conn)

        named = conn.execute(
            "SELECT commit_hash, ledger_id FROM ledger_postings ORDER BY commit_hash"
        ).fetchall()
        assert named == [
            {"commit_hash": "a" * 40, "ledger_id": "default"},
            {"commit_hash": "b" * 40, "ledger_id": "other"},
        ]
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
            conn.execute("UPDATE ledger_postings SET units = 2")  # its guard is back


def test_a_row_naming_another_ledger_than_its_commits_is_refused(
    database_url: str,
) -> None:
    with connect(database_url) as conn:
        conn.execute("INSERT INTO ledgers (id) VALUES ('other')")
        conn.execute(
            "INSERT INTO ledger_commits (commit_hash, ledger_id, main_file, committed_at,"
            " transactions, postings, prices) VALUES (%s, 'other', 'm', now(), 1, 1, 0)",
            ("c" * 40,),
        )
        with pytest.raises(
            psycopg.errors.IntegrityConstraintViolation, match="must name its ledger"
        ):
            conn.execute(  # no ledger named: 'default', which is not the commit's
                "INSERT INTO ledger_postings (commit_hash, txn_id, posting_no, date, account,"
                " currency, units) VALUES (%s, 1, 1, '2024-01-02', 'Assets:A', 'USD', 1)",
                ("c" * 40,),
            )
