"""Cold start: importing the execute handler in a fresh interpreter, against importing the
heavy libraries a Lambda like it could pull in (boto3, Powertools' event handler, pydantic,
psycopg, sentry_sdk, the OpenTelemetry SDK) together. Target ratio: at most 0.5."""

from __future__ import annotations

import statistics
import subprocess
import sys

from rich.console import Console
from rich.table import Table

from dawsos_local.handlers import FUNCTIONS_DIR

TITLE = "cold start: import of functions/execute/app.py"
RUNS = 7

_TIMER = "import time; t = time.perf_counter(); {body}; print(time.perf_counter() - t)"
OURS = (
    "import importlib.util as u; "
    f"s = u.spec_from_file_location('app', {str(FUNCTIONS_DIR / 'execute' / 'app.py')!r}); "
    "m = u.module_from_spec(s); s.loader.exec_module(m)"
)
BASELINE = (
    "import boto3, aws_lambda_powertools.event_handler, pydantic, psycopg, sentry_sdk, "
    "opentelemetry.sdk.trace"
)


def _fresh_import_seconds(body: str) -> float:
    env = {"POWERTOOLS_TRACE_DISABLED": "true", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", _TIMER.format(body=body)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1])


def run(console: Console) -> None:
    ours, base = [], []
    for _ in range(RUNS):  # interleaved, so both see the same machine load
        ours.append(_fresh_import_seconds(OURS))
        base.append(_fresh_import_seconds(BASELINE))
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    table = Table("import", f"median of {RUNS} fresh interpreters")
    table.add_row("execute handler (ours)", f"{ours_median * 1000:.1f} ms")
    table.add_row("baseline libraries together", f"{base_median * 1000:.1f} ms")
    console.print(table)
    console.print(f"ratio ours / baseline = {ours_median / base_median:.3f} (target <= 0.5)")
