"""`dawsos ledger` and `dawsos portfolio` as a user runs them."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dawsos_local.cli import main
from tests.integration.conftest import LedgerRepo
from tests.integration.ledger.test_flows import LEDGER


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    # click 8.1 mixes stderr into stdout unless told not to; 8.2 always separates them.
    separate = (
        {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}
    )
    runner = CliRunner(**separate)

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, [*args, "--data-dir", str(tmp_path / "data")])
        return result.exit_code, result.stdout, result.stderr

    return invoke


@pytest.fixture
def repo(tmp_path: Path) -> LedgerRepo:
    ledger_repo = LedgerRepo(tmp_path / "ledger")
    ledger_repo.commit({"main.beancount": LEDGER})
    return ledger_repo


def test_sync_prints_the_commit_hash_last(run, repo: LedgerRepo) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("ledger", "sync", "--ledger", str(repo.path))

    assert code == 0
    last = out.strip().splitlines()[-1]
    assert len(last) == 40
    assert int(last, 16) >= 0


def test_positions_json_has_the_documented_shape(run, repo: LedgerRepo) -> None:  # type: ignore[no-untyped-def]
    run("ledger", "sync", "--ledger", str(repo.path))
    code, _, err = run(
        "portfolio",
        "create",
        "--id",
        "broker",
        "--owner",
        "alice",
        "--accounts",
        "Assets:Broker",
        "--internal",
        "Income:Broker,Expenses:Financial:Commissions",
    )
    assert code == 0, err

    code, out, _ = run(
        "ledger", "positions", "--portfolio", "broker", "--date", "2024-01-12", "--json"
    )

    assert code == 0
    answer = json.loads(out)
    assert {"portfolio_id", "date", "ledger_commit_hash", "positions"} <= set(answer)
    units = {p["commodity"]: p["units"] for p in answer["positions"]}
    assert units == {"ACME": "10", "CAD": "1000", "GLD": "3", "USD": "2265.05"}
    assert all(isinstance(p["units"], str) for p in answer["positions"])


def test_flows_json_lists_signed_units(run, repo: LedgerRepo) -> None:  # type: ignore[no-untyped-def]
    run("ledger", "sync", "--ledger", str(repo.path))
    run("portfolio", "create", "--id", "broker", "--owner", "alice", "--accounts", "Assets:Broker")

    code, out, _ = run(
        "ledger",
        "flows",
        "--portfolio",
        "broker",
        "--from",
        "2024-01-15",
        "--to",
        "2024-01-15",
        "--json",
    )

    assert code == 0
    flows = json.loads(out)["flows"]
    assert [(f["units"], f["direction"]) for f in flows] == [("-800", "out")]


def test_benchmarks_are_named_listed_and_replaced_without_redefining(run, repo: LedgerRepo) -> None:  # type: ignore[no-untyped-def]
    run("ledger", "sync", "--ledger", str(repo.path))
    base = ("portfolio", "create", "--id", "b", "--owner", "alice", "--accounts", "Assets:Broker")

    code, _, said = run(*base, "--benchmark", "ITOT", "--benchmark", "VWCE")
    assert code == 0, said
    assert "benchmarks ITOT, VWCE: priced by every pack built from now on" in said
    code, _, said = run(*base, "--benchmark", "XIC")
    assert code == 0, said
    assert "already exists" in said
    _, listed, _ = run("portfolio", "list")
    assert "XIC" in listed
    assert "VWCE" not in listed
    code, _, err = run(*base, "--benchmark", "not a code")
    assert code == 2
    assert "benchmarks" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ledger", "sync", "--ledger", "{repo}", "--ref", "nope"], "unknown ref 'nope'"),
        (
            ["portfolio", "create", "--id", "x", "--owner", "a", "--accounts", "Assets:Nope"],
            "Assets:Nope",
        ),
        (
            ["portfolio", "create", "--id", "x", "--owner", "a", "--accounts", "assets"],
            "account_prefixes",
        ),
        (
            ["ledger", "positions", "--portfolio", "ghost", "--date", "2024-01-01"],
            "no portfolio ghost",
        ),
        (
            [
                "portfolio",
                "create",
                "--id",
                "x",
                "--owner",
                "a",
                "--accounts",
                "Assets:Broker",
                "--base",
                "XAU",
            ],
            "base_currency: XAU is not a currency the FX source crosses to; it offers AUD",
        ),
    ],
)
def test_refusals_exit_2_and_name_the_problem(
    run,
    repo: LedgerRepo,
    args: list[str],  # type: ignore[no-untyped-def]
    message: str,
) -> None:
    run("ledger", "sync", "--ledger", str(repo.path))

    code, _, err = run(*[a.replace("{repo}", str(repo.path)) for a in args])

    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_bracketed_narration_prints_as_text(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = LedgerRepo(tmp_path / "brackets")
    repo.commit(
        {
            "main.beancount": LEDGER.replace(
                '"Transfer in (first day of the window)"', '"[bonus] transfer in"'
            )
        }
    )
    run("ledger", "sync", "--ledger", str(repo.path))
    run("portfolio", "create", "--id", "b", "--owner", "a", "--accounts", "Assets:Broker")

    code, out, _ = run(
        "ledger", "flows", "--portfolio", "b", "--from", "2024-01-02", "--to", "2024-01-02"
    )

    assert code == 0
    assert "[bonus] transfer in" in out


def test_a_new_commit_is_revalued_from_its_first_change_and_taken_by_prefix(
    run, repo: LedgerRepo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    run("ledger", "sync", "--ledger", str(repo.path))
    code, out, err = run(
        "portfolio",
        "create",
        "--id",
        "b",
        "--owner",
        "a",
        "--accounts",
        "Assets:Broker",
        "--base",
        "USD",
    )
    assert code == 0, err
    assert "base USD; valued with 0 ECB packs" in out + err
    first = repo.commit({"main.beancount": LEDGER})  # the same text: no new commit's content
    later = (
        LEDGER + '\n2024-01-10 * "Late"\n  Assets:Broker:Cash  10 USD\n  Income:Employer:Salary\n'
    )

    repo.commit({"main.beancount": later})
    code, out, err = run("ledger", "sync", "--ledger", str(repo.path))

    assert code == 0, err
    assert "re-valued b from 2024-01-10" in out + err
    new = out.strip().splitlines()[-1]
    code, out, err = run(
        "ledger",
        "positions",
        "--portfolio",
        "b",
        "--date",
        "2024-01-31",
        "--json",
        "--commit",
        new[:9],
    )
    assert code == 0, err
    assert json.loads(out)["ledger_commit_hash"] == new
    assert first != new
    code, _, err = run(
        "ledger", "positions", "--portfolio", "b", "--date", "2024-01-31", "--commit", "abc"
    )
    assert code == 2
    assert "is not a commit hash or a prefix of at least 7 hex digits" in err


def test_the_read_commands_show_ledgers_commits_and_a_portfolio(run, repo: LedgerRepo) -> None:  # type: ignore[no-untyped-def]
    run("ledger", "sync", "--ledger", str(repo.path))
    first = repo.commit({"main.beancount": LEDGER + "\n; a comment\n"})
    run("ledger", "sync", "--ledger", str(repo.path))
    run("portfolio", "create", "--id", "broker", "--owner", "alice", "--accounts", "Assets:Broker")

    _, ledgers, _ = run("ledger", "list", "--json")
    _, commits, _ = run("ledger", "commits", "--json")
    code, shown, _ = run("portfolio", "show", "broker", "--json")

    assert [(row["id"], row["latest_commit"]) for row in json.loads(ledgers)] == [
        ("default", first)
    ]
    assert json.loads(commits)[0]["commit_hash"] == first
    assert len(json.loads(commits)) == 2
    assert code == 0
    portfolio = json.loads(shown)
    assert (portfolio["id"], portfolio["owner"], portfolio["ledger_id"]) == (
        "broker",
        "alice",
        "default",
    )
    assert portfolio["latest_commit"]["commit_hash"] == first


def test_the_read_commands_name_what_is_missing(run) -> None:  # type: ignore[no-untyped-def]
    portfolio = run("portfolio", "show", "nope")
    commits = run("ledger", "commits", "--ledger", "elsewhere")

    assert portfolio[0] == commits[0] == 2
    assert "no portfolio nope" in portfolio[2]
    assert "ledger elsewhere has no synced commit" in commits[2]


def test_version_is_printed() -> None:
    result = CliRunner().invoke(main, ["--version"])

    assert result.exit_code == 0
    assert result.output.startswith("dawsos 0.")


def test_sync_registered_syncs_each_sourced_ledger_and_exits_2_naming_a_failure(  # type: ignore[no-untyped-def]
    run, repo: LedgerRepo, database_url: str, tmp_path: Path
) -> None:
    import datetime as dt

    from dawsos_core.db.connection import Database
    from dawsos_core.db.repositories.ledgers import LedgerRecord, insert_ledger

    now = dt.datetime.now(dt.UTC)
    with Database(lambda: database_url).transaction() as conn:
        for ledger_id, path in (("alices", repo.path), ("gone", tmp_path / "no-such-repo")):
            record = LedgerRecord(ledger_id, "alice", None, None, None, str(path), None, now)
            assert insert_ledger(conn, record, "a-webhook-secret-of-some-length")

    code, out, err = run("ledger", "sync-registered", "--json")
    again, table, _ = run("ledger", "sync-registered")

    outcomes = {o["ledger_id"]: o for o in json.loads(out)}
    assert code == again == 2
    assert outcomes["alices"]["outcome"] == "synced"
    assert len(outcomes["alices"]["commit_hash"]) == 40
    assert (outcomes["gone"]["outcome"], outcomes["gone"]["error"]) == ("failed", "ledger_source")
    assert "1 of 2 ledgers failed to sync" in err
    assert "alices" in table
    assert "already" in table  # the tip is synced: nothing new written
