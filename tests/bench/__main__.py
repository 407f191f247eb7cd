"""``make bench``: every benchmark, each printing ratios measured in this one run."""

from __future__ import annotations

from rich.console import Console

from tests.bench import bench_cold_start, bench_health, bench_ledger


def main() -> None:
    console = Console()
    for bench in (bench_cold_start, bench_health, bench_ledger):
        console.rule(bench.TITLE)
        bench.run(console)


if __name__ == "__main__":
    main()
