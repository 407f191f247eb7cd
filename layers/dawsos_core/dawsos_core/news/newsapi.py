"""NewsAPI over HTTP (https://newsapi.org/docs/endpoints/everything):
``GET {base}/everything?q=&from=&to=&sortBy=publishedAt&language=en&apiKey=`` answers
``{"status": "ok", "articles": [{"source": {"name": ...}, "title": ..., "url": ...,
"publishedAt": "2024-06-28T14:05:00Z"}, ...]}``.

An article taken down is still listed as a placeholder, every field "[Removed]", its url
https://removed.com and its date 1970-01-01: those are dropped. A refusal
(https://newsapi.org/docs/errors) is an HTTP status with ``{"status": "error", "code":
"apiKeyInvalid", "message": "..."}``, which the HTTP helper keeps; the code says what to do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.macro_news import store_articles
from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.providers.http import HttpClient

SOURCE = "NewsAPI"
REMOVED = "[Removed]"
REMOVED_URL = "https://removed.com"

# NewsAPI's error codes -> (what to do, whether every other symbol would fail the same way).
ACTIONS: dict[str, tuple[str, bool]] = {
    "apiKeyInvalid": ("check NEWSAPI_API_KEY", True),
    "apiKeyMissing": ("set NEWSAPI_API_KEY or NEWSAPI_API_KEY_SECRET_ARN", True),
    "apiKeyDisabled": ("the key is disabled: enable it or set another NEWSAPI_API_KEY", True),
    "apiKeyExhausted": (
        "the key has no requests left: wait for its quota to renew or upgrade the plan",
        True,
    ),
    "rateLimited": (
        "back off: the plan's request allowance is used up; store fewer symbols, or retry"
        " after its window renews",
        True,
    ),
    "parameterInvalid": ("check the request NewsAPI refused (see its message)", False),
    "parametersMissing": ("check the request NewsAPI refused (see its message)", False),
    "sourcesTooMany": ("ask for fewer sources in one request", False),
    "sourceDoesNotExist": ("check the source ids asked for", False),
    "unexpectedError": ("NewsAPI failed on its side: retry later", False),
}


def article_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def is_removed(item: dict[str, Any]) -> bool:
    """NewsAPI's placeholder for an article taken down since it was indexed."""
    return item.get("title") == REMOVED or item.get("url") == REMOVED_URL


class NewsApiError(ProviderError):
    """NewsAPI refused a request about one symbol: the helper's fields (``http_status``,
    NewsAPI's own ``code`` as ``provider_code`` and ``message`` as ``provider_message``), and
    in ``details`` the symbol and what to do (``action``). ``whole_provider`` is true when
    every other symbol would be refused the same way (the key, the plan's allowance)."""

    def __init__(
        self, symbol: str, answer: ProviderError, *, action: str, whole_provider: bool
    ) -> None:
        if answer.http_status is None:
            what = answer.message
        else:
            said = answer.provider_message or "(no message)"
            what = f"HTTP {answer.http_status} {answer.provider_code or '(no code)'}: {said}"
        super().__init__(
            f"NewsAPI {symbol}: {what} -> {action}",
            **{**answer.answer_fields(), "provider": SOURCE, "whole_provider": whole_provider},
        )
        self.details = {"symbol": symbol, "action": action}


