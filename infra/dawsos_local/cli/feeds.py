"""``dawsos feeds store``: store the provider feeds of a pack's date, as the pack builder
does after each pack, and say what each provider answered."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from dawsos_core.db.repositories.packs import packs_for
from dawsos_core.errors import NotFound
from dawsos_core.feeds import has_errors, report_lines, store_feeds
from dawsos_core.pricing.policies import get_policy
from dawsos_core.settings import Settings
from dawsos_local.cli import data_dir_option, database, main


@main.group()
def feeds() -> None:
    """Provider feeds: FRED series, FMP profiles and NewsAPI headlines."""


@feeds.command("store")
@click.option(
    "--date", "on", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Pack date."
)
@click.option("--policy", default="ECB", show_default=True, help="Pricing policy of the pack.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@data_dir_option
def store(on: dt.datetime, policy: str, as_json: bool, data_dir: Path) -> None:
    """Store the feeds whose keys are set for the live pack of a date: FRED's MACRO_SERIES,
    and the profiles and last seven days' headlines of the pack's priced commodities. Each
    provider error is printed with the provider's own code and what to do; exit 1 if any."""
    settings = Settings()
    name = get_policy(policy).name
    with database(data_dir) as db:
        with db.session() as conn:
            live = [
                p for p in packs_for(conn, on.date(), name) if p.is_fresh and not p.superseded_by
            ]
        if not live:
            raise NotFound(f"no fresh {name} pack for {on.date()}: build it first")
        report = store_feeds(db, settings, live[-1].id, on.date())
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        for line in report_lines(report):
            click.echo(line)
    if has_errors(report):
        raise SystemExit(1)
