"""The migration runner applies versioned SQL in order, once, each file atomically."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from dawsos_core.db.migrations import Migration, applied_versions, apply_migrations, discover
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
