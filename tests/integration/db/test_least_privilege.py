"""Least privilege: each function logs in as a role of its own that owns nothing, cannot
become the owner, cannot switch off the database's guards, and sees only its caller's rows
(the ledgers included). Each escape found before is a test that the database refuses it."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from dawsos_core.db.connection import Database
from dawsos_core.db.migrations import migrate
from dawsos_core.db.roles import FUNCTION_ROLES, OWNER, STATEMENT_TIMEOUTS
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_local.stack import TEMPLATE
from dawsos_local.template import load_api
from tests.integration.conftest import FRI, LEDGER, TODAY, LedgerRepo

SERVICES = sorted(FUNCTION_ROLES)
TENANT_TABLES = ("portfolios", "executions", "valuations", "holding_valuations",
                 "valuation_effects", "ledger_commits", "ledger_accounts", "ledger_transactions",
                 "ledger_postings", "ledger_prices", "ledger_commodities")  # fmt: skip
LEDGER_CHILDREN = ("ledger_accounts", "ledger_transactions", "ledger_postings",
                   "ledger_prices", "ledger_commodities")  # fmt: skip


def connect(url: str) -> psycopg.Connection[dict[str, Any]]:
    return psycopg.connect(url, autocommit=True, row_factory=dict_row)


@dataclass(frozen=True)
class Book:
    """Two tenants, each with a portfolio on a ledger of its own, valued with one pack."""

    alices_commit: str
    mallorys_commit: str
    pack_id: str


@pytest.fixture
def book(db: Database, tmp_path: Path) -> Book:
    commits = {}
    # the ledger prices a pack reads are those of ledger "default"
    for owner, ledger in (("alice", "default"), ("mallory", "lm")):
        repo = LedgerRepo(tmp_path / ledger)
        extra = textwrap.dedent(f"""
            2024-06-01 commodity ACME
              asset-class: "stock"

            2024-06-06 * "Fee of {owner}"
              Assets:Broker:Cash      -1 USD
              Assets:Bank:Checking
            """)
        repo.commit({"main.beancount": LEDGER + extra})
        with db.session() as conn:
            conn.execute(
                "INSERT INTO ledgers (id, owner_sub, local_path) VALUES (%s, %s, %s)"
                " ON CONFLICT (id) DO NOTHING",
                (ledger, owner, str(repo.path)),
            )
        commits[owner] = sync_ledger(db, repo.path, ledger_id=ledger).commit_hash
        create_portfolio(
            db,
            PortfolioSpec(
                id=f"p{owner[0]}",
                owner_sub=owner,
                ledger_id=ledger,
                account_prefixes=["Assets:Broker"],
            ),
        )
        with db.session() as conn:
            conn.execute(
                "INSERT INTO executions (id, request_id, user_sub, pattern_id)"
                " VALUES (gen_random_uuid(), 'r', %s, 'x')",
                (owner,),
            )
    outcome = build_pack(db, FRI, "ECB", fx=EcbFx(), today=TODAY)
    assert outcome.status == "fresh", outcome.error
    assert outcome.pack_id is not None
    return Book(commits["alice"], commits["mallory"], outcome.pack_id)


@pytest.fixture
def execute_db(logins: dict[str, str]) -> Iterator[Database]:
    database = Database(lambda: logins["execute"])
    yield database
    database.close()


def count(conn: psycopg.Connection[Any], table: str, where: str = "true", *args: Any) -> int:
    row = conn.execute(f"SELECT count(*) AS n FROM {table} WHERE {where}", args).fetchone()
    assert row is not None
    return int(row["n"])


@pytest.mark.parametrize("service", SERVICES)
def test_each_function_logs_in_as_an_unprivileged_role_of_its_own(
    logins: dict[str, str], service: str
) -> None:
    with connect(logins[service]) as conn:
        row = conn.execute(
            "SELECT current_user AS name, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls,"
            " rolreplication, rolinherit, rolcanlogin,"
            " (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid) AS memberships,"
            " pg_has_role(current_user, %s, 'MEMBER') AS owner_member"
            " FROM pg_roles r WHERE rolname = current_user",
            (OWNER,),
        ).fetchone()

    assert row == {
        "name": FUNCTION_ROLES[service],
        "rolsuper": False,
        "rolcreatedb": False,
        "rolcreaterole": False,
        "rolbypassrls": False,
        "rolreplication": False,
        "rolinherit": False,
        "rolcanlogin": True,
        "memberships": 0,
        "owner_member": False,
    }


def test_the_owner_role_owns_every_object_and_cannot_log_in(conn: psycopg.Connection[Any]) -> None:
    owners = conn.execute(
        "SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S', 'v', 'i')"
        " UNION SELECT DISTINCT pg_get_userbyid(proowner) FROM pg_proc"
        " WHERE pronamespace = 'public'::regnamespace"
    ).fetchall()
    login = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (OWNER,))

    assert owners == [{"owner": OWNER}]
    assert login.fetchone() == {"rolcanlogin": False}


def test_reset_role_in_a_request_does_not_reach_another_tenants_rows(
    book: Book, execute_db: Database
) -> None:
    with execute_db.request_transaction("mallory") as conn:
        conn.execute("RESET ROLE")
        role = conn.execute("SELECT current_user AS r").fetchone()
        alices = {
            "portfolios": count(conn, "portfolios", "owner_sub = 'alice'"),
            "executions": count(conn, "executions", "user_sub = 'alice'"),
            "valuations": count(conn, "valuations", "portfolio_id = 'pa'"),
            "postings": count(conn, "ledger_postings", "commit_hash = %s", book.alices_commit),
        }
        own = count(conn, "valuations", "portfolio_id = 'pm'")

    assert role == {"r": "dawsos_execute"}
    assert alices == {"portfolios": 0, "executions": 0, "valuations": 0, "postings": 0}
    assert own == 1


@pytest.mark.parametrize("service", SERVICES)
def test_no_function_role_can_become_the_owner(logins: dict[str, str], service: str) -> None:
    with connect(logins[service]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(f"SET ROLE {OWNER}")


@pytest.mark.parametrize("service", SERVICES)
def test_no_function_role_can_set_session_replication_role(
    logins: dict[str, str], service: str
) -> None:
    with connect(logins[service]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SET session_replication_role = replica")


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE pack_prices DISABLE TRIGGER pack_prices_append_only",
        "ALTER TABLE pricing_packs DISABLE TRIGGER ALL",
        "ALTER TABLE ledger_postings DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE portfolios OWNER TO CURRENT_USER",
        "CREATE TABLE public.mine (id int)",
        "DROP POLICY portfolios_of_the_caller ON portfolios",
    ],
)
def test_no_function_role_can_alter_own_or_create_a_table(
    logins: dict[str, str], service: str, statement: str
) -> None:
    with connect(logins[service]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def test_no_function_role_can_create_a_temporary_table(empty_database_url: str) -> None:
    db = Database(lambda: empty_database_url)
    migrate(db)  # the database's own privileges are not copied from a template
    db.close()
    from tests.conftest import as_role

    for role in FUNCTION_ROLES.values():
        with (
            connect(as_role(empty_database_url, role)) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute("CREATE TEMPORARY TABLE mine (id int)")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE pack_prices SET price = price * 2 WHERE pack_id = %(pack)s",
        "UPDATE pack_fixings SET rate = rate * 2 WHERE pack_id = %(pack)s",
        "UPDATE pricing_packs SET hash = repeat('0', 64) WHERE id = %(pack)s",
        "UPDATE pricing_packs SET fresh_at = now() WHERE id = %(pack)s",
        "DELETE FROM pack_prices WHERE pack_id = %(pack)s",
        "DELETE FROM pricing_packs WHERE id = %(pack)s",
        "TRUNCATE pack_prices",
        "UPDATE valuations SET value_base = 0 WHERE pack_id = %(pack)s",
        "UPDATE ledger_postings SET units = 0",
    ],
)
def test_the_pack_builder_cannot_rewrite_a_fresh_pack_or_what_was_valued_with_it(
    book: Book, logins: dict[str, str], conn: psycopg.Connection[Any], statement: str
) -> None:
    before = conn.execute(
        "SELECT hash, (SELECT array_agg(price ORDER BY commodity) FROM pack_prices"
        " WHERE pack_id = p.id) AS prices FROM pricing_packs p WHERE id = %s",
        (book.pack_id,),
    ).fetchone()

    with (
        connect(logins["pack_builder"]) as builder,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        builder.execute(statement, {"pack": book.pack_id})

    after = conn.execute(
        "SELECT hash, (SELECT array_agg(price ORDER BY commodity) FROM pack_prices"
        " WHERE pack_id = p.id) AS prices FROM pricing_packs p WHERE id = %s",
        (book.pack_id,),
    ).fetchone()
    assert after == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE pricing_packs SET status = 'warming', is_fresh = false WHERE id = %(pack)s",
        "UPDATE pricing_packs SET reconciliation_error_bps = 99 WHERE id = %(pack)s",
        "INSERT INTO pack_prices (pack_id, commodity, quote_currency, price, source,"
        " observed_on) VALUES (%(pack)s, 'NEW', 'USD', 1, 'x', '2024-06-28')",
    ],
)
def test_what_the_pack_builder_may_write_the_guards_still_refuse_for_a_fresh_pack(
    book: Book, logins: dict[str, str], statement: str
) -> None:
    with (
        connect(logins["pack_builder"]) as builder,
        pytest.raises(psycopg.errors.IntegrityConstraintViolation),
    ):
        builder.execute(statement, {"pack": book.pack_id})


@pytest.mark.parametrize("table", LEDGER_CHILDREN)
def test_the_execute_role_reads_none_of_another_tenants_ledger_rows(
    book: Book, execute_db: Database, table: str
) -> None:
    with execute_db.request_transaction("mallory") as conn:
        alices = count(conn, table, "commit_hash = %s", book.alices_commit)
        own = count(conn, table, "commit_hash = %s", book.mallorys_commit)
        everything = count(conn, table)
        commits = conn.execute("SELECT commit_hash FROM ledger_commits").fetchall()

    assert alices == 0
    assert own > 0
    assert everything == own
    assert commits == [{"commit_hash": book.mallorys_commit}]


def test_the_execute_role_cannot_read_a_ledgers_files(book: Book, execute_db: Database) -> None:
    for table in ("ledger_files", "ledger_blobs"):
        with (
            pytest.raises(psycopg.errors.InsufficientPrivilege),
            execute_db.request_transaction("alice") as conn,
        ):
            conn.execute(f"SELECT count(*) FROM {table}")


@pytest.mark.parametrize("service", ["execute", "export"])
def test_without_a_caller_the_api_roles_see_no_tenants_rows(
    book: Book, logins: dict[str, str], service: str
) -> None:
    role = FUNCTION_ROLES[service]
    with connect(logins[service]) as conn:
        readable = [
            t for t in TENANT_TABLES if conn.execute(
                "SELECT has_table_privilege(%s, %s, 'SELECT') AS ok", (role, t)
            ).fetchone() == {"ok": True}
        ]  # fmt: skip
        seen = {t: count(conn, t) for t in readable}

    assert "executions" in readable
    assert seen == dict.fromkeys(readable, 0)


def test_the_pack_builder_sees_every_tenants_portfolio_and_ledger(
    book: Book, logins: dict[str, str]
) -> None:
    with connect(logins["pack_builder"]) as conn:
        portfolios = count(conn, "portfolios")
        commits = count(conn, "ledger_commits")
        files = count(conn, "ledger_files")

    assert (portfolios, commits, files) == (2, 2, 2)


@pytest.mark.parametrize(
    ("service", "statement"),
    [
        ("execute", "SELECT count(*) FROM exports"),
        (
            "execute",
            "INSERT INTO rights_violations (id, user_sub, action, environment, sources,"
            " request_id) VALUES (gen_random_uuid(), 'x', 'export', 'development',"
            " '{S}', 'r')",
        ),
        (
            "execute",
            "INSERT INTO portfolios (id, owner_sub, account_prefixes)"
            " VALUES ('px', 'x', '{Assets}')",
        ),
        (
            "execute",
            "INSERT INTO ledger_commits (commit_hash, main_file, committed_at,"
            " transactions, postings, prices) VALUES (repeat('a', 40), 'm', now(),"
            " 0, 0, 0)",
        ),
        ("execute", "UPDATE portfolios SET owner_sub = 'x'"),
        ("execute", "DELETE FROM executions"),
        ("execute", "SELECT count(*) FROM schema_migrations"),
        ("export", "SELECT count(*) FROM portfolios"),
        ("export", "SELECT count(*) FROM valuations"),
        ("export", "SELECT count(*) FROM ledger_postings"),
        (
            "export",
            "INSERT INTO executions (id, request_id, user_sub, pattern_id)"
            " VALUES (gen_random_uuid(), 'r', 'x', 'x')",
        ),
        ("pack_builder", "SELECT count(*) FROM executions"),
        ("pack_builder", "SELECT count(*) FROM exports"),
        ("pack_builder", "UPDATE portfolios SET owner_sub = 'x'"),
    ],
)
def test_each_function_role_holds_only_the_grants_its_function_needs(
    logins: dict[str, str], service: str, statement: str
) -> None:
    with connect(logins[service]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def test_each_api_roles_statement_timeout_is_below_its_lambda_timeout(
    logins: dict[str, str],
) -> None:
    functions = load_api(TEMPLATE).functions
    lambda_timeouts = {
        "execute": functions["ExecuteFunction"].timeout_seconds,
        "export": functions["ExportFunction"].timeout_seconds,
    }
    timeouts = {}
    for service in lambda_timeouts:
        with connect(logins[service]) as conn:
            row = conn.execute("SHOW statement_timeout").fetchone()
        assert row is not None
        timeouts[service] = row["statement_timeout"]

    assert timeouts == {"execute": "20s", "export": "20s"}
    assert STATEMENT_TIMEOUTS["dawsos_execute"] == timeouts["execute"]
    for service, limit in lambda_timeouts.items():
        assert int(timeouts[service].removesuffix("s")) < limit


def test_a_migration_run_takes_back_a_membership_given_to_a_function_role(
    database_url: str, conn: psycopg.Connection[Any]
) -> None:
    conn.execute(f"GRANT {OWNER} TO dawsos_execute")
    try:
        migrate(Database(lambda: database_url))
        member = conn.execute(
            "SELECT pg_has_role('dawsos_execute', %s, 'MEMBER') AS m", (OWNER,)
        ).fetchone()
    finally:
        conn.execute(f"REVOKE {OWNER} FROM dawsos_execute")

    assert member == {"m": False}
