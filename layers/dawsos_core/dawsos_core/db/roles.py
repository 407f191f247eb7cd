"""The database roles: one owner, and one login per function with only what it needs.

``dawsos_owner`` (NOLOGIN) owns every table, function and sequence; migrations from 0020 on
run as it. Each function logs in as a role of its own, which holds its grants directly and
is confined by row-level security (``dawsos_execute``, ``dawsos_export``: to the caller set
in ``dawsos.user_sub``; ``dawsos_pack_builder``: the whole book, as a system job). A login
role is NOSUPERUSER, NOCREATEDB, NOCREATEROLE, NOREPLICATION, NOBYPASSRLS and NOINHERIT,
and a member of no role: it cannot become the owner, own or alter a table, disable a
trigger or set ``session_replication_role``.

Roles belong to the whole server, so the migration runner (a login that may create roles:
a superuser locally, the cluster's administrator in AWS) makes them idempotently before
every run (``ENSURE_ROLES``) and then hands every object of the database to the owner
(``ADOPT_OBJECTS``). Passwords are set from outside (the local stack, the migrate
function), as SCRAM verifiers computed here, so a password never reaches the server's log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from psycopg import sql

from dawsos_core.db.connection import Connection, Database
from dawsos_core.errors import ConfigurationError

SecretReader = Callable[[str], Any]

OWNER = "dawsos_owner"

# The login role of each function, by its service name.
FUNCTION_ROLES: Mapping[str, str] = {
    "execute": "dawsos_execute",
    "export": "dawsos_export",
    "pack_builder": "dawsos_pack_builder",
}

# Each API role's statement timeout, below its function's Lambda timeout (29 s in
# template.yaml): a statement the function has given up on does not run on much longer.
STATEMENT_TIMEOUTS: Mapping[str, str] = {
    "dawsos_execute": "20s",
    "dawsos_export": "20s",
}

_LOGINS = sorted(FUNCTION_ROLES.values())
_ARRAY = "ARRAY[" + ", ".join(f"'{r}'" for r in _LOGINS) + "]"
_SETTINGS = " UNION ALL ".join(
    f"SELECT '{role}'::text, 'statement_timeout'::text, '{value}'::text"
    for role, value in sorted(STATEMENT_TIMEOUTS.items())
)

# Run as the migrating login before the migrations, in every database of the server. Only
# what differs is altered (ALTER ROLE of a shared role can collide with another database's
# runner), and an attribute only a superuser may clear is an error for anyone else: a login
# role found with it has been tampered with.
ENSURE_ROLES = f"""
DO $roles$
DECLARE
    login text;
    granted text;
    r pg_roles%ROWTYPE;
    s record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER}') THEN
        CREATE ROLE {OWNER} NOLOGIN NOINHERIT;
    END IF;
    -- the migrating login sets role to the owner, and alters what the owner owns
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
        IF current_setting('server_version_num')::int >= 160000 THEN
            IF NOT (pg_has_role(session_user, '{OWNER}', 'SET')
                    AND pg_has_role(session_user, '{OWNER}', 'USAGE')) THEN
                EXECUTE format('GRANT {OWNER} TO %I WITH INHERIT TRUE, SET TRUE', session_user);
            END IF;
        ELSIF NOT pg_has_role(session_user, '{OWNER}', 'MEMBER') THEN
            EXECUTE format('GRANT {OWNER} TO %I', session_user);
        END IF;
    END IF;

    FOREACH login IN ARRAY {_ARRAY} LOOP
        SELECT * INTO r FROM pg_roles WHERE rolname = login;
        IF NOT FOUND THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE'
                           ' NOINHERIT NOREPLICATION NOBYPASSRLS', login);
        ELSE
            IF r.rolsuper THEN EXECUTE format('ALTER ROLE %I NOSUPERUSER', login); END IF;
            IF r.rolbypassrls THEN EXECUTE format('ALTER ROLE %I NOBYPASSRLS', login); END IF;
            IF r.rolreplication THEN EXECUTE format('ALTER ROLE %I NOREPLICATION', login); END IF;
            IF r.rolcreatedb THEN EXECUTE format('ALTER ROLE %I NOCREATEDB', login); END IF;
            IF r.rolcreaterole THEN EXECUTE format('ALTER ROLE %I NOCREATEROLE', login); END IF;
            IF r.rolinherit THEN EXECUTE format('ALTER ROLE %I NOINHERIT', login); END IF;
            IF NOT r.rolcanlogin THEN EXECUTE format('ALTER ROLE %I LOGIN', login); END IF;
        END IF;
        -- a member of no role, the owner's least of all
        FOR granted IN
            SELECT m.roleid::regrole::text FROM pg_auth_members m
            WHERE m.member = login::regrole
        LOOP
            EXECUTE format('REVOKE %s FROM %I', granted, login);
        END LOOP;
    END LOOP;

    FOR s IN SELECT * FROM ({_SETTINGS}) AS t (role, name, value) LOOP
        IF NOT EXISTS (
            SELECT 1 FROM pg_db_role_setting d
            WHERE d.setrole = s.role::regrole AND d.setdatabase = 0
              AND s.name || '=' || s.value = ANY (d.setconfig)
        ) THEN
            EXECUTE format('ALTER ROLE %I SET %I = %L', s.role, s.name, s.value);
        END IF;
    END LOOP;

    -- this database: nobody but the owner creates objects in it, even temporary ones
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    GRANT USAGE, CREATE ON SCHEMA public TO {OWNER};
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO {", ".join(_LOGINS)}', current_database());
    GRANT USAGE ON SCHEMA public TO {", ".join(_LOGINS)};
