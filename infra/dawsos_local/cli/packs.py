"""``dawsos pack``: build, backfill and inspect pricing packs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dawsos_core.calendar import london_today, weekdays
from dawsos_core.db.repositories.packs import PackRecord, list_packs, pack_by_id
from dawsos_core.errors import NotFound
from dawsos_core.pricing.health import PackView
from dawsos_core.pricing.packs import PackOutcome, build_pack, check_request
from dawsos_core.pricing.policies import get_policy
from dawsos_core.pricing.sources import fx_provider, price_source
from dawsos_core.providers.rate_limit import Pacing
from dawsos_core.settings import Settings
from dawsos_local.backfill import backfill_packs
from dawsos_local.cli import CliError, console, data_dir_option, database, main

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])
policy_option = click.option(
    "--policy",
    default="ECB",
    show_default=True,
    help="Pricing policy, by its FX source: ECB, BOC or WM4PM (ECB_CAD and the like are aliases).",
)


def _outcome_line(outcome: PackOutcome) -> str:
    if outcome.status == "error":
        return f"{outcome.date} {outcome.policy}: error ({outcome.error})"
    extra = f", {outcome.reconciliation_error_bps:.4f} bps" if outcome.status == "fresh" else ""
    superseded = f", supersedes {', '.join(outcome.superseded)}" if outcome.superseded else ""
    return f"{outcome.date} {outcome.policy}: {outcome.status} {outcome.pack_id}{extra}{superseded}"


@main.group()
def pack() -> None:
    """Pricing packs: one day's prices and FX rates, frozen and hashed."""


@pack.command("build")
@click.option("--date", "on", required=True, type=ISO_DATE, help="Pack date, YYYY-MM-DD.")
@policy_option
@data_dir_option
def build(on: dt.datetime, policy: str, data_dir: Path) -> None:
    """Build, reconcile and prewarm one pack; exit 1 when the pack fails."""
    settings = Settings()
    with database(data_dir) as db:
        check_request(on.date(), policy, london_today(settings.now()))
        outcome = build_pack(
            db,
            on.date(),
            policy,
            fx=fx_provider(get_policy(policy), settings),
            today=london_today(settings.now()),
            prices=price_source(settings),
        )
    click.echo(_outcome_line(outcome))
    if outcome.status == "error":
        raise SystemExit(1)


@pack.command("backfill")
@click.option("--from", "start", required=True, type=ISO_DATE, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=ISO_DATE, help="Last date, YYYY-MM-DD.")
@policy_option
@data_dir_option
def backfill(start: dt.datetime, end: dt.datetime, policy: str, data_dir: Path) -> None:
    """Build a pack for every weekday of a range, oldest first, with a progress bar.

    Provider requests wait for their rate limit (FMP_RATE_LIMIT, POLYGON_RATE_LIMIT) and a
    429's Retry-After as long as it takes, and the bar shows the waits."""
    settings = Settings()
    today = london_today(settings.now())
    days = weekdays(start.date(), end.date())
    if not days:
        raise CliError(f"no weekday between {start.date()} and {end.date()}")
    pacing = Pacing(max_wait_seconds=None)  # a backfill waits for rate limits, however long
    with database(data_dir) as db:
        check_request(days[-1], policy, today)
        result = backfill_packs(
            db,
            days,
            policy,
            fx=fx_provider(get_policy(policy), settings, pacing=pacing),
            today=today,
            console=console,
            prices=price_source(settings, pacing=pacing),
            pacing=pacing,
        )
    counts, failures = result.counts, result.failures
    for failure in failures[:20]:
        console.print(_outcome_line(failure))
    click.echo(
        f"{len(days)} weekdays: {counts['fresh']} fresh, {counts['unchanged']} unchanged,"
        f" {counts['error']} failed"
    )
    if failures:
        raise SystemExit(1)


def _pack_json(record: PackRecord) -> dict[str, object]:
    return PackView.of(record).model_dump(mode="json")


@pack.command("show")
@click.argument("pack_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@data_dir_option
def show(pack_id: str, as_json: bool, data_dir: Path) -> None:
    """One pack, by id."""
    with database(data_dir) as db, db.session() as conn:
        record = pack_by_id(conn, pack_id)
        if record is None:
            raise NotFound(f"no pricing pack {pack_id}")
    if as_json:
        click.echo(json.dumps(_pack_json(record), indent=2))
        return
    for key, value in _pack_json(record).items():
        click.echo(f"{key:26} {value}")


@pack.command("list")
@click.option("--policy", default=None, help="Only this policy.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@data_dir_option
def list_(policy: str | None, limit: int, as_json: bool, data_dir: Path) -> None:
    """The newest packs first."""
    with database(data_dir) as db, db.session() as conn:
        records = list_packs(conn, policy, limit)
    if as_json:
        click.echo(json.dumps([_pack_json(r) for r in records], indent=2))
        return
    table = Table("id", "date", "policy", "status", "superseded by", "bps")
    for r in records:
        table.add_row(
            r.id,
            str(r.date),
            r.policy,
            r.status,
            r.superseded_by or "",
            "" if r.reconciliation_error_bps is None else f"{r.reconciliation_error_bps}",
        )
    Console().print(table)
