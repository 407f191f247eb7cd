"""Daily closing prices from HTTP market-data providers: Financial Modeling Prep and
Polygon (now also sold as Massive). Both answer the latest close on or before the date
within a look-back window, one request per symbol, and answer each symbol on its own: a
price; nothing (no close in the window: the pack then names it); or ``NoObservation``,
not covered (unknown to the provider, or beyond the plan or the key, with the provider's
own reason and what to do) or failed (a timeout, an outage, a rate limit that did not
clear, a malformed answer naming the field). A refusal of the key or the endpoint itself
(HTTP 401, FMP's "Legacy Endpoint") is given to every symbol not asked yet, without
asking. Only fetching and reading one symbol's closes differs between them.

FMP's stable API is the default; its v3 API (``FMP_API=v3``) answers only keys issued
before 2025-08-31 and exists for those."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.pricing.providers import NoObservation, PriceAnswer, PriceObservation
from dawsos_core.providers.http import HttpClient, answer_error

LOOKBACK_DAYS = 7
NEW_YORK = ZoneInfo("America/New_York")
FMP_HOST = "https://financialmodelingprep.com"
FMP_KEY = "FMP_API_KEY"
LEGACY_NOTE = (
    "FMP's v3 API answers only keys issued before 2025-08-31: set FMP_API=stable"
    " (the default) for a newer key"
)
FmpApi = Literal["stable", "v3"]


def _malformed(provider: str, field: str, detail: str = "") -> ProviderError:
    return ProviderError(
        f"{provider}: malformed payload: {field}{detail}",
        provider=provider,
        cause=ProviderCause.MALFORMED,
    )


def _decimal(value: Any, provider: str, field: str) -> Decimal:
    if value is None:
        raise _malformed(provider, field, " is missing")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _malformed(provider, field) from exc
    if isinstance(value, bool) or not number.is_finite() or number <= 0:
        raise _malformed(provider, field, f" = {value}")
    return number


def _date(value: Any, provider: str, field: str) -> dt.date:
    if not isinstance(value, str):
        raise _malformed(provider, field, " is missing" if value is None else f" = {value}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise _malformed(provider, field, f" = {value}") from exc


def fmp_error_body(payload: Any) -> bool:
    """FMP answers some refusals with HTTP 200 and ``{"Error Message": ...}``."""
    return isinstance(payload, dict) and "Error Message" in payload


def fmp_refusal(url: str, status: int, payload: Any, params: dict[str, str]) -> ProviderError:
    """The error of an FMP refusal, with FMP-specific advice where its text says more."""
    text = str(payload.get("Error Message", "")) if isinstance(payload, dict) else ""
    cause = None
    if "Limit Reach" in text:
        cause = ProviderCause.RATE_LIMITED
    elif "Invalid API KEY" in text or "subscription" in text or "Endpoint" in text:
        cause = ProviderCause.NOT_AUTHORISED
    error = answer_error("FMP", url, status, payload, params=params, cause=cause, key_name=FMP_KEY)
    return legacy_hint(error)


def legacy_hint(error: ProviderError) -> ProviderError:
    """A "Legacy Endpoint" refusal is of every symbol and says which setting to change."""
    if error.provider_message and "Legacy Endpoint" in error.provider_message:
        return error.amended(LEGACY_NOTE, whole_provider=True)
    if error.provider_message and "Invalid API KEY" in error.provider_message:
        return error.amended("every request with this key fails", whole_provider=True)
    return error


class DailyCloses:
    """The shared part: look back a week, keep the latest close on or before the date, and
    answer each symbol on its own."""

    source = ""
    key_names = ""
    default_url = ""

    def __init__(
        self,
        http: HttpClient,
        api_key: str | None,
        *,
        base_url: str | None = None,
        currency: str = "USD",
    ) -> None:
        if not api_key:
            raise ProviderError(f"{self.source}: no API key (set {self.key_names})")
        self._http, self._key, self._currency = http, api_key, currency
        self._url = (base_url or self.default_url).rstrip("/")

    def closes(self, symbol: str, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
        raise NotImplementedError

    def prices(self, commodities: list[str], on: dt.date) -> dict[str, PriceAnswer]:
        found: dict[str, PriceAnswer] = {}
        refused_all: ProviderError | None = None
        for symbol in commodities:
            if refused_all is not None:
                found[symbol] = NoObservation.of(refused_all, asked=False)
                continue
            try:
                closes = self.closes(symbol, on - dt.timedelta(days=LOOKBACK_DAYS), on)
            except ProviderError as exc:
                found[symbol] = NoObservation.of(exc)
                refused_all = exc if exc.whole_provider else None
                continue
            days = [d for d in closes if d <= on]
            if days:
                day = max(days)
                found[symbol] = PriceObservation(closes[day], day, self.source, self._currency)
        return found


class FmpPrices(DailyCloses):
    """Stable: ``GET {host}/stable/historical-price-eod/full?symbol=&from=&to=&apikey=``
    answers a flat list ``[{"symbol", "date": "2024-06-28", "open", "high", "low",
    "close": 215.01, "volume", ...}, ...]``, newest first, ``[]`` for an unknown symbol.

    v3 (legacy keys): ``GET {host}/api/v3/historical-price-full/{symbol}?from=&to=&apikey=``
    answers ``{"symbol": ..., "historical": [{"date", "close", ...}, ...]}``, ``{}`` for an
    unknown symbol."""

    source = "FMP"
    key_names = "FMP_API_KEY or FMP_API_KEY_SECRET_ARN"
    default_url = FMP_HOST

    def __init__(
        self,
        http: HttpClient,
        api_key: str | None,
        *,
        base_url: str | None = None,
        currency: str = "USD",
        api: FmpApi = "stable",
    ) -> None:
        super().__init__(http, api_key, base_url=base_url, currency=currency)
        self._api = api

    def closes(self, symbol: str, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
        dates = {"from": start.isoformat(), "to": end.isoformat(), "apikey": self._key}
        if self._api == "v3":
            url, params = f"{self._url}/api/v3/historical-price-full/{symbol}", dates
        else:
            url = f"{self._url}/stable/historical-price-eod/full"
            params = {"symbol": symbol, **dates}
        try:
            payload = self._http.get_json(self.source, url, params, key_name=FMP_KEY)
        except ProviderError as exc:
            raise legacy_hint(exc) from exc
        if fmp_error_body(payload):
            raise fmp_refusal(url, 200, payload, params)
        if payload == {} or payload == []:
            return {}  # FMP knows no such symbol, or it has no close in the window
        if self._api == "v3":
            if not isinstance(payload, dict) or not isinstance(payload.get("historical"), list):
                raise _malformed("FMP", f"{symbol}: no 'historical' list")
            rows, where = payload["historical"], f"{symbol}.historical"
        else:
            if not isinstance(payload, list):
                raise _malformed("FMP", f"{symbol}: expected a list of daily rows")
            rows, where = payload, symbol
        closes: dict[dt.date, Decimal] = {}
        for i, row in enumerate(rows):
            field = f"{where}[{i}]"
            if not isinstance(row, dict):
                raise _malformed("FMP", field)
            if self._api == "stable" and row.get("symbol", symbol) != symbol:
                raise _malformed("FMP", f"{field}.symbol", f" = {row.get('symbol')}")
            day = _date(row.get("date"), "FMP", f"{field}.date")
            closes[day] = _decimal(row.get("close"), "FMP", f"{field}.close")
        return closes


class PolygonPrices(DailyCloses):
    """``GET /v2/aggs/ticker/{T}/range/1/day/{from}/{to}?adjusted=true&apiKey=`` answers
    ``{"status": "OK", "results": [{"t": <ms, start of the New York day>, "c": close}]}``;
    an unknown ticker answers ``"resultsCount": 0`` and no results. Refusals come with
    their HTTP status: 401 ``{"status": "ERROR", "error": "Unknown API Key"}``, 403
    ``{"status": "NOT_AUTHORIZED", "message": "You are not entitled to this data..."}``,
    429 ``{"status": "ERROR", "error": "You've exceeded the maximum requests per
    minute..."}``."""

    source = "Polygon"
    key_names = "POLYGON_API_KEY or POLYGON_API_KEY_SECRET_ARN"
    default_url = "https://api.massive.com"  # Polygon.io, renamed Massive in 2026

    def closes(self, symbol: str, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
        url = f"{self._url}/v2/aggs/ticker/{symbol}/range/1/day/{start}/{end}"
        params = {"adjusted": "true", "sort": "asc", "apiKey": self._key}
        payload = self._http.get_json(self.source, url, params, key_name="POLYGON_API_KEY")
        if not isinstance(payload, dict) or payload.get("status") not in ("OK", "DELAYED"):
            # an error status in a 200: refused all the same
            raise answer_error(
                self.source,
                url,
                200,
                payload,
                params=params,
                cause=ProviderCause.NOT_AUTHORISED
                if isinstance(payload, dict) and payload.get("status") == "NOT_AUTHORIZED"
                else ProviderCause.MALFORMED,
                key_name="POLYGON_API_KEY",
            )
        closes: dict[dt.date, Decimal] = {}
        for i, bar in enumerate(payload.get("results") or []):
            field = f"{symbol}.results[{i}]"
            try:
                day = dt.datetime.fromtimestamp(bar["t"] / 1000, NEW_YORK).date()
            except (KeyError, TypeError, ValueError, OverflowError) as exc:
                raise _malformed("Polygon", f"{field}.t") from exc
            closes[day] = _decimal(bar.get("c"), "Polygon", f"{field}.c")
        return closes
