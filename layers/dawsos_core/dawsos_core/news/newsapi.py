"""NewsAPI over HTTP: ``GET {base}/everything?q=&from=&to=&sortBy=publishedAt&apiKey=``
answers ``{"status": "ok", "articles": [{"source": {"name": ...}, "title": ...,
"url": ..., "publishedAt": "2024-06-28T14:05:00Z"}, ...]}``."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.macro_news import store_articles
from dawsos_core.errors import ProviderError
from dawsos_core.providers.http import HttpClient

SOURCE = "NewsAPI"


def article_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


class NewsApiClient:
    def __init__(
        self, http: HttpClient, api_key: str | None, *, base_url: str = "https://newsapi.org/v2"
    ) -> None:
        if not api_key:
            raise ProviderError(
                "NewsAPI: no API key (set NEWSAPI_API_KEY or NEWSAPI_API_KEY_SECRET_ARN)"
            )
        self._http, self._key, self._url = http, api_key, base_url.rstrip("/")

    def headlines(self, symbol: str, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
        payload = self._http.get_json(
            SOURCE,
            f"{self._url}/everything",
            {
                "q": symbol,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "sortBy": "publishedAt",
                "language": "en",
                "apiKey": self._key,
            },
        )
        if not isinstance(payload, dict) or payload.get("status") != "ok":
            status = payload.get("status") if isinstance(payload, dict) else None
            raise ProviderError(f"NewsAPI: {symbol} answered status {status!r}")
        found = []
        for i, item in enumerate(payload.get("articles") or []):
            field = f"{symbol}.articles[{i}]"
            try:
                published = dt.datetime.fromisoformat(item["publishedAt"].replace("Z", "+00:00"))
                title, url = str(item["title"]), str(item["url"])
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ProviderError(f"NewsAPI: malformed payload: {field}") from exc
            outlet = ((item.get("source") or {}).get("name")) or ""
            found.append(
                {
                    "id": article_id(url),
                    "symbol": symbol,
                    "published_at": published,
                    "title": title,
                    "url": url,
                    "outlet": str(outlet),
                    "provider": SOURCE,
                    "demo": False,
                }
            )
        return found


def fetch_and_store(
    db: Database, client: NewsApiClient, symbols: list[str], start: dt.date, end: dt.date
) -> int:
    added = 0
    for symbol in symbols:
        found = client.headlines(symbol, start, end)
        with db.transaction() as conn:
            added += store_articles(conn, found)
    return added
