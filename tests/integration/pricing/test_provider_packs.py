"""Packs built from FMP's stable API and from Polygon, served by a loopback server with the
real HTTP statuses: one refused symbol and a 429 in the middle name only the refused symbol
and price the rest; a 20-holding backfill under Polygon's free 5 requests a minute
completes on an injected clock, no day failed and no 429 earned."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from rich.console import Console

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.pricing.providers.market_data import NEW_YORK, FmpPrices, PolygonPrices
from dawsos_core.providers.http import HttpClient
from dawsos_core.providers.rate_limit import TokenBucket, parse_rate_limits
from dawsos_local.backfill import backfill_packs
from tests.fake_clock import FakeClock
from tests.integration.conftest import FIXTURES, FRI, TODAY, FakeProvider, LedgerRepo, Reply, rows

FMP_STABLE = json.loads(
    (
        FIXTURES / "fmp" / "stable_historical-price-eod_full_ACME_2024-06-21_2024-06-28.json"
    ).read_text()
)
FMP_402 = (FIXTURES / "fmp" / "402_premium_query_parameter.txt").read_bytes()
FMP_429 = (FIXTURES / "fmp" / "429_limit_reach.json").read_bytes()
POLYGON_BARS = json.loads((FIXTURES / "polygon" / "ACME_2024-06-21_2024-06-28.json").read_text())
POLYGON_403 = (FIXTURES / "polygon" / "403_not_authorized.json").read_bytes()
POLYGON_429 = (FIXTURES / "polygon" / "429_rate_limit.json").read_bytes()
STABLE_EOD = "/stable/historical-price-eod/full"
SYMBOLS = ["ACME", "BETA", "GAMA", "PREM"]


def ledger(symbols: list[str]) -> str:
    """Ten units of each symbol, bought on 2024-06-05 at cost 100 USD."""
    opens = "".join(f"2024-06-01 open Assets:Broker:{s} {s}\n" for s in symbols)
    buys = "".join(f"  Assets:Broker:{s}  10 {s} {{100 USD}}\n" for s in symbols)
    return (
        'option "operating_currency" "USD"\n'
        "2024-06-01 open Assets:Bank:Checking USD\n"
        "2024-06-01 open Equity:Opening\n"
        f"{opens}\n"
        '2024-06-03 * "Opening"\n'
        f"  Assets:Bank:Checking  {1000 * len(symbols) + 1000} USD\n"
        "  Equity:Opening\n\n"
        '2024-06-05 * "Buy"\n'
        f"{buys}"
        "  Assets:Bank:Checking\n"
    )


@pytest.fixture
def holdings(db: Database, ledger_repo: LedgerRepo) -> Database:
    ledger_repo.commit({"main.beancount": ledger(SYMBOLS)})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="p", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    return db


def fmp_rows(symbol: str) -> bytes:
    """The recorded stable answer, for ``symbol``."""
    return json.dumps([{**row, "symbol": symbol} for row in FMP_STABLE]).encode()


def polygon_bars(symbol: str) -> bytes:
    return json.dumps({**POLYGON_BARS, "ticker": symbol}).encode()


def priced(database_url: str, pack_id: str | None) -> list[str]:
    found = rows(
        database_url,
        "SELECT commodity FROM pack_prices WHERE pack_id = %s ORDER BY commodity",
        pack_id,
    )
    return [r["commodity"] for r in found]


def test_an_fmp_stable_pack_names_only_the_refused_symbol_through_a_429(
    holdings: Database, fake_provider: FakeProvider, database_url: str
) -> None:
    asked: list[str] = []
    limited = [(429, FMP_429, 0.0)]  # BETA's first answer: FMP sends no Retry-After

    def fmp(target: str) -> Reply:
        symbol = parse_qs(urlsplit(target).query)["symbol"][0]
        asked.append(symbol)
        if symbol == "PREM":
            return (402, FMP_402, 0.0)
        if symbol == "BETA" and limited:
            return limited.pop()
        return (200, fmp_rows(symbol), 0.0)

    fake_provider.answer(STABLE_EOD, fmp)
    clock = FakeClock()
    bucket = TokenBucket("FMP", parse_rate_limits("300/minute"), clock.pacing())
    prices = FmpPrices(HttpClient(retries=2, limiter=bucket), "k", base_url=fake_provider.url)

    outcome = build_pack(
        holdings, FRI, "ECB", fx=EcbFx(), today=TODAY, prices=lambda conn, commit: prices
    )

    assert outcome.status == "error"
    assert outcome.error == (
        "no price for PREM on or before 2024-06-28: not covered (FMP:"
        f" {fake_provider.url}{STABLE_EOD} answered HTTP 402: Premium Query Parameter:"
        " 'Special Endpoint : This value set for 'symbol' is not available under your"
        " current subscription please visit our subscription page to upgrade your plan at"
        " https://site.financialmodelingprep.com/developer/docs/pricing'; not authorised:"
        " check the plan or the key (FMP_API_KEY))"
    )
    assert priced(database_url, outcome.pack_id) == ["ACME", "BETA", "GAMA"]
    assert asked == ["ACME", "BETA", "BETA", "GAMA", "PREM"]
    assert clock.slept == [60]  # the 429 waited the limit's period, on the injected clock


def test_a_polygon_pack_names_only_the_refused_symbol_through_a_429(
    holdings: Database, fake_provider: FakeProvider, database_url: str
) -> None:
    limited = [(429, POLYGON_429, 0.0, {"Retry-After": "13"})]

    def polygon(target: str) -> Reply:
        symbol = urlsplit(target).path.split("/")[4]
        if symbol == "PREM":
            return (403, POLYGON_403, 0.0)
        if symbol == "GAMA" and limited:
            return limited.pop()
        return (200, polygon_bars(symbol), 0.0)

    fake_provider.answer("/v2/aggs/ticker/", polygon)
    clock = FakeClock()
    bucket = TokenBucket("Polygon", parse_rate_limits("5/minute"), clock.pacing())
    prices = PolygonPrices(HttpClient(retries=2, limiter=bucket), "k", base_url=fake_provider.url)

    outcome = build_pack(
        holdings, FRI, "ECB", fx=EcbFx(), today=TODAY, prices=lambda conn, commit: prices
    )

    assert outcome.status == "error"
    error = outcome.error or ""
    assert error.startswith("no price for PREM on or before 2024-06-28: not covered (Polygon:")
    assert "answered HTTP 403 NOT_AUTHORIZED: You are not entitled to this data." in error
    assert error.endswith("not authorised: check the plan or the key (POLYGON_API_KEY))")
    assert [s for s in ("ACME", "BETA", "GAMA") if s in error] == []
    assert priced(database_url, outcome.pack_id) == ["ACME", "BETA", "GAMA"]
    assert clock.slept == [13]  # GAMA's Retry-After; four requests and a retry fit in 5/minute
    price = rows(
        database_url,
        "SELECT price, source FROM pack_prices WHERE pack_id = %s AND commodity = 'GAMA'",
        outcome.pack_id,
    )
    assert price == [{"price": Decimal("103.25"), "source": "Polygon"}]


TWENTY = [f"S{i:02d}" for i in range(1, 21)]


class RateLimitedPolygon:
    """Polygon's free tier: 5 requests in any minute of the injected clock, else a 429."""

    def __init__(self, clock: FakeClock, per_minute: int = 5) -> None:
        self.clock, self.per_minute = clock, per_minute
        self.served: list[tuple[float, int]] = []
        self._lock = threading.Lock()

    def __call__(self, target: str) -> Reply:
        with self._lock:
            now = self.clock()
            recent = [t for t, _ in self.served if now - 60 < t <= now]
            status = 429 if len(recent) >= self.per_minute else 200
            self.served.append((now, status))
        if status == 429:
            return (429, POLYGON_429, 0.0)
        _, _, _, _, symbol, _, _, _, start, end = urlsplit(target).path.split("/")
        days = weekdays(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        bars = [
            {
                "t": int(dt.datetime(d.year, d.month, d.day, tzinfo=NEW_YORK).timestamp() * 1000),
                "c": 100 + i,
            }
            for i, d in enumerate(days)
        ]
        body = {"ticker": symbol, "resultsCount": len(bars), "results": bars, "status": "OK"}
        return (200, json.dumps(body).encode(), 0.0)


def test_a_20_holding_backfill_under_5_requests_a_minute_waits_and_fails_no_day(
    db: Database, ledger_repo: LedgerRepo, fake_provider: FakeProvider
) -> None:
    ledger_repo.commit({"main.beancount": ledger(TWENTY)})
    sync_ledger(db, ledger_repo.path)
    create_portfolio(
        db, PortfolioSpec(id="p", owner_sub="alice", account_prefixes=["Assets:Broker"])
    )
    clock = FakeClock()
    server = RateLimitedPolygon(clock)
    fake_provider.answer("/v2/aggs/ticker/", server)
    pacing = clock.pacing(max_wait_seconds=None)  # as `dawsos pack backfill` does
    bucket = TokenBucket(
        "Polygon", parse_rate_limits("5/minute"), pacing, setting="POLYGON_RATE_LIMIT"
    )
    prices = PolygonPrices(HttpClient(retries=1, limiter=bucket), "k", base_url=fake_provider.url)
    out = io.StringIO()
    days = [dt.date(2024, 6, 26), dt.date(2024, 6, 27), FRI]

    result = backfill_packs(
        db,
        days,
        "ECB",
        fx=EcbFx(),
        today=TODAY,
        console=Console(file=out, width=160),
        prices=lambda conn, commit: prices,
        pacing=pacing,
    )

    assert result.counts == {"fresh": 3, "unchanged": 0, "error": 0}, result.failures
    assert [status for _, status in server.served] == [200] * 60  # never a 429
    assert clock.now - 1000 == 11 * 60  # 60 requests: 5 now, then 5 a minute for 11 minutes
    assert sum(clock.slept) == 11 * 60  # all of it waited on the injected clock
    assert "waited 660s for rate limits" in out.getvalue()
    assert pacing.on_wait is None  # the bar let go of the pacing
