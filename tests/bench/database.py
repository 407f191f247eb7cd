"""A PostgreSQL database for one benchmark: DATABASE_URL's server, or a throwaway embedded
one, with a fresh migrated database per call of ``fresh``."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import migrate
from dawsos_local.postgres import EmbeddedPostgres, drop_database, ensure_database


@contextmanager
def bench_server() -> Iterator[Callable[[], str]]:
    """Yields ``fresh()``, which creates a migrated database and returns its URL."""
    created: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        external = os.environ.get("DATABASE_URL")
        server = None if external else EmbeddedPostgres(Path(tmp) / "pg").start()
        admin = external or server.url("postgres")  # type: ignore[union-attr]

        def fresh() -> str:
            name = f"dawsos_bench_{uuid.uuid4().hex[:8]}"
            ensure_database(admin, name)
            created.append(name)
            params = conninfo_to_dict(admin)
            params["dbname"] = name
            url = make_conninfo(**params)
            db = Database(lambda: url)
            migrate(db)
            db.close()
            return url

        try:
            yield fresh
        finally:
            for name in created:
                drop_database(admin, name)
            if server is not None:
                server.release()
