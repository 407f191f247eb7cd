"""Financial Modeling Prep company profiles over HTTP.

Stable API (the default): ``GET {host}/stable/profile?symbol=&apikey=``, one symbol a
request, answers a list of one ``{"symbol", "companyName", "currency", "sector",
"industry", "marketCap", "beta", "lastDividend", ...}`` (``[]`` for an unknown symbol).
The v3 API (``api="v3"``, only keys issued before 2025-08-31 reach it):
``GET {host}/api/v3/profile/{SYM1,SYM2}?apikey=`` answers a list of the same with
``mktCap`` and ``lastDiv`` for the market capitalisation and the last dividend.

Every field stored is required in the answer: a profile without one of them is refused
naming the field, never stored with it empty (a field the provider sends as ``null``, such
as an ETF's beta, is stored as null: the provider said so). Each symbol is answered on its
own: ``fetch_and_store`` stores the profiles that came and then names each symbol that got
none, with the provider's reason.

Profiles are stored as of the day they were fetched, so an answer reads the profile known
at its pack date and a later fetch never changes an answer already given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.fundamentals import store_profiles
from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.pricing.providers.market_data import (
    FMP_HOST,
    FMP_KEY,
    FmpApi,
    fmp_error_body,
    fmp_refusal,
    legacy_hint,
)
from dawsos_core.providers.http import HttpClient

SOURCE = "FMP"
# stored column -> the answer's field, by API
TEXT_FIELDS = {"company_name": "companyName", "sector": "sector", "industry": "industry",
               "currency": "currency"}  # fmt: skip
NUMBER_FIELDS = {
    "stable": {"market_cap": "marketCap", "beta": "beta", "last_dividend": "lastDividend"},
    "v3": {"market_cap": "mktCap", "beta": "beta", "last_dividend": "lastDiv"},
}


def _malformed(field: str, detail: str) -> ProviderError:
    return ProviderError(
        f"FMP: malformed payload: {field}{detail}", provider=SOURCE, cause=ProviderCause.MALFORMED
    )


def _number(item: dict[str, Any], key: str, field: str) -> Decimal | None:
    if key not in item:
        raise _malformed(f"{field}.{key}", " is missing")
    value = item[key]
    if value is None or value == "":
        return None  # the provider says it has no value
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise _malformed(f"{field}.{key}", f" = {value!r}") from exc
    if isinstance(value, bool) or not number.is_finite():
        raise _malformed(f"{field}.{key}", f" = {value!r}")
    return number


def _text(item: dict[str, Any], key: str, field: str) -> str:
    if key not in item:
        raise _malformed(f"{field}.{key}", " is missing")
    value = item[key]
    if value is not None and not isinstance(value, str):
        raise _malformed(f"{field}.{key}", f" = {value!r}")
    return value or ""


def read_profile(item: Any, field: str, as_of: dt.date, api: FmpApi) -> dict[str, Any]:
    """One stored profile from one answer's item; a missing field is named."""
    if not isinstance(item, dict) or not isinstance(item.get("symbol"), str):
        raise _malformed(f"{field}.symbol", " is missing")
    return {
        "symbol": item["symbol"],
        "as_of": as_of,
        "provider": SOURCE,
        **{column: _text(item, key, field) for column, key in TEXT_FIELDS.items()},
        **{column: _number(item, key, field) for column, key in NUMBER_FIELDS[api].items()},
        "demo": False,
    }


class FmpFundamentals:
    def __init__(
        self,
        http: HttpClient,
        api_key: str | None,
        *,
        base_url: str = FMP_HOST,
        api: FmpApi = "stable",
    ) -> None:
        if not api_key:
            raise ProviderError("FMP: no API key (set FMP_API_KEY or FMP_API_KEY_SECRET_ARN)")
        self._http, self._key, self._url = http, api_key, base_url.rstrip("/")
        self._api = api

    def answers(
        self, symbols: list[str], as_of: dt.date
    ) -> tuple[list[dict[str, Any]], dict[str, ProviderError]]:
        """The profiles found, and for each symbol refused or failed, its error. A symbol
        the provider does not know is in neither."""
        if not symbols:
            return [], {}
        if self._api == "v3":
            url = f"{self._url}/api/v3/profile/{','.join(symbols)}"
            try:
                return self._read(self._get(url, {"apikey": self._key}), "profile", as_of), {}
            except ProviderError as exc:
                return [], dict.fromkeys(symbols, exc)
        found: list[dict[str, Any]] = []
        failed: dict[str, ProviderError] = {}
        refused_all: ProviderError | None = None
        url = f"{self._url}/stable/profile"
        for symbol in symbols:
            if refused_all is not None:
                failed[symbol] = refused_all  # not asked: the key or endpoint is refused
                continue
            try:
                payload = self._get(url, {"symbol": symbol, "apikey": self._key})
                found += self._read(payload, f"profile[{symbol}]", as_of)
            except ProviderError as exc:
                failed[symbol] = exc
                refused_all = exc if exc.whole_provider else None
        return found, failed

    def profiles(self, symbols: list[str], as_of: dt.date) -> list[dict[str, Any]]:
        """The profiles of ``symbols``; a ``ProviderError`` if any was refused or failed."""
        found, failed = self.answers(symbols, as_of)
        if failed:
            raise _refused(failed)
        return found

    def _get(self, url: str, params: dict[str, str]) -> Any:
        try:
            payload = self._http.get_json(SOURCE, url, params, key_name=FMP_KEY)
        except ProviderError as exc:
            raise legacy_hint(exc) from exc
        if fmp_error_body(payload):
            raise fmp_refusal(url, 200, payload, params)
        return payload

    def _read(self, payload: Any, where: str, as_of: dt.date) -> list[dict[str, Any]]:
        if not isinstance(payload, list):
            raise _malformed(where, ": expected a list of profiles")
        if self._api == "v3":
            return [
                read_profile(item, f"profile[{i}]", as_of, "v3") for i, item in enumerate(payload)
            ]
        return [read_profile(item, where, as_of, "stable") for item in payload]


def _refused(failed: dict[str, ProviderError]) -> ProviderError:
    named = "; ".join(f"{symbol}: {exc.message}" for symbol, exc in failed.items())
    first = next(iter(failed.values()))
    return ProviderError(
        f"FMP: no profile of {', '.join(failed)}: {named}",
        provider=SOURCE,
        cause=first.cause,
        http_status=first.http_status,
        provider_code=first.provider_code,
        provider_message=first.provider_message,
        url=first.url,
        whole_provider=first.whole_provider,
    )


def fetch_and_store(
    db: Database, client: FmpFundamentals, symbols: list[str], as_of: dt.date
) -> int:
    """Profiles of ``symbols`` stored as of ``as_of``; the number of new rows. The profiles
    that came are stored even when others were refused; then a ``ProviderError`` names
    each symbol without one and why."""
    found, failed = client.answers(symbols, as_of)
    with db.transaction() as conn:
        stored = store_profiles(conn, found) if found else 0
    if failed:
        raise _refused(failed)
    return stored
