"""Attribution text of each data source, listed on every answer that used it.

A first table; the rights registry (view, export and watermark rules per environment)
replaces it.
"""

from __future__ import annotations

ATTRIBUTION_TEXT: dict[str, str] = {
    "Internal": "Portfolio data from the user's Beancount ledger of record",
    "ECB": "Foreign exchange reference rates: European Central Bank",
    "Bank of Canada": "Exchange rates: Bank of Canada",
    "WM/Reuters": "WM/Reuters closing spot rates, licensed",
    "FMP": "Market data provided by Financial Modeling Prep",
    "Polygon": "Market data provided by Polygon.io",
    "FRED": "Federal Reserve Economic Data (FRED), Federal Reserve Bank of St. Louis",
    "NewsAPI": "News headlines powered by NewsAPI.org",
}


def attributions_for(sources: set[str]) -> list[dict[str, str]]:
    return [{"source": s, "text": ATTRIBUTION_TEXT.get(s, f"Data: {s}")} for s in sorted(sources)]
