"""``make bench``: every benchmark in a fresh interpreter of its own (so that imports,
caches and peak RSS are its own), each printing ratios measured in that one run."""

from __future__ import annotations

import subprocess
import sys

BENCHES = [
    "bench_cold_start",
    "bench_health",
    "bench_ledger",
    "bench_packs",
    "bench_analytics",
    "bench_execute",
    "bench_execute_500",
    "bench_revaluation",
    "bench_tenants",
    "bench_exports",
    "bench_observability",
]

_RUN = (
    "import warnings; from rich.console import Console; from tests.bench import {name} as b;"
    "warnings.filterwarnings('ignore', message='No application metrics to publish');"
    "c = Console(); c.rule(b.TITLE); b.run(c)"
)


def main() -> None:
    failed = [
        name
        for name in BENCHES
        if subprocess.run([sys.executable, "-c", _RUN.format(name=name)]).returncode
    ]
    if failed:
        sys.exit(f"benchmarks that did not run: {', '.join(failed)}")


if __name__ == "__main__":
    main()
