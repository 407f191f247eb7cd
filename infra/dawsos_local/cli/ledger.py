"""``dawsos ledger``: sync the Git ledger, and read positions and flows from PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dawsos_core.ledger.flows import portfolio_flows
from dawsos_core.ledger.positions import portfolio_positions
from dawsos_core.ledger.sync import sync_ledger
from dawsos_local.cli import console, data_dir_option, database, main

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])
commit_option = click.option(
    "--commit", "commit_hash", default=None, help="Pin a synced commit (default: the latest)."
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
@data_dir_option
def sync(path: Path, ref: str, main_file: str | None, data_dir: Path) -> None:
    """Parse the ledger at REF with Beancount and store it, keyed by commit.

    Prints the commit hash as the last line. A ledger with errors is refused with each
    error's file and line, and nothing is written."""
    with database(data_dir) as db, console.status(f"syncing {path} at {ref}..."):
        result = sync_ledger(db, path, ref, main_file)
    verb = "synced" if result.created else "already synced"
    console.print(
        f"{verb} {result.main_file}: {result.transactions} transactions, "
        f"{result.postings} postings, {result.prices} prices"
    )
    click.echo(result.commit_hash)


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
