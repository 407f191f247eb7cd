"""``make demo``: the whole job once on the local stack, printed as it goes, then stopped."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import urllib.error
import urllib.request
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.errors import DawsosError
from dawsos_core.exports.watermark import verify
from dawsos_core.ledger.flows import portfolio_flows
from dawsos_core.ledger.positions import portfolio_positions
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.valuations import Revaluation, portfolio_performance, revalue_commit
from dawsos_local import example_ledger
from dawsos_local.backfill import backfill_packs
from dawsos_local.demo_analytics import print_analytics
from dawsos_local.stack import DataDir, LocalStack
from dawsos_local.tokens import mint

# The demo runs as of the last date the offline ECB rates cover, after that day's 16:30 cut.
DEMO_NOW = "2026-10-30T18:00:00+00:00"
PACK_POLICY = "ECB"
PACK_DAYS = 730  # two years of packs: a trailing year of income, and a calendar year

DEMO_PORTFOLIO = PortfolioSpec(
    id="demo",
    owner_sub="demo",
    name="bean-example brokerage",
    account_prefixes=["Assets:US:ETrade"],
    internal_prefixes=["Income:US:ETrade", "Expenses:Financial:Commissions"],
    base_currency="CAD",
    benchmarks=["ITOT", "VBMPX"],  # the US stock market, and a bond fund nobody there holds
)
# The same accounts in US dollars: one set of packs values both.
DEMO_USD_PORTFOLIO = DEMO_PORTFOLIO.model_copy(
    update={"id": "demo-usd", "name": "bean-example brokerage in USD", "base_currency": "USD"}
)


def http_json(
    url: str,
    token: str | None = None,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """GET, or POST when there is a body; the JSON answer whatever the status."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data)  # noqa: S310 (the local gateway's URL)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def _ledger_steps(db: Database, data_dir: DataDir, console: Console) -> None:
    with console.status("generating the bean-example ledger..."):
        ledger = example_ledger.ensure_repository(data_dir.root / "ledger")
    state = "committed" if ledger.committed else "unchanged, HEAD reused"
    console.print(
        f"ledger repository {ledger.repo} ({state}; bean-example seed "
        f"{example_ledger.SEED}, {example_ledger.BEGIN} to {example_ledger.END})"
    )

    with console.status("syncing the ledger into PostgreSQL..."):
        synced = sync_ledger(db, ledger.repo)
    console.print(
        f"{'synced' if synced.created else 'already synced'} commit "
        f"{synced.commit_hash[:12]}: {synced.transactions} transactions, "
        f"{synced.postings} postings, {synced.prices} prices"
    )

    for spec in (DEMO_PORTFOLIO, DEMO_USD_PORTFOLIO):
        _, created = create_portfolio(db, spec)
        console.print(
            f"portfolio {spec.id} {'created' if created else 'exists'} (base "
            f"{spec.base_currency}): {', '.join(spec.account_prefixes)}; internal "
            f"{', '.join(spec.internal_prefixes)}"
        )

    on = example_ledger.END
    positions = portfolio_positions(db, "demo", on)
    table = Table("commodity", "units", "cost basis", title=f"demo positions at {on}")
    for p in positions.positions:
        table.add_row(p.commodity, str(p.units), ", ".join(f"{v} {k}" for k, v in p.cost.items()))
    console.print(table)
    flows = portfolio_flows(db, "demo", on - dt.timedelta(days=365), on)
    total = sum((f.units for f in flows.flows if f.commodity == "USD"), start=0)
    console.print(f"external flows over the last year: {len(flows.flows)}, net {total} USD")


def _pack_steps(db: Database, data_dir: DataDir, console: Console) -> None:
    end = example_ledger.END
    days = weekdays(end - dt.timedelta(days=PACK_DAYS), end)
    result = backfill_packs(
        db,
        days,
        PACK_POLICY,
        fx=EcbFx(),
        today=end,
        console=console,
    )
    counts = result.counts
    errors = [f"{f.date}: {f.error}" for f in result.failures]
    console.print(
        f"pricing packs {days[0]} to {days[-1]}: {counts['fresh']} built fresh, "
        f"{counts['unchanged']} already fresh, {counts['error']} failed"
    )
    for line in errors[:5]:
        console.print(f"  [red]failed[/] {line}")


