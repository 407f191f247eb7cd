"""``dawsos ledger``: sync the Git ledger, and read positions and flows from PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dawsos_core.calendar import london_today
from dawsos_core.db.repositories.ledger import DEFAULT_LEDGER, latest_commit, recent_commits
from dawsos_core.db.repositories.ledgers import list_ledgers
from dawsos_core.ledger.flows import portfolio_flows
from dawsos_core.ledger.positions import portfolio_positions
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.settings import Settings
from dawsos_core.valuations import Revaluation, revalue_commit
from dawsos_local.cli import CliError, console, data_dir_option, database, main

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])
commit_option = click.option(
    "--commit",
    "commit_hash",
    default=None,
    help="Pin a synced commit by its hash or a prefix of 7 or more digits (default: the latest).",
)


@main.group()
def ledger() -> None:
    """The Beancount ledger of record, kept in Git."""


@ledger.command("sync")
@click.option(
    "--ledger",
    "path",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="A Git repository (working tree or bare), or a ledger file inside one.",
)
@click.option("--ref", default="HEAD", show_default=True, help="Branch, tag or commit to sync.")
@click.option(
    "--file",
    "main_file",
    default=None,
    help="The main ledger file in the repository (default: its only top-level "
    ".beancount file, or main.beancount).",
)
@click.option(
    "--policy", default="ECB", show_default=True, help="Pricing policy whose packs re-value it."
)
@data_dir_option
def sync(path: Path, ref: str, main_file: str | None, policy: str, data_dir: Path) -> None:
    """Parse the ledger at REF with Beancount and store it, keyed by commit, then re-value
    every portfolio at the new commit from the first date it changes (no pack is rebuilt).

    Prints the commit hash as the last line. A ledger with errors is refused with each
    error's file and line, and nothing is written."""
    today = london_today(Settings().now())
    with database(data_dir) as db:
        with console.status(f"syncing {path} at {ref}..."):
            result = sync_ledger(db, path, ref, main_file)
        verb = "synced" if result.created else "already synced"
        console.print(
            f"{verb} {result.main_file}: {result.transactions} transactions, "
            f"{result.postings} postings, {result.prices} prices"
        )
        if result.created:
            with console.status("re-valuing the portfolios at the new commit..."):
                revalued = revalue_commit(db, result.commit_hash, policy, today=today)
            for line in revaluation_lines(revalued):
                console.print(line)
    click.echo(result.commit_hash)


def revaluation_lines(revalued: list[Revaluation]) -> list[str]:
    """One line a portfolio: from which date it was re-valued and its latest value."""
    lines = []
    for r in revalued:
        since = "no posting changed" if r.changed_from is None else f"from {r.changed_from}"
        if r.previous_commit is None:
            since = "first commit"
        change = ""
        if r.value_after is not None:
            before = "" if r.value_before is None else f"{r.value_before:,.2f} -> "
            change = f"; value on {r.latest_date}: {before}{r.value_after:,.2f}"
        work = (
            "already valued at this commit"
            if r.valued == r.copied == 0
            else f"{r.valued} packs valued, {r.copied} kept from "
            f"{(r.previous_commit or '')[:12] or 'no earlier commit'}"
        )
        if r.problem is not None:
            lines.append(f"[red]not re-valued[/] {r.portfolio_id}: {escape(r.problem)}")
            continue
        lines.append(f"re-valued {r.portfolio_id} {since}: {work}{change}")
    return lines


