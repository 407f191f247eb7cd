"""``dawsos portfolio``: define which accounts make up a portfolio and who owns it."""

from __future__ import annotations

import json
from pathlib import Path

import click
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dawsos_core.calendar import london_today
from dawsos_core.db.repositories.portfolios import list_portfolios
from dawsos_core.portfolios import (
    PortfolioSpec,
    create_portfolio,
    get_portfolio,
    portfolio_views,
)
from dawsos_core.pricing.policies import get_policy
from dawsos_core.pricing.sources import fx_currencies
from dawsos_core.settings import Settings
from dawsos_core.valuations import value_portfolio
from dawsos_local.cli import CliError, console, data_dir_option, database, main


def _prefixes(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


@main.group()
def portfolio() -> None:
    """Portfolios: account prefixes owned by one user."""


@portfolio.command("create")
@click.option("--id", "portfolio_id", required=True, help="Portfolio id (letters, digits, - _).")
@click.option("--owner", required=True, help="Owner: the JWT `sub` of the user.")
@click.option(
    "--accounts",
    required=True,
    help="Holdings and cash prefixes, comma-separated (e.g. Assets:US:ETrade).",
)
@click.option(
    "--internal",
    default="",
    help="Income/Expenses prefixes that are return, comma-separated "
    "(e.g. Income:US:ETrade,Expenses:Financial:Commissions).",
)
@click.option(
    "--base",
    default="CAD",
    show_default=True,
    help="Base currency: any currency the pricing policy's FX source crosses to.",
)
@click.option(
    "--policy", default="ECB", show_default=True, help="Pricing policy whose packs value it."
)
@click.option(
    "--benchmark",
    "benchmarks",
    multiple=True,
    help="A commodity to compare it with (repeat for several, at most 10): any the price "
    "source prices, e.g. ITOT.",
)
@click.option("--name", default="", help="Display name.")
@click.option(
    "--ledger",
    "ledger_id",
    default="default",
    show_default=True,
    help="The ledger it is cut from: the operator's, or one of the owner's.",
)
@data_dir_option
def create(
    portfolio_id: str,
    owner: str,
    accounts: str,
    internal: str,
    base: str,
    policy: str,
    benchmarks: tuple[str, ...],
    name: str,
    ledger_id: str,
    data_dir: Path,
) -> None:
    """Create a portfolio and value it with the packs that exist; every prefix must match an
    account of the synced ledger."""
    try:
        spec = PortfolioSpec(
            id=portfolio_id,
            owner_sub=owner,
            ledger_id=ledger_id,
            name=name,
            account_prefixes=_prefixes(accounts),
            internal_prefixes=_prefixes(internal),
            base_currency=base,
            benchmarks=list(benchmarks),
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CliError(problems) from exc
    chosen = get_policy(policy)
    today = london_today(Settings().now())
    with database(data_dir) as db:
        record, created = create_portfolio(db, spec, currencies=fx_currencies(chosen))
        with console.status(f"valuing {record.id} with the {chosen.name} packs..."):
            valued = value_portfolio(db, record.id, chosen.name, today=today)
    console.print(
        f"{'created' if created else 'already exists'}: portfolio {record.id} "
        f"owned by {record.owner_sub}, base {record.base_currency}; valued with {valued} "
        f"{chosen.name} packs"
    )
    if record.benchmarks:
        console.print(
            f"benchmarks {', '.join(record.benchmarks)}: priced by every pack built from now "
            "on; dawsos pack backfill restates earlier days with them"
        )


@portfolio.command("list")
@data_dir_option
def list_(data_dir: Path) -> None:
    """Every portfolio and its prefixes."""
    with database(data_dir) as db, db.session() as conn:
        records = list_portfolios(conn, None)
    table = Table("id", "owner", "accounts", "internal", "base", "benchmarks")
    for r in records:
        table.add_row(
            r.id,
            r.owner_sub,
            ", ".join(r.account_prefixes),
            ", ".join(r.internal_prefixes),
            r.base_currency,
            ", ".join(r.benchmarks),
        )
    Console().print(table)


@portfolio.command("show")
@click.argument("portfolio_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@data_dir_option
def show(portfolio_id: str, as_json: bool, data_dir: Path) -> None:
    """One portfolio: its prefixes, base currency, benchmarks, ledger and that ledger's
    latest synced commit."""
    with database(data_dir) as db, db.session() as conn:
        record = get_portfolio(conn, portfolio_id, None)
        (view,) = portfolio_views(conn, record.owner_sub, portfolio_id)
    if as_json:
        click.echo(
            json.dumps({"owner": record.owner_sub, **view.model_dump(mode="json")}, indent=2)
        )
        return
    commit = view.latest_commit
    lines = [
        f"portfolio {view.id} ({view.name or 'no name'}), owner {record.owner_sub}",
        f"  base {view.base_currency}; ledger {view.ledger_id}, latest commit "
        + (
            "none synced"
            if commit is None
            else f"{commit.commit_hash[:12]} ({commit.synced_at:%Y-%m-%d %H:%M})"
        ),
        f"  accounts {', '.join(view.account_prefixes)}",
        f"  internal {', '.join(view.internal_prefixes) or '-'}",
        f"  benchmarks {', '.join(view.benchmarks) or '-'}",
    ]
    Console().print(escape("\n".join(lines)))