def _feed_steps(db: Database, console: Console) -> None:
    from dawsos_local import demo_feeds

    end = example_ledger.END
    held = portfolio_positions(db, "demo", end)
    symbols = [p.commodity for p in held.positions if not p.cash]
    observations, headlines, profiles = demo_feeds.seed(
        db, symbols, end - dt.timedelta(days=365), end
    )
    console.print(
        f"demo feeds (synthetic, labelled demo): {observations} FRED-shaped observations, "
        f"{headlines} NewsAPI-shaped headlines and {profiles} FMP-shaped profiles stored"
    )


def _performance_steps(db: Database, console: Console) -> None:
    from dawsos_local.cli.analytics import performance_table

    end = example_ledger.END
    for portfolio_id in ("demo", "demo-usd"):
        answer = portfolio_performance(
            db, portfolio_id, end - dt.timedelta(days=365), end, policy=PACK_POLICY
        )
        console.print(performance_table(answer))


def _backdated_steps(db: Database, data_dir: DataDir, console: Console) -> None:
    """Import a statement dated three months back as a new commit, sync it, and show what
    the re-valuation changed: no pack is rebuilt."""
    from dawsos_local.cli.ledger import revaluation_lines

    repo = data_dir.root / "ledger"
    imported = example_ledger.import_statement(repo)
    synced = sync_ledger(db, repo)
    console.print(
        f"{'committed' if imported else 'already committed'} a backdated statement "
        f"({example_ledger.STATEMENT_DATE}, a 5,000 USD deposit): commit "
        f"{synced.commit_hash[:12]} {'synced' if synced.created else 'already synced'}"
    )
    revalued = revalue_commit(db, synced.commit_hash, PACK_POLICY, today=example_ledger.END)
    for line in revaluation_lines(revalued):
        console.print(f"  {line}")
    end = example_ledger.END
    start = end - dt.timedelta(days=365)
    table = Table("portfolio", "commit", "TWR", "MWR", "value", title="before and after the import")
    for r in revalued:
        for commit in (r.previous_commit, r.commit_hash):
            if commit is None:
                continue
            answer = portfolio_performance(
                db, r.portfolio_id, start, end, policy=PACK_POLICY, commit=commit
            )
            mwr = answer.metrics.mwr
            table.add_row(
                r.portfolio_id,
                commit[:12],
                f"{100 * answer.metrics.twr:.4f}%",
                "n/a" if mwr is None else f"{100 * mwr:.4f}%",
                f"{_last_value(db, r, commit):,.2f} {answer.base_currency}",
            )
    console.print(table)


def _last_value(db: Database, revaluation: Revaluation, commit: str) -> float:
    value = (
        revaluation.value_before
        if commit == revaluation.previous_commit
        else revaluation.value_after
    )
    return float(value or 0)


