"""Synthetic, clearly labelled macro series, headlines and company profiles for the demo.

The demo has no network and no provider keys, so it stores data in the providers' shape,
every row flagged ``demo``, every headline titled and every company named "[demo] ...".
Real data comes from the providers' ``fetch_and_store`` with keys (the pack builder stores
FRED series, FMP profiles and NewsAPI headlines after each pack).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.fundamentals import store_profiles
from dawsos_core.db.repositories.macro_news import store_articles, store_observations
from dawsos_core.news.newsapi import article_id

SERIES = {
    "DGS10": (Decimal("4.20"), Decimal("0.03")),
    "DEXCAUS": (Decimal("1.3600"), Decimal("0.004")),
    "CPIAUCSL": (Decimal("320.0"), Decimal("0.4")),
}
SECTORS = ["Technology", "Health Care", "Financials", "Materials", "Broad market"]
EVENTS = [
    "beats estimates",
    "fund flows rise",
    "sector rotation weighs",
    "analyst upgrade",
    "volatility picks up",
    "dividend announced",
]


def seed(db: Database, symbols: list[str], start: dt.date, end: dt.date) -> tuple[int, int, int]:
    rng = random.Random(7)  # noqa: S311 (synthetic demo data, not a secret)
    observations = 0
    with db.transaction() as conn:
        for series_id, (level, step) in SERIES.items():
            rows = []
            value = level
            for day in weekdays(start, end):
                if series_id == "CPIAUCSL" and day.day > 3:
                    continue  # monthly series: one observation near the start of a month
                value += step * Decimal(rng.choice([-2, -1, 0, 1, 2]))
                rows.append((day, value))
            observations += store_observations(conn, series_id, "FRED", rows, demo=True)
        items = []
        for day in weekdays(start, end):
            for symbol in symbols:
                if rng.random() < 0.3:
                    url = f"https://news.example/demo/{symbol.lower()}/{day.isoformat()}"
                    items.append(
                        {
                            "id": article_id(url),
                            "symbol": symbol,
                            "published_at": dt.datetime.combine(day, dt.time(14, 0), dt.UTC),
                            "title": f"[demo] {symbol} {rng.choice(EVENTS)}",
                            "url": url,
                            "outlet": "Demo Wire",
                            "provider": "NewsAPI",
                            "demo": True,
                        }
                    )
        headlines = store_articles(conn, items)
        profiles = store_profiles(
            conn,
            [
                {
                    "symbol": symbol,
                    "as_of": start,
                    "provider": "FMP",
                    "company_name": f"[demo] {symbol} Holdings",
                    "sector": rng.choice(SECTORS),
                    "industry": "",
                    "currency": "USD",
                    "market_cap": Decimal(rng.randrange(2, 900)) * Decimal("1e9"),
                    "beta": Decimal(rng.randrange(60, 140)) / 100,
                    "last_dividend": Decimal(rng.randrange(0, 400)) / 100,
                    "demo": True,
                }
                for symbol in symbols
            ],
        )
    return observations, headlines, profiles