@ledger.command("positions")
@click.option("--portfolio", "portfolio_id", required=True, help="Portfolio id.")
@click.option("--date", "on", required=True, type=ISO_DATE, help="YYYY-MM-DD (end of day).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@commit_option
@data_dir_option
def positions(
    portfolio_id: str, on: dt.datetime, as_json: bool, commit_hash: str | None, data_dir: Path
) -> None:
    """Units and cost basis by commodity, cash included, at the end of a date."""
    with database(data_dir) as db:
        answer = portfolio_positions(db, portfolio_id, on.date(), commit_hash=commit_hash)
    if as_json:
        click.echo(answer.model_dump_json(indent=2))
        return
    table = Table(
        "commodity",
        "units",
        "cost",
        "last ledger price",
        title=f"{answer.portfolio_id} at {answer.date} (commit {answer.ledger_commit_hash[:12]})",
    )
    for p in answer.positions:
        cost = ", ".join(f"{n} {c}" for c, n in p.cost.items())
        price = "cash" if p.cash else str(p.last_price_date or "never priced")
        table.add_row(p.commodity, str(p.units), cost, price)
    Console().print(table)


@ledger.command("flows")
@click.option("--portfolio", "portfolio_id", required=True, help="Portfolio id.")
@click.option("--from", "start", required=True, type=ISO_DATE, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=ISO_DATE, help="Last date, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@commit_option
@data_dir_option
def flows(
    portfolio_id: str,
    start: dt.datetime,
    end: dt.datetime,
    as_json: bool,
    commit_hash: str | None,
    data_dir: Path,
) -> None:
    """External flows in a window (both ends included): + into the portfolio, - out."""
    with database(data_dir) as db:
        answer = portfolio_flows(
            db, portfolio_id, start.date(), end.date(), commit_hash=commit_hash
        )
    if as_json:
        click.echo(answer.model_dump_json(indent=2))
        return
    table = Table(
        "date",
        "units",
        "commodity",
        "counter accounts",
        "narration",
        title=f"{answer.portfolio_id} external flows {answer.start} to {answer.end}",
    )
    for f in answer.flows:
        table.add_row(
            str(f.date),
            str(f.units),
            f.commodity,
            ", ".join(f.counter_accounts),
            escape(f.narration),
        )
    Console().print(table)


@ledger.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@data_dir_option
def list_(as_json: bool, data_dir: Path) -> None:
    """Every registered ledger: owner (none: the operator's), source and latest commit."""
    with database(data_dir) as db, db.session() as conn:
        rows = []
        for r in list_ledgers(conn, None):
            latest = latest_commit(conn, r.id)
            rows.append(
                {
                    "id": r.id,
                    "owner": r.owner_sub,
                    "source": r.remote_url or r.local_path,
                    "ref": r.remote_ref,
                    "latest_commit": None if latest is None else latest.commit_hash,
                    "synced_at": None if latest is None else latest.synced_at.isoformat(),
                }
            )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("id", "owner", "source", "ref", "latest commit", "synced")
    for row in rows:
        commit = row["latest_commit"]
        table.add_row(
            *(escape(str(row[k] or "-")) for k in ("id", "owner", "source", "ref")),
            "-" if commit is None else str(commit)[:12],
            str(row["synced_at"] or "-"),
        )
    Console().print(table)


@ledger.command("commits")
@click.option("--ledger", "ledger_id", default=DEFAULT_LEDGER, show_default=True, help="Ledger id.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@data_dir_option
def commits(ledger_id: str, limit: int, as_json: bool, data_dir: Path) -> None:
    """A ledger's synced commits, the newest first."""
    with database(data_dir) as db, db.session() as conn:
        records = recent_commits(conn, ledger_id, limit)
    if not records:
        raise CliError(f"ledger {ledger_id} has no synced commit: run `dawsos ledger sync`")
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "commit_hash": c.commit_hash,
                        "committed_at": c.committed_at.isoformat(),
                        "synced_at": c.synced_at.isoformat(),
                        "transactions": c.transactions,
                        "postings": c.postings,
                        "prices": c.prices,
                    }
                    for c in records
                ],
                indent=2,
            )
        )
        return
    table = Table("commit", "committed", "synced", "transactions", "postings", "prices")
    for c in records:
        table.add_row(
            c.commit_hash[:12],
            c.committed_at.isoformat(timespec="seconds"),
            c.synced_at.isoformat(timespec="seconds"),
            str(c.transactions),
            str(c.postings),
            str(c.prices),
        )
    Console().print(table)


@ledger.command("sync-registered")
@click.option(
    "--policy", default="ECB", show_default=True, help="Pricing policy whose packs re-value it."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@data_dir_option
def sync_registered(policy: str, as_json: bool, data_dir: Path) -> None:
    """What the pack builder's schedule runs before the daily pack: sync every registered
    ledger that has a source (a remote, or a local path) at its tip and re-value its
    portfolios. A ledger that fails is listed with its error, the others go on; exits 2
    when any failed."""
    from dawsos_core.ledger.ingest import sync_registered_ledgers

    today = london_today(Settings().now())
    with database(data_dir) as db, console.status("syncing the registered ledgers..."):
        outcomes = sync_registered_ledgers(db, policy_name=policy, today=today)
    failed = [o for o in outcomes if o.outcome == "failed"]
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(o) for o in outcomes], indent=2))
    else:
        table = Table("ledger", "outcome", "commit", "portfolios", "packs valued", "error")
        for o in outcomes:
            table.add_row(
                escape(o.ledger_id),
                o.outcome,
                (o.commit_hash or "-")[:12],
                str(o.portfolios),
                str(o.packs_valued),
                escape(f"{o.error}: {o.message}") if o.error else "",
            )
        Console().print(table if outcomes else "no registered ledger has a source to sync")
    if failed:
        raise CliError(f"{len(failed)} of {len(outcomes)} ledgers failed to sync")