def _overview_over_http(url: str, token: str, console: Console) -> str | None:
    """Run portfolio_overview; its execution id, or None when it failed."""
    request = {"pattern_id": "portfolio_overview", "inputs": {"portfolio_id": "demo"}}
    status, body = http_json(f"{url}/v1/execute", token, request)
    console.print(f"POST /v1/execute portfolio_overview -> {status}")
    if status != 200:
        console.print(f"  {body}")
        return None
    result, provenance = body["result"], body["provenance"]
    m, a = result["metrics"], result["attribution"]
    table = Table("", "", title=f"portfolio_overview of demo (execution {body['execution_id']})")
    table.add_row(
        "value", f"{float(result['valuation']['value_base']):,.2f} {provenance['base_currency']}"
    )
    table.add_row("window", f"{m['start']} to {m['end']} ({m['returns']} daily returns)")
    table.add_row(
        "TWR / annualised",
        f"{100 * m['twr']:.2f}% / "
        + ("n/a" if m["twr_annualized"] is None else f"{100 * m['twr_annualized']:.2f}%"),
    )
    table.add_row("Sharpe", f"{m['sharpe']:.3f}")
    table.add_row("max drawdown", f"{100 * m['max_drawdown']:.2f}%")
    table.add_row(
        "market: local / FX / interaction",
        f"{100 * a['local']:.2f}% / {100 * a['fx']:.2f}% / {100 * a['interaction']:.2f}%",
    )
    table.add_row(
        "trading / income / costs / other",
        f"{100 * a['trading']:.2f}% / {100 * a['income']:.2f}% / {100 * a['costs']:.2f}% / "
        f"{100 * a['other']:.2f}%",
    )
    table.add_row(
        "pricing pack", f"{provenance['pricing_pack_id']} ({provenance['pricing_policy']})"
    )
    table.add_row("ledger commit", provenance["ledger_commit_hash"])
    table.add_row("attributions", "; ".join(x["text"] for x in body["attributions"]))
    console.print(table)
    return str(body["execution_id"])


def _export_over_http(
    url: str, token: str, execution_id: str, data_dir: DataDir, console: Console
) -> bool:
    """Export the overview as PDF, download it through the presigned link, verify it."""
    status, body = http_json(
        f"{url}/v1/exports",
        token,
        {"execution_id": execution_id, "format": "pdf"},
        headers={"Idempotency-Key": f"demo-{execution_id}"},
    )
    console.print(f"POST /v1/exports pdf -> {status}")
    if status != 200:
        console.print(f"  {body}")
        return False
    with urllib.request.urlopen(body["url"], timeout=30) as response:  # noqa: S310 (moto)
        data = response.read()
    target = data_dir.root / "exports" / f"{body['export_id']}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    check = verify(data, data_dir.watermark_key().encode())
    digest_ok = hashlib.sha256(data).hexdigest() == body["sha256"]
    console.print(f"  link (until {body['expires_at']}): {escape(body['url'])}", soft_wrap=True)
    console.print(
        f"  downloaded {len(data):,} bytes to {target}; sha256 "
        f"{'matches' if digest_ok else 'DIFFERS'}; watermark "
        f"{'authentic' if check.authentic else 'NOT authentic: ' + check.reason}"
    )
    console.print(f"  check it yourself: dawsos watermark verify {target}", soft_wrap=True)
    return digest_ok and check.authentic


def _feeds_over_http(url: str, token: str, console: Console) -> bool:
    ok = True
    for pattern, inputs in (
        ("macro_overview", {}),
        ("news_impact", {"portfolio_id": "demo"}),
        ("holding_deep_dive", {"portfolio_id": "demo"}),
    ):
        status, body = http_json(
            f"{url}/v1/execute", token, {"pattern_id": pattern, "inputs": inputs}
        )
        ok = ok and status == 200
        if status != 200:
            console.print(f"POST /v1/execute {pattern} -> {status}: {body}")
            continue
        result = body["result"]
        if pattern == "macro_overview":
            latest = ", ".join(
                f"{s['series_id']} {s['latest'][1]} ({s['latest'][0]})"
                for s in result["macro"]["series"]
            )
            console.print(f"POST /v1/execute macro_overview -> {status}: {latest}")
        elif pattern == "holding_deep_dive":
            profiles = result["fundamentals"]["profiles"]
            names = ", ".join(f"{p['company_name']} ({p['sector']})" for p in profiles)
            console.print(
                escape(f"POST /v1/execute holding_deep_dive -> {status}: profiles {names}")
            )
        else:
            first = result["headlines"]["headlines"][:1]
            shown = repr(first[0]["title"]) if first else "none"
            line = (
                f"POST /v1/execute news_impact -> {status}: "
                f"{len(result['headlines']['headlines'])} headlines, e.g. {shown}; "
                f"sources {[a['source'] for a in body['attributions']]}"
            )
            console.print(escape(line))  # "[demo]" in a title is text, not markup
    return ok