END;
$roles$
"""

# Run as the migrating login: every table, view, sequence and routine of the schema that
# the owner does not own yet becomes the owner's (sequences of a column follow their
# table; an extension's objects stay its own). The grants the old owner made are the
# owner's afterwards.
ADOPT_OBJECTS = f"""
DO $adopt$
DECLARE
    ddl text;
BEGIN
    FOR ddl IN
        SELECT format('ALTER %s %s OWNER TO {OWNER}',
                      CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                     WHEN 'm' THEN 'MATERIALIZED VIEW'
                                     WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                      c.oid::regclass)
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND c.relowner <> '{OWNER}'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.deptype IN ('a', 'i', 'e'))
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO {OWNER}', p.oid::regprocedure)
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND p.proowner <> '{OWNER}'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                          WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                            AND d.deptype = 'e')
    LOOP
        EXECUTE ddl;
    END LOOP;
    -- 0007 gave role dawsos_api SELECT on every table the migrating login would create
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dawsos_api') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM dawsos_api;
    END IF;
END;
$adopt$
"""


def ensure_roles(conn: Connection) -> None:
    """Create or repair the owner and the function roles, in the caller's transaction."""
    conn.execute(ENSURE_ROLES)


def adopt_objects(conn: Connection) -> None:
    """Make the owner own every object of the schema, in the caller's transaction."""
    conn.execute(ADOPT_OBJECTS)


def set_password(conn: Connection, role: str, password: str) -> None:
    """Set a function role's password; the server receives a SCRAM verifier, not it."""
    if role not in FUNCTION_ROLES.values():
        raise ValueError(f"{role} is not a function role")
    verifier = conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    conn.execute(
        sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(role), sql.Literal(verifier.decode())
        )
    )


def read_secret(arn: str) -> Any:
    """A JSON secret from Secrets Manager, cached by Powertools for five minutes."""
    from aws_lambda_powertools.utilities import parameters  # boto3: only on this path

    return parameters.get_secret(arn, transform="json", max_age=300)


def listed_arns(text: str) -> list[str]:
    """The ARNs of a comma-separated list (DB_LOGIN_SECRET_ARNS)."""
    return [arn.strip() for arn in text.split(",") if arn.strip()]


def provision_logins(
    db: Database, secret_arns: Sequence[str], *, read: SecretReader = read_secret
) -> list[str]:
    """Give each function role named by a secret (``username``, ``password``) that password,
    in one transaction; the roles it set, in order. A secret naming any other role is a
    configuration error and sets nothing."""
    logins: list[tuple[str, str]] = []
    for arn in secret_arns:
        secret = read(arn)
        role, password = secret.get("username"), secret.get("password")
        if role not in FUNCTION_ROLES.values() or not password:
            raise ConfigurationError(
                f"database secret {arn} must hold the username of a function role"
                f" ({', '.join(_LOGINS)}) and a password"
            )
        logins.append((str(role), str(password)))
    with db.transaction() as conn:
        for role, password in logins:
            set_password(conn, role, password)
    return [role for role, _ in logins]
