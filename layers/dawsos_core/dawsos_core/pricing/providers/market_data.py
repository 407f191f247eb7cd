"""Daily closing prices from HTTP market-data providers: Financial Modeling Prep and
Polygon. Both answer the latest close on or before the date within a look-back window;
a symbol they do not know is absent (the pack then names it), a malformed answer is a
``ProviderError`` naming the field. Only fetching and reading one symbol's closes differs
between them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from dawsos_core.errors import ProviderError
from dawsos_core.pricing.providers import PriceObservation
from dawsos_core.providers.http import HttpClient

LOOKBACK_DAYS = 7
NEW_YORK = ZoneInfo("America/New_York")


def _decimal(value: Any, provider: str, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ProviderError(f"{provider}: malformed payload: {field}") from exc
    if not number.is_finite() or number <= 0:
        raise ProviderError(f"{provider}: malformed payload: {field} = {value}")
    return number


class DailyCloses:
    """The shared part: look back a week and keep the latest close on or before the date."""

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
        self._url = base_url or self.default_url

    def closes(self, symbol: str, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
        raise NotImplementedError

    def prices(self, commodities: list[str], on: dt.date) -> dict[str, PriceObservation]:
        found: dict[str, PriceObservation] = {}
        for symbol in commodities:
            closes = self.closes(symbol, on - dt.timedelta(days=LOOKBACK_DAYS), on)
            days = [d for d in closes if d <= on]
            if days:
                day = max(days)
                found[symbol] = PriceObservation(closes[day], day, self.source, self._currency)
        return found


class FmpPrices(DailyCloses):
    """``GET /api/v3/historical-price-full/{symbol}?from=&to=&apikey=`` answers
    ``{"symbol": ..., "historical": [{"date": "2024-06-28", "close": 215.01}, ...]}``."""

    source = "FMP"
    key_names = "FMP_API_KEY or FMP_API_KEY_SECRET_ARN"
    default_url = "https://financialmodelingprep.com/api/v3"

    def closes(self, symbol: str, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
        payload = self._http.get_json(
            self.source,
            f"{self._url}/historical-price-full/{symbol}",
            {"from": start.isoformat(), "to": end.isoformat(), "apikey": self._key},
        )
        if payload == {} or payload == []:
            return {}  # FMP answers an empty object for an unknown symbol
        if not isinstance(payload, dict) or not isinstance(payload.get("historical"), list):
            raise ProviderError(f"FMP: malformed payload for {symbol}: no 'historical' list")
        closes: dict[dt.date, Decimal] = {}
        for i, row in enumerate(payload["historical"]):
            field = f"{symbol}.historical[{i}]"
            try:
                day = dt.date.fromisoformat(row["date"][:10])
            except (KeyError, TypeError, ValueError) as exc:
                raise ProviderError(f"FMP: malformed payload: {field}.date") from exc
            closes[day] = _decimal(row.get("close"), "FMP", f"{field}.close")
        return closes


class PolygonPrices(DailyCloses):
    """``GET /v2/aggs/ticker/{T}/range/1/day/{from}/{to}?adjusted=true&apiKey=`` answers
    ``{"status": "OK", "results": [{"t": <ms, start of the New York day>, "c": close}]}``."""

    source = "Polygon"
    key_names = "POLYGON_API_KEY or POLYGON_API_KEY_SECRET_ARN"
    default_url = "https://api.polygon.io"

    def closes(self, symbol: str, start: dt.date, end: dt.date) -> dict[dt.date, Decimal]:
        payload = self._http.get_json(
            self.source,
            f"{self._url}/v2/aggs/ticker/{symbol}/range/1/day/{start}/{end}",
            {"adjusted": "true", "sort": "asc", "apiKey": self._key},
        )
        if not isinstance(payload, dict) or payload.get("status") not in ("OK", "DELAYED"):
            status = payload.get("status") if isinstance(payload, dict) else None
            raise ProviderError(f"Polygon: {symbol} answered status {status!r}")
        closes: dict[dt.date, Decimal] = {}
        for i, bar in enumerate(payload.get("results") or []):
            field = f"{symbol}.results[{i}]"
            try:
                day = dt.datetime.fromtimestamp(bar["t"] / 1000, NEW_YORK).date()
            except (KeyError, TypeError, ValueError, OverflowError) as exc:
                raise ProviderError(f"Polygon: malformed payload: {field}.t") from exc
            closes[day] = _decimal(bar.get("c"), "Polygon", f"{field}.c")
        return closes
