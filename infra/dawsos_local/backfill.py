"""A pack for every weekday of a range, oldest first, with a progress bar: what
`dawsos pack backfill` and `make demo` both run. A failing day is reported and the
backfill goes on. Given the ``pacing`` its providers wait with (a rate limit's next token,
a 429's Retry-After), the bar shows each wait as it starts and the time waited so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import analyze_pack_tables
from dawsos_core.pricing.packs import PackOutcome, build_pack
from dawsos_core.pricing.providers import FxProvider, PriceSource
from dawsos_core.pricing.providers.ledger_prices import LedgerPrices
from dawsos_core.providers.rate_limit import Pacing


@dataclass
class BackfillResult:
    counts: dict[str, int] = field(default_factory=lambda: {"fresh": 0, "unchanged": 0, "error": 0})
    failures: list[PackOutcome] = field(default_factory=list)


def backfill_packs(
    db: Database,
    days: list[dt.date],
    policy: str,
    *,
    fx: FxProvider,
    today: dt.date,
    console: Console,
    prices: PriceSource = LedgerPrices,
    pacing: Pacing | None = None,
) -> BackfillResult:
    result = BackfillResult()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[waited]}"),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"{policy} packs", total=len(days), waited="")
        waited = 0.0

        def show_wait(reason: str, seconds: float) -> None:
            nonlocal waited
            waited += seconds
            progress.update(
                task,
                description=f"{policy} {day}: waiting {seconds:.0f}s for {reason}",
                waited=f"waited {waited:.0f}s for rate limits",
            )

        if pacing is not None:
            pacing.on_wait = show_wait
        for day in days:
            try:
                outcome = build_pack(db, day, policy, fx=fx, today=today, prices=prices)
            except Exception as exc:  # recorded as an error pack by the build; go on, report it
                outcome = PackOutcome(
                    day,
                    policy,
                    "error",
                    None,
                    None,
                    error=f"unexpected {type(exc).__name__}: {exc}",
                )
            result.counts[outcome.status] += 1
            if outcome.status == "error":
                result.failures.append(outcome)
            progress.update(task, advance=1, description=f"{policy} {day}")
        if pacing is not None:
            pacing.on_wait = None
    with db.session() as conn:
        analyze_pack_tables(conn)
    return result
