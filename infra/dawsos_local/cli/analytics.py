"""``dawsos analytics``: performance of a portfolio over a window, from prewarmed packs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from dawsos_core.analytics.charts import overview_chart, render_png
from dawsos_core.analytics.performance import Performance, performance
from dawsos_core.analytics.returns import daily_returns
from dawsos_core.valuations import portfolio_window
from dawsos_local.cli import console, data_dir_option, database, main

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"


def _drawdown(answer: Performance) -> str:
    m = answer.metrics
    if m.max_drawdown_peak is None:  # the value never fell
        return pct(m.max_drawdown)
    recovery = m.max_drawdown_recovery
    state = "not recovered" if recovery is None else f"recovered {recovery}"
    return f"{pct(m.max_drawdown)} ({m.max_drawdown_peak} to {m.max_drawdown_trough}, {state})"


def performance_table(answer: Performance) -> Table:
    m, a = answer.metrics, answer.attribution

    table = Table(
        "measure",
        "value",
        title=f"{answer.portfolio_id} {answer.start} to {answer.end} "
        f"({answer.base_currency}, {answer.policy}, {answer.returns} returns)",
    )
    table.add_row("TWR (over the window)", pct(m.twr))
    table.add_row("TWR annualised", pct(m.twr_annualized))
    table.add_row("MWR (XIRR, over the window)", m.mwr_reason or pct(m.mwr))
    table.add_row("MWR annualised", pct(m.mwr_annualized))
    table.add_row("volatility", pct(m.volatility))
    table.add_row("Sharpe", "n/a" if m.sharpe is None else f"{m.sharpe:.3f}")
    table.add_row("Sortino", "n/a" if m.sortino is None else f"{m.sortino:.3f}")
    table.add_row("max drawdown", _drawdown(answer))
    table.add_row(
        "market: local / FX / interaction",
        f"{pct(a.local)} / {pct(a.fx)} / {pct(a.interaction)}",
    )
    table.add_row("trading (prices other than the close)", pct(a.trading))
    table.add_row(
        "income: dividends / interest",
        f"{pct(a.by_class['dividends'])} / {pct(a.by_class['interest'])}",
    )
    table.add_row(
        "costs: commissions / fees / withholding",
        " / ".join(pct(a.by_class[k]) for k in ("commissions", "fees", "withholding")),
    )
    table.add_row("other (booked gains, unclassified income)", pct(a.other))
    if answer.window_note:
        table.add_row("window", answer.window_note)
    return table


@main.group()
def analytics() -> None:
    """Performance, risk and the return decomposed, under the pinned conventions."""


@analytics.command("performance")
@click.option("--portfolio", "portfolio_id", required=True, help="Portfolio id.")
@click.option("--from", "start", required=True, type=ISO_DATE, help="First date, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=ISO_DATE, help="Last date, YYYY-MM-DD.")
@click.option("--policy", default="ECB", show_default=True, help="Pricing policy.")
@click.option(
    "--risk-free",
    type=float,
    default=0.0,
    show_default=True,
    help="Annual risk-free rate, a fraction.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with the conventions).")
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the overview chart here.",
)
@click.option(
    "--commit",
    "commit_hash",
    default=None,
    help="Pin a synced commit by its hash or a prefix of 7 or more digits (default: the latest).",
)
@data_dir_option
def performance_command(
    portfolio_id: str,
    start: dt.datetime,
    end: dt.datetime,
    policy: str,
    risk_free: float,
    as_json: bool,
    png: Path | None,
    commit_hash: str | None,
    data_dir: Path,
) -> None:
    """TWR, MWR, risk and currency attribution over a window, every day valued at one
    ledger commit with the packs live now."""
    with database(data_dir) as db:
        window = portfolio_window(
            db, portfolio_id, start.date(), end.date(), policy=policy, commit=commit_hash
        )
    answer = performance(window, risk_free)
    if png is not None:
        a = answer.attribution
        chart = overview_chart(
            f"{portfolio_id} value",
            answer.base_currency,
            window.series,
            daily_returns(window.series),
            {"local": a.local, "fx": a.fx, "interaction": a.interaction, "total": a.total},
        )
        png.write_bytes(render_png(chart))
        console.print(f"wrote {png}")
    if as_json:
        click.echo(answer.model_dump_json(indent=2))
    else:
        Console().print(performance_table(answer))