def refusal(symbol: str, answer: ProviderError) -> NewsApiError:
    """The helper's error of a request about ``symbol``, with what to do: NewsAPI's own code
    says it (https://newsapi.org/docs/errors), else the HTTP status."""
    status = answer.http_status
    code = answer.provider_code or ""
    if code in ACTIONS:
        action, whole = ACTIONS[code]
    elif status is None and answer.cause is ProviderCause.RATE_LIMITED:  # our own pacing
        action = (
            "NEWSAPI_RATE_LIMIT allows no more requests now: the rest wait for the next pack;"
            " raise it if the plan allows more (the Developer plan's is 100 a day)"
        )
        whole = True
    elif status is None:
        action, whole = "NewsAPI did not answer: retry later", False
    elif answer.cause is ProviderCause.MALFORMED:
        action, whole = "NewsAPI's answer is not in its documented shape: retry later", False
    elif status == 401:
        action, whole = ACTIONS["apiKeyInvalid"]
    elif status == 429:
        action, whole = ACTIONS["rateLimited"]
    elif status >= 500:
        action, whole = ACTIONS["unexpectedError"]
    else:
        action, whole = "check the request NewsAPI refused (its message says why)", False
    return NewsApiError(symbol, answer, action=action, whole_provider=whole)


@dataclass(frozen=True)
class Headlines:
    """The articles of one answer, and how many placeholders of removed ones were dropped."""

    articles: list[dict[str, Any]]
    removed: int


class NewsApiClient:
    def __init__(
        self, http: HttpClient, api_key: str | None, *, base_url: str = "https://newsapi.org/v2"
    ) -> None:
        if not api_key:
            raise ProviderError(
                "NewsAPI: no API key (set NEWSAPI_API_KEY or NEWSAPI_API_KEY_SECRET_ARN)"
            )
        self._http, self._key, self._url = http, api_key, base_url.rstrip("/")

    def headlines(self, symbol: str, start: dt.date, end: dt.date) -> Headlines:
        try:
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
                key_name="NEWSAPI_API_KEY",
            )
        except ProviderError as exc:
            raise refusal(symbol, exc) from exc
        if not isinstance(payload, dict) or payload.get("status") != "ok":
            raise _malformed(f"{symbol}: status is not 'ok'")
        found = []
        removed = 0
        for i, item in enumerate(payload.get("articles") or []):
            where = f"{symbol}.articles[{i}]"
            if not isinstance(item, dict):
                raise _malformed(where)
            if is_removed(item):
                removed += 1
                continue
            try:
                published = dt.datetime.fromisoformat(item["publishedAt"].replace("Z", "+00:00"))
                title, url = str(item["title"]), str(item["url"])
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise _malformed(where) from exc
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
        return Headlines(found, removed)


def _malformed(where: str) -> ProviderError:
    return ProviderError(
        f"NewsAPI: malformed payload: {where}", provider=SOURCE, cause=ProviderCause.MALFORMED
    )


@dataclass
class NewsReport:
    """What one run stored: new (article, symbol) rows, the placeholders dropped, each
    failing symbol with its error, and the symbols not asked once a failure stopped the
    feed."""

    stored: int = 0
    removed: int = 0
    failures: list[tuple[str, ProviderError]] = field(default_factory=list)
    not_fetched: list[str] = field(default_factory=list)


def fetch_and_store(
    db: Database, client: NewsApiClient, symbols: list[str], start: dt.date, end: dt.date
) -> int:
    """The new (article, symbol) rows stored; raises the first failure, once the symbols
    that did answer are stored."""
    report = fetch_and_report(db, client, symbols, start, end)
    if report.failures:
        raise report.failures[0][1]
    return report.stored


def fetch_and_report(
    db: Database, client: NewsApiClient, symbols: list[str], start: dt.date, end: dt.date
) -> NewsReport:
    """Each symbol's headlines, stored in a transaction of its own: an article found for
    two symbols is stored under both. A failing symbol is reported and the next one goes
    on, unless the failure would repeat for every symbol (the key, the plan's allowance)."""
    report = NewsReport()
    for n, symbol in enumerate(symbols):
        try:
            found = client.headlines(symbol, start, end)
        except ProviderError as exc:
            report.failures.append((symbol, exc))
            if exc.whole_provider:
                report.not_fetched = symbols[n + 1 :]
                break
            continue
        report.removed += found.removed
        with db.transaction() as conn:
            report.stored += store_articles(conn, found.articles)
    return report
