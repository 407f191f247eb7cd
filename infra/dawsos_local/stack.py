"""The local stack: PostgreSQL, migrations, S3 and the gateway, started and stopped together."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from psycopg.conninfo import make_conninfo

from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import Migration, migrate
from dawsos_core.db.roles import FUNCTION_ROLES, set_password
from dawsos_local.aws import LOCAL_CREDENTIALS, LocalAws
from dawsos_local.gateway import Gateway, GatewayServer
from dawsos_local.handlers import REPO_ROOT
from dawsos_local.postgres import DEFAULT_DATABASE, EmbeddedPostgres, ensure_database
from dawsos_local.template import FunctionSpec, load_api
from dawsos_local.tokens import load_or_create_secret
from dawsos_local.workers import FunctionPool

log = logging.getLogger("dawsos.stack")

TEMPLATE = REPO_ROOT / "template.yaml"
EXPORTS_BUCKET = "dawsos-exports-local"
WATERMARK_SECRET_NAME = "dawsos/watermark-key"  # noqa: S105 (a name, not a secret)


@dataclass(frozen=True)
class DataDir:
    """Everything the local stack keeps between runs."""

    root: Path

    @property
    def pgdata(self) -> Path:
        return self.root.resolve() / "postgres"

    def jwt_secret(self) -> str:
        return load_or_create_secret(self.root / "jwt-secret")

    def watermark_key(self) -> str:
        """The HMAC key of local exports' watermarks; kept so old files still verify."""
        return load_or_create_secret(self.root / "watermark-key")

    def role_password(self, role: str) -> str:
        """The password of a function's database role, made once (AWS keeps each in a
        secret of the function's own)."""
        return load_or_create_secret(self.root / "db-roles" / role)


class LocalDatabase:
    """The database of a data dir: DATABASE_URL when set, else the embedded server.

    ``url`` logs in as the administrator that migrates (the CLI's and the demo's login, the
    operator's); each function logs in as its own role (``role_url``), with the password
    kept in the data dir, as each function in AWS reads its own secret."""

    def __init__(self, data_dir: DataDir) -> None:
        self.data_dir = data_dir
        self.embedded: EmbeddedPostgres | None = None
        self.url = ""

    def start(self) -> LocalDatabase:
        external = os.environ.get("DATABASE_URL")
        if external:
            self.url = external
            return self
        self.embedded = EmbeddedPostgres(self.data_dir.pgdata).start()
        self.embedded.require_passwords(FUNCTION_ROLES.values())
        ensure_database(self.embedded.url("postgres"), DEFAULT_DATABASE)
        self.url = self.embedded.url(DEFAULT_DATABASE)
        return self

    def role_url(self, role: str) -> str:
        """The database as ``role`` logs in to it."""
        return make_conninfo(self.url, user=role, password=self.data_dir.role_password(role))

    @property
    def description(self) -> str:
        if self.embedded is None:
            return "PostgreSQL from DATABASE_URL"
        return f"embedded PostgreSQL, data in {self.embedded.pgdata}"

    def migrate(self) -> list[Migration]:
        db = Database(lambda: self.url)
        try:
            return migrate(db)
        finally:
            db.close()

    def set_role_passwords(self) -> None:
        """Give each function role the password the data dir keeps, as the migrate function
        does from the secrets in AWS. The roles belong to the whole server: with
        DATABASE_URL, the server's roles take this data dir's passwords."""
        db = Database(lambda: self.url)
        try:
            with db.transaction() as conn:
                for role in FUNCTION_ROLES.values():
                    set_password(conn, role, self.data_dir.role_password(role))
        finally:
            db.close()

    def stop(self) -> None:
        if self.embedded is not None:
            self.embedded.release()
            self.embedded = None


class LocalStack:
    """``dawsos serve``: every part of the API running on this machine, no Docker."""

    def __init__(
        self,
        data_dir: DataDir,
        *,
        port: int = 3000,
        workers: int = 2,
        template: Path = TEMPLATE,
        env: dict[str, str] | None = None,
    ) -> None:
        """``env`` is added to the functions' environment (the demo pins the clock)."""
        self.data_dir = data_dir
        self.port = port
        self.workers = workers
        self.template = template
        self.database = LocalDatabase(data_dir)
        self.aws = LocalAws(EXPORTS_BUCKET)
        self.watermark_secret_arn = ""
        self.pools: dict[str, FunctionPool] = {}
        self.server: GatewayServer | None = None
        self.applied: list[Migration] = []
        self.extra_env = env or {}

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def function_env(self, spec: FunctionSpec) -> dict[str, str]:
        """A function's environment; it logs in to the database as its own role (a function
        with none, the migrate function, as the administrator)."""
        role = FUNCTION_ROLES.get(spec.environment.get("POWERTOOLS_SERVICE_NAME", ""))
        return {
            "DATABASE_URL": self.database.url if role is None else self.database.role_url(role),
            "S3_ENDPOINT_URL": self.aws.endpoint_url,
            "AWS_ENDPOINT_URL_SECRETS_MANAGER": self.aws.endpoint_url,
            "EXPORTS_BUCKET": self.aws.bucket,
            "WATERMARK_KEY_SECRET_ARN": self.watermark_secret_arn,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "LOG_FORMAT": "console",
            **LOCAL_CREDENTIALS,
            **self.extra_env,
        }

    def start(self) -> LocalStack:
        try:
            api = load_api(self.template)
            self.database.start()
            self.applied = self.database.migrate()
            self.database.set_role_passwords()
            self.aws.start()
            self.watermark_secret_arn = self.aws.put_secret(
                WATERMARK_SECRET_NAME, self.data_dir.watermark_key()
            )
            routed = {route.function for route in api.routes}
            for name, spec in api.functions.items():
                if name not in routed:
                    continue  # the gateway invokes only the functions its routes name
                pool = FunctionPool(spec, workers=self.workers, env=self.function_env(spec))
                self.pools[name] = pool
                pool.warm()
            gateway = Gateway(api, self.pools, self.data_dir.jwt_secret(), dashboard=True)
            self.server = GatewayServer(gateway, port=self.port)
            self.server.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
        for pool in self.pools.values():
            pool.close()
        self.pools.clear()
        self.aws.stop()
        self.database.stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
