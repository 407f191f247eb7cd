"""``make bench``: every benchmark, each printing ratios measured in this one run."""

from __future__ import annotations

import warnings

from rich.console import Console

from tests.bench import (
    bench_analytics,
    bench_cold_start,
    bench_execute,
    bench_health,
    bench_ledger,
    bench_packs,
)


def main() -> None:
    # Metrics are disabled while measuring; Powertools would warn on every flush.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    console = Console()
    for bench in (
        bench_cold_start,
        bench_health,
        bench_ledger,
        bench_packs,
        bench_analytics,
        bench_execute,
    ):
        console.rule(bench.TITLE)
        bench.run(console)


if __name__ == "__main__":
    main()
