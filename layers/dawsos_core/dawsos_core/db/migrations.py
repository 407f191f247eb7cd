"""Versioned SQL migrations, applied in order, each in its own transaction.

Files are named ``NNNN_description.sql``. Applied versions are recorded with a checksum in
``schema_migrations``; running again applies nothing, and a migration edited after it was
applied is refused rather than silently skipped. A session advisory lock serialises runners
that start at the same moment (several Lambdas, a CLI and a test).

The runner logs in as a role that may create roles (``dawsos_core.db.roles``): before the
migrations it makes the owner and the function roles. Migrations before ``OWNER_RUNS_FROM``
were written for the login that ran them and run as it; every later one runs as the owner
(``SET LOCAL ROLE dawsos_owner``), after every object has been handed to the owner, and a
run ends with the owner owning everything.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.roles import OWNER, adopt_objects, ensure_roles
from dawsos_core.errors import DatabaseUnavailable, MigrationError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x0DA5_05  # any constant shared by every runner
OWNER_RUNS_FROM = 20  # 0020_least_privilege: the first migration run as the owner

_SCHEMA_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """All migrations in ``directory``, ordered by version; a misnamed file is an error."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_description.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"{path.name}: version {version} is used twice")
        found[version] = Migration(version, match.group(2), path.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def apply_migrations(
    conn: Connection, migrations: list[Migration] | None = None
) -> list[Migration]:
    """Apply what is not yet applied; returns the migrations applied by this call."""
    if not conn.autocommit:
        raise MigrationError("the migration runner needs an autocommit connection")
    pending = discover() if migrations is None else migrations
    applied: list[Migration] = []
    conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
    try:
        conn.execute(_SCHEMA_TABLE)
        try:
            with conn.transaction():
                ensure_roles(conn)
        except psycopg.Error as exc:
            raise MigrationError(f"the database roles cannot be made: {exc}") from exc
        for migration in pending:
            with conn.transaction():
                row = conn.execute(
                    "SELECT checksum FROM schema_migrations WHERE version = %s",
                    (migration.version,),
                ).fetchone()
                if row is not None:
                    if row["checksum"] != migration.checksum:
                        raise MigrationError(
                            f"{migration.label} was changed after it was applied; "
                            "add a new migration instead"
                        )
                    continue
                if migration.version >= OWNER_RUNS_FROM:
                    adopt_objects(conn)
                    conn.execute(f"SET LOCAL ROLE {OWNER}")
                try:
                    conn.execute(migration.sql.encode())
                except psycopg.Error as exc:
                    raise MigrationError(f"{migration.label} failed: {exc}") from exc
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, migration.checksum),
                )
            applied.append(migration)
        with conn.transaction():
            adopt_objects(conn)
    finally:
        if not conn.broken:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return applied


def applied_versions(conn: Connection) -> list[int]:
    rows = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    return [int(r["version"]) for r in rows]


def migrate(db: Database) -> list[Migration]:
    """Apply pending migrations over the process's connection."""
    try:
        return apply_migrations(db.connection())
    except psycopg.OperationalError as exc:
        db.close()
        raise DatabaseUnavailable(f"PostgreSQL went away while migrating: {exc}") from exc
