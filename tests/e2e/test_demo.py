"""`make demo`'s command as a user runs it: the whole job once, printed, then stopped."""

from __future__ import annotations

import re

import pytest

from dawsos_local.browser import SHOTS
from tests.e2e.conftest import DemoRun

pytestmark = pytest.mark.e2e


def test_demo_runs_the_whole_job_over_http_and_stops_every_part(demo_run: DemoRun) -> None:
    out = demo_run.output
    assert demo_run.returncode == 0, out[-4000:]
    summary = {
        "value": r"[\d,]+\.\d\d CAD",
        "TWR / annualised": r"-?\d+\.\d\d%",
        "Sharpe": r"-?\d+\.\d{3}",
        "max drawdown": r"-?\d+\.\d\d%",
        "market: local / FX / interaction": r"-?\d+\.\d\d% / -?\d+\.\d\d% / -?\d+\.\d\d%",
        "trading / income / costs / other": r"(-?\d+\.\d\d% / ){3}-?\d+\.\d\d%",
        "pricing pack": r"PP_ECB_2026-10-30_[0-9a-f]{12} \(ECB\)",
        "ledger commit": r"[0-9a-f]{40}",
    }
    for row, value in summary.items():
        assert re.search(rf"{re.escape(row)}\s+│\s+{value}", out), f"no {row} row in:\n{out}"
    day = r"\d{4}-\d\d-\d\d"
    drawdown = (
        rf"max drawdown\s+│\s+-?\d+\.\d\d% \({day} to {day}, (not recovered|recovered {day})\)"
    )
    assert re.search(drawdown, out), out
    assert "sha256 matches; watermark authentic" in re.sub(r"\s+", " ", out)
    assert "POST /v1/execute macro_overview -> 200: DGS10" in out
    assert re.search(r"news_impact -> 200: \d+ headlines, e\.g\. '\[demo\] ", out)
    assert "holding_deep_dive -> 200: profiles [demo] " in out
    assert re.search(r"portfolio demo-usd (created|exists) \(base USD\)", out)
    assert re.search(r"demo-usd 2025-10-30 to 2026-10-30 \(USD, ECB, 261 returns\)", out)
    revalued = r"re-valued (demo|demo-usd) from 2026-07-15: \d+ packs valued, \d+ kept from"
    assert len(re.findall(revalued, out)) == 2, out
    changed = re.findall(r"│ demo-usd\s+│ [0-9a-f]{12} │ (-?\d+\.\d{4})% │", out)
    assert len(changed) == 2
    assert changed[0] != changed[1], "the backdated deposit changes the USD portfolio's TWR"
    pct = r"-?\d+\.\d\d%"
    for pattern in ("period_returns", "benchmark_comparison", "allocation", "income_report"):
        assert f"POST /v1/execute {pattern} -> 200" in out
    assert re.search(rf"│ 1y\s+│ {day}\s+│ {pct}\s+│ {pct} a year", out), out
    for benchmark in ("ITOT", "VBMPX"):  # held, and held by no one in the portfolio
        assert re.search(rf"│ {benchmark}\s+│ {pct}\s+│ {pct}\s+│ {pct}", out), out
    assert re.search(rf"│ asset-class\s+│ equity {pct}", out), out
    assert re.search(r"│ all\s+│ \d+\.\d\d\s+│", out), out
    assert "stopped every part" in out
    assert not (demo_run.data_dir / "postgres" / "postmaster.pid").exists()


def test_demo_ends_with_the_dashboards_url_and_its_screenshots(demo_run: DemoRun) -> None:
    """With Chromium on the machine (make demo and make test install it), each view is
    captured, desktop and phone, and the last lines say how to open the dashboard."""
    out = demo_run.output
    assert demo_run.returncode == 0, out[-4000:]
    folder = demo_run.data_dir / "screenshots"
    for shot in SHOTS:
        png = folder / f"{shot.name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
        assert str(png) in out
    last = [line for line in out.splitlines() if line.strip()][-2:]
    assert last[0].startswith("dashboard: DAWSOS_NOW=2026-10-30T18:00:00Z dawsos serve")
    assert last[1].strip() == "then open http://127.0.0.1:3000/ and sign in as demo"
