"""Financial Modeling Prep company profiles over HTTP:
``GET {base}/profile/{SYM1,SYM2}?apikey=`` answers a list of
``{"symbol", "companyName", "currency", "sector", "industry", "mktCap", "beta", "lastDiv", ...}``.

Profiles are stored as of the day they were fetched, so an answer reads the profile known
at its pack date and a later fetch never changes an answer already given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.fundamentals import store_profiles
from dawsos_core.errors import ProviderError
from dawsos_core.providers.http import HttpClient

SOURCE = "FMP"


def _number(item: dict[str, Any], key: str, field: str) -> Decimal | None:
    value = item.get(key)
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ProviderError(f"FMP: malformed payload: {field}.{key}") from exc


class FmpFundamentals:
    def __init__(
        self,
        http: HttpClient,
        api_key: str | None,
        *,
        base_url: str = "https://financialmodelingprep.com/api/v3",
    ) -> None:
        if not api_key:
            raise ProviderError("FMP: no API key (set FMP_API_KEY or FMP_API_KEY_SECRET_ARN)")
        self._http, self._key, self._url = http, api_key, base_url.rstrip("/")

    def profiles(self, symbols: list[str], as_of: dt.date) -> list[dict[str, Any]]:
        if not symbols:
            return []
        payload = self._http.get_json(
            SOURCE, f"{self._url}/profile/{','.join(symbols)}", {"apikey": self._key}
        )
        if not isinstance(payload, list):
            raise ProviderError("FMP: malformed payload: expected a list of profiles")
        found = []
        for i, item in enumerate(payload):
            field = f"profile[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("symbol"), str):
                raise ProviderError(f"FMP: malformed payload: {field}.symbol")
            found.append(
                {
                    "symbol": item["symbol"],
                    "as_of": as_of,
                    "provider": SOURCE,
                    "company_name": str(item.get("companyName") or ""),
                    "sector": str(item.get("sector") or ""),
                    "industry": str(item.get("industry") or ""),
                    "currency": str(item.get("currency") or ""),
                    "market_cap": _number(item, "mktCap", field),
                    "beta": _number(item, "beta", field),
                    "last_dividend": _number(item, "lastDiv", field),
                    "demo": False,
                }
            )
        return found


def fetch_and_store(
    db: Database, client: FmpFundamentals, symbols: list[str], as_of: dt.date
) -> int:
    """Profiles of ``symbols`` stored as of ``as_of``; the number of new rows."""
    found = client.profiles(symbols, as_of)
    with db.transaction() as conn:
        return store_profiles(conn, found)
