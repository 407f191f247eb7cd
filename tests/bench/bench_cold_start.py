"""Cold start: importing the execute handler in a fresh interpreter, against importing the
heavy libraries a Lambda like it could pull in (boto3, Powertools' event handler, pydantic,
psycopg, sentry_sdk, the OpenTelemetry SDK) together. Target ratio: at most 0.5.

The export function likewise: its handler's import against the same import followed by
every renderer a naive export function would load at init (fpdf2, xlsxwriter, matplotlib's
pyplot), and the first file of each format in a fresh interpreter (its writer imported
then), with bytecode and with the renderers compiled on the way, as the render layer
ships them (no bytecode: ``sys.pycache_prefix`` pointed at an empty directory once the
handler is loaded)."""

from __future__ import annotations

import statistics
import subprocess
import sys

from rich.console import Console
from rich.table import Table

from dawsos_local.handlers import FUNCTIONS_DIR

TITLE = "cold start: import of functions/execute/app.py and functions/export/app.py"
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


EXPORT = OURS.replace(str(FUNCTIONS_DIR / "execute"), str(FUNCTIONS_DIR / "export"))
NAIVE_EXPORT = f"{EXPORT}; import fpdf, xlsxwriter, matplotlib.pyplot"
# After the export handler is loaded: the first file of a format, its writer imported then.
FIRST_FILE = (
    f"{EXPORT}; import sys, tempfile; sys.path.insert(0, {str(FUNCTIONS_DIR.parent)!r}); "
    "from dawsos_core.exports.render import render; "
    "from tests.unit.exports.overview import overview_document, sample_watermark; "
    "doc = overview_document(5); w = sample_watermark({fmt!r}); "
    "{compile}"
    "t = time.perf_counter(); render(doc, w, {fmt!r}, b'k' * 40)"
)
UNCOMPILED = "sys.dont_write_bytecode = True; sys.pycache_prefix = tempfile.mkdtemp(); "


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


def _interleaved_medians(first: str, second: str) -> tuple[float, float]:
    """Median seconds of two bodies run alternately, so both see the same machine load."""
    a, b = [], []
    for _ in range(RUNS):
        a.append(_fresh_import_seconds(first))
        b.append(_fresh_import_seconds(second))
    return statistics.median(a), statistics.median(b)


def run(console: Console) -> None:
    ours_median, base_median = _interleaved_medians(OURS, BASELINE)
    table = Table("import", f"median of {RUNS} fresh interpreters")
    table.add_row("execute handler (ours)", f"{ours_median * 1000:.1f} ms")
    table.add_row("baseline libraries together", f"{base_median * 1000:.1f} ms")
    console.print(table)
    console.print(f"ratio ours / baseline = {ours_median / base_median:.3f} (target <= 0.5)")

    export_median, naive_median = _interleaved_medians(EXPORT, NAIVE_EXPORT)
    table = Table("export function", f"median of {RUNS} fresh interpreters")
    table.add_row("export handler import (ours)", f"{export_median * 1000:.1f} ms")
    table.add_row("the same with every renderer at init", f"{naive_median * 1000:.1f} ms")
    for fmt in ("csv", "xlsx", "pdf"):
        for label, compile_step in (("bytecode", ""), ("renderers uncompiled", UNCOMPILED)):
            body = FIRST_FILE.format(fmt=fmt, compile=compile_step)
            first = statistics.median(_fresh_import_seconds(body) for _ in range(3))
            table.add_row(f"first {fmt} after the import, {label}", f"{first * 1000:.1f} ms")
    console.print(table)
    console.print(
        f"ratio export import / naive import = {export_median / naive_median:.3f}; a format's "
        "writer is imported by its first file only, and no plotting library at all"
    )
