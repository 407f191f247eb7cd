"""Provider feeds stored after each pack, for the agents to read as of a pack date: FRED
series (``MACRO_SERIES``), and FMP company profiles and NewsAPI headlines of the pack's
priced commodities, each when its key is configured.

A provider failure is reported in the job's result and never fails the pack: answers do
not depend on these feeds for their figures. Each feed reports ``stored``, ``skipped`` (not
configured) or ``error``; FRED and NewsAPI also list ``errors`` (one per series or symbol,
each with the provider's own ``provider_code`` and ``provider_message`` and the ``action``
to take), ``not_fetched`` (what a key or rate-limit failure left unasked) and
``warnings`` (a FRED series that stored nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.packs import pack_commodities
from dawsos_core.errors import DawsosError, ProviderError
from dawsos_core.providers.credentials import provider_key
from dawsos_core.providers.http import advice
from dawsos_core.providers.paced import paced_client
from dawsos_core.settings import Settings

if TYPE_CHECKING:
    from dawsos_core.macro.fred import MacroReport
    from dawsos_core.news.newsapi import NewsReport

NEWS_DAYS = 7


def problem(exc: DawsosError) -> dict[str, Any]:
    """An error as the job reports it: its message and, for a provider's answer, the HTTP
    status, the provider's own code and message, and what to do (``action``)."""
    found: dict[str, Any] = {"error": exc.message}
    if isinstance(exc, ProviderError):
        if exc.http_status is not None:
            found["http_status"] = exc.http_status
        if exc.provider_code is not None:
            found["provider_code"] = exc.provider_code
        if exc.provider_message is not None:
            found["provider_message"] = exc.provider_message
        found["action"] = advice(exc.cause, status=exc.http_status)
    return {**found, **exc.details}


def _reported(step: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return step()
    except DawsosError as exc:
        return problem(exc)


def _failures(key: str, report: MacroReport | NewsReport) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if report.failures:
        found["errors"] = [{key: subject, **problem(exc)} for subject, exc in report.failures]
    if report.not_fetched:
        found["not_fetched"] = report.not_fetched
    return found


def store_macro(db: Database, settings: Settings, on: dt.date) -> dict[str, Any]:
    series = [s.strip() for s in settings.macro_series.split(",") if s.strip()]
    if not series:
        return {"skipped": "no MACRO_SERIES configured"}
    from dawsos_core.macro.fred import FredClient, fetch_and_store

    key = provider_key(settings.fred_api_key, settings.fred_api_key_secret_arn)
    http = paced_client(settings, "FRED", "FRED_RATE_LIMIT", settings.fred_rate_limit)
    client = FredClient(http, key, base_url=settings.fred_url)
    report = fetch_and_store(db, client, series, on)
    warnings = {"warnings": report.warnings} if report.warnings else {}
    return {"stored": report.stored, **_failures("series", report), **warnings}


def store_fundamentals(
    db: Database, settings: Settings, symbols: list[str], on: dt.date
) -> dict[str, Any]:
    key = provider_key(settings.fmp_api_key, settings.fmp_api_key_secret_arn)
    if not key:
        return {"skipped": "no FMP key configured"}
    from dawsos_core.fundamentals.fmp import FmpFundamentals, fetch_and_store
    from dawsos_core.pricing.sources import fmp_http

    client = FmpFundamentals(
        fmp_http(settings), key, base_url=settings.fmp_url, api=settings.fmp_api
    )
    return {"stored": fetch_and_store(db, client, symbols, on)}


def store_news(db: Database, settings: Settings, symbols: list[str], on: dt.date) -> dict[str, Any]:
    key = provider_key(settings.newsapi_api_key, settings.newsapi_api_key_secret_arn)
    if not key:
        return {"skipped": "no NewsAPI key configured"}
    from dawsos_core.news.newsapi import NewsApiClient, fetch_and_report

    http = paced_client(settings, "NewsAPI", "NEWSAPI_RATE_LIMIT", settings.newsapi_rate_limit)
    client = NewsApiClient(http, key, base_url=settings.newsapi_url)
    start = on - dt.timedelta(days=NEWS_DAYS)
    report = fetch_and_report(db, client, symbols, start, on)
    removed = {"removed": report.removed} if report.removed else {}
    return {"stored": report.stored, **removed, **_failures("symbol", report)}


def store_feeds(
    db: Database, settings: Settings, pack_id: str | None, on: dt.date
) -> dict[str, dict[str, Any]]:
    """Each feed's outcome: ``stored``, ``skipped`` (not configured) or ``error``."""
    symbols: list[str] = []
    if pack_id is not None:
        with db.session() as conn:
            symbols = pack_commodities(conn, pack_id)
    return {
        "macro": _reported(lambda: store_macro(db, settings, on)),
        "fundamentals": _reported(lambda: store_fundamentals(db, settings, symbols, on)),
        "news": _reported(lambda: store_news(db, settings, symbols, on)),
    }


def report_lines(report: dict[str, dict[str, Any]]) -> list[str]:
    """The feeds' outcome as lines a person reads: what each feed stored or why it was
    skipped, then every error (the provider's code and message, and what to do) and warning,
    one a line."""
    lines: list[str] = []
    for feed, outcome in report.items():
        if "skipped" in outcome:
            lines.append(f"{feed}: skipped ({outcome['skipped']})")
        elif "stored" in outcome:
            stored = outcome["stored"]
            shown = (
                ", ".join(f"{k} {v}" for k, v in stored.items()) or "nothing"
                if isinstance(stored, dict)
                else str(stored)
            )
            removed = (
                f" ({outcome['removed']} removed placeholders dropped)"
                if outcome.get("removed")
                else ""
            )
            lines.append(f"{feed}: stored {shown}{removed}")
        if "error" in outcome:
            lines.append(f"{feed}: error: {outcome['error']}")
        lines.extend(f"{feed}: error: {e['error']}" for e in outcome.get("errors", []))
        if outcome.get("not_fetched"):
            lines.append(f"{feed}: not fetched: {', '.join(outcome['not_fetched'])}")
        lines.extend(f"{feed}: warning: {w}" for w in outcome.get("warnings", []))
    return lines


def has_errors(report: dict[str, dict[str, Any]]) -> bool:
    return any("error" in o or o.get("errors") for o in report.values())
