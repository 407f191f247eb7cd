"""The demo's analytics answers over HTTP: a window's performance and its decomposition,
period returns, the benchmark comparison, the allocation and the income report of the
demo portfolio."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

HttpJson = Callable[..., tuple[int, dict[str, Any]]]

WINDOW = {"portfolio_id": "demo", "start": "2025-11-03", "end": "2026-10-30"}
PATTERNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("performance_history", WINDOW),
    ("return_attribution", WINDOW),
    ("period_returns", {"portfolio_id": "demo"}),
    ("benchmark_comparison", {"portfolio_id": "demo"}),
    ("allocation", {"portfolio_id": "demo", "keys": "asset-class,region"}),
    ("income_report", {"portfolio_id": "demo"}),
)


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.2f}%"


def num(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def print_analytics(url: str, token: str, http_json: HttpJson, console: Console) -> bool:
    """Run each pattern for the demo portfolio and print its answer; False if one failed."""
    ok = True
    for pattern, inputs in PATTERNS:
        status, body = http_json(
            f"{url}/v1/execute", token, {"pattern_id": pattern, "inputs": inputs}
        )
        console.print(f"POST /v1/execute {pattern} -> {status}")
        if status != 200:
            console.print(escape(f"  {body}"))
            ok = False
            continue
        if pattern in _TABLES:
            (answer,) = body["result"].values()
            console.print(_TABLES[pattern](answer))
        else:
            console.print(_summary(body["result"]))
    return ok


def _summary(result: dict[str, Any]) -> str:
    """One line: the window's TWR and its decomposition."""
    a = result["attribution"]
    twr = result["metrics"]["twr"] if "metrics" in result else a["total"]
    parts = ("local", "fx", "interaction", "trading", "income", "costs", "other")
    return f"  TWR {pct(twr)} = " + " + ".join(f"{k} {pct(a[k])}" for k in parts)


def _periods(answer: dict[str, Any]) -> Table:
    shown = [p for p in answer["periods"] if p["twr"] is not None]
    left = [p["period"] for p in answer["periods"] if p["twr"] is None]
    table = Table(
        "period",
        "from",
        "TWR",
        "MWR",
        "volatility",
        "max drawdown",
        title=f"period_returns of demo as of {answer['as_of']}",
        caption=f"no figures for {', '.join(left)}: the packs begin {answer['covered_from']}"
        if left
        else None,
    )
    for p in shown:
        mwr = p["mwr_reason"] or pct(p["mwr"])
        if p["mwr_annualized"] is not None:
            mwr = f"{pct(p['mwr_annualized'])} a year"
        table.add_row(
            p["period"],
            p["start"],
            pct(p["twr"]),
            mwr,
            pct(p["volatility"]),
            pct(p["max_drawdown"]),
        )
    return table


def _benchmarks(answer: dict[str, Any]) -> Table:
    table = Table(
        "benchmark",
        "TWR",
        "excess",
        "TE",
        "IR",
        "beta",
        "alpha",
        "corr",
        "up/down",
        title=f"benchmark_comparison of demo, {answer['start']} to {answer['end']} in "
        f"{answer['base_currency']} (portfolio TWR {pct(answer['twr'])})",
        caption="TE tracking error, IR information ratio, corr correlation, up/down capture",
    )
    for c in answer["comparisons"]:
        table.add_row(
            c["benchmark"],
            pct(c["benchmark_twr"]),
            pct(c["excess_return"]),
            pct(c["tracking_error"]),
            num(c["information_ratio"]),
            num(c["beta"]),
            pct(c["alpha"]),
            num(c["correlation"]),
            f"{num(c['up_capture'])}/{num(c['down_capture'])}",
        )
    return table


def _allocation(answer: dict[str, Any]) -> Table:
    top = answer["concentration"]
    table = Table(
        "by",
        "weights",
        title=f"allocation of demo at {answer['as_of']}: {answer['value_base']:,.2f} "
        f"{answer['base_currency']}; largest {top['largest']} {pct(top['largest_weight'])}, "
        f"Herfindahl {num(top['herfindahl'], 3)}",
    )

    def listed(shares: list[dict[str, Any]]) -> str:
        return ", ".join(f"{s['group']} {pct(s['weight'])}" for s in shares)

    table.add_row("commodity", listed(answer["by_commodity"]))
    table.add_row("currency", listed(answer["by_currency"]))
    table.add_row("account", listed(answer["by_account"]))
    for key, shares in answer["by_metadata"].items():
        table.add_row(key, listed(shares))
    months = answer["over_time"]["dates"]
    table.add_row("over time", f"{len(months)} month ends, {months[0]} to {months[-1]}")
    return table


def _income(answer: dict[str, Any]) -> Table:
    table = Table(
        "holding",
        "dividends",
        "interest",
        "withheld",
        "commission",
        "TTM",
        "YoC",
        "TTM yield",
        title=f"income_report of demo, {answer['start']} to {answer['end']} in "
        f"{answer['base_currency']}",
        caption="TTM the trailing twelve months' dividends and interest, YoC yield on cost",
    )
    for h in answer["by_holding"]:
        table.add_row(
            h["holding"],
            num(h["dividends"]),
            num(h["interest"]),
            num(h["withholding"]),
            num(h["commissions"]),
            num(h["trailing_income"]),
            pct(h["yield_on_cost"]),
            pct(h["trailing_yield"]),
        )
    total = answer["total"]
    table.add_row(
        "all",
        num(total["dividends"]),
        num(total["interest"]),
        num(total["withholding"]),
        num(total["commissions"]),
        num(answer["trailing_income"]),
        pct(answer["yield_on_cost"]),
        pct(answer["trailing_yield"]),
    )
    return table


_TABLES: dict[str, Callable[[dict[str, Any]], Table]] = {
    "period_returns": _periods,
    "benchmark_comparison": _benchmarks,
    "allocation": _allocation,
    "income_report": _income,
}