def _dashboard_steps(url: str, data_dir: DataDir, console: Console) -> bool:
    """A screenshot of each dashboard view in the system's headless Chromium, signed in as
    demo; skipped with a note when no browser can run (the demo needs none)."""
    from dawsos_local.browser import BrowserFailed, BrowserUnavailable, screenshots

    target = data_dir.root / "screenshots"
    try:
        with console.status("taking the dashboard's screenshots in headless Chromium..."):
            written = screenshots(url, "demo", "demo", target)
    except BrowserUnavailable as exc:
        console.print(f"dashboard screenshots skipped: {exc}")
        return True
    except BrowserFailed as exc:
        console.print(f"[red]dashboard screenshots failed[/]: {escape(str(exc))}")
        return False
    console.print(f"dashboard screenshots ({len(written)} views, desktop and phone) in {target}:")
    for path in written:
        console.print(f"  {path}", soft_wrap=True)
    return True


def dashboard_lines(data_dir: DataDir) -> list[str]:
    """How to open the dashboard on the demo's data once the demo has stopped."""
    return [
        f"dashboard: DAWSOS_NOW={DEMO_NOW.replace('+00:00', 'Z')} dawsos serve "
        f"--data-dir {data_dir.root}",
        "  then open http://127.0.0.1:3000/ and sign in as demo",
    ]


def run_demo(data_dir: DataDir, console: Console) -> int:
    started = time.perf_counter()
    console.rule("DawsOS demo")
    try:
        with console.status("starting the local stack..."):
            stack = LocalStack(data_dir, port=0, env={"DAWSOS_NOW": DEMO_NOW}).start()
    except DawsosError as exc:
        console.print(f"[red]cannot start[/]: {exc.message}")
        return 2
    ok = False
    try:
        console.print(f"[green]started[/] gateway {stack.url}")
        console.print(f"  {stack.database.description}")
        console.print(f"  migrations applied this run: {len(stack.applied)}")
        console.print(f"  S3 (moto) {stack.aws.endpoint_url}, bucket {stack.aws.bucket}")

        db = Database(lambda: stack.database.url)
        try:
            _ledger_steps(db, data_dir, console)
            _pack_steps(db, data_dir, console)
            _performance_steps(db, console)
            _backdated_steps(db, data_dir, console)
            _feed_steps(db, console)
        except DawsosError as exc:
            console.print(f"[red]refused[/]: {exc.message}")
            return 1
        finally:
            db.close()

        token = mint(data_dir.jwt_secret(), "demo")
        console.print("minted a local token for user [bold]demo[/]")
        status, body = http_json(f"{stack.url}/health/pack")
        console.print(f"GET /health/pack without a token -> {status} {body.get('error')}")
        status, body = http_json(f"{stack.url}/health/pack", token)
        console.print(
            f"GET /health/pack with the token, as of {DEMO_NOW} -> {status}: "
            f"status={body.get('status')} pack_id={body.get('pack_id')} "
            f"reconciliation={body.get('reconciliation_error_bps')} bps"
        )
        ok = status == 200 and body.get("status") == "fresh"
        execution_id = _overview_over_http(stack.url, token, console)
        ok = execution_id is not None and ok
        if execution_id is not None:
            ok = _export_over_http(stack.url, token, execution_id, data_dir, console) and ok
        ok = _feeds_over_http(stack.url, token, console) and ok
        ok = print_analytics(stack.url, token, http_json, console) and ok
        ok = _dashboard_steps(stack.url, data_dir, console) and ok
    finally:
        with console.status("stopping..."):
            stack.stop()
    console.print(f"stopped every part; demo took {time.perf_counter() - started:.1f} s")
    for line in dashboard_lines(data_dir):
        console.print(line, soft_wrap=True)
    return 0 if ok else 1
