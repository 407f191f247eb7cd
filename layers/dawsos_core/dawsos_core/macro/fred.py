"""FRED over HTTP: ``GET {base}/series/observations?series_id=&observation_start=&
observation_end=&file_type=json&api_key=`` answers ``{"observations": [{"date":
"2024-06-28", "value": "4.36"}, ...]}``; "." marks a day without a value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.macro_news import store_observations
from dawsos_core.errors import ProviderError
from dawsos_core.providers.http import HttpClient

SOURCE = "FRED"


class FredClient:
    def __init__(
        self,
        http: HttpClient,
        api_key: str | None,
        *,
        base_url: str = "https://api.stlouisfed.org/fred",
    ) -> None:
        if not api_key:
            raise ProviderError("FRED: no API key (set FRED_API_KEY or FRED_API_KEY_SECRET_ARN)")
        self._http, self._key, self._url = http, api_key, base_url.rstrip("/")

    def observations(
        self, series_id: str, start: dt.date, end: dt.date
    ) -> list[tuple[dt.date, Decimal]]:
        payload = self._http.get_json(
            SOURCE,
            f"{self._url}/series/observations",
            {
                "series_id": series_id,
                "observation_start": start.isoformat(),
                "observation_end": end.isoformat(),
                "file_type": "json",
                "api_key": self._key,
            },
        )
        if not isinstance(payload, dict) or not isinstance(payload.get("observations"), list):
            raise ProviderError(f"FRED: malformed payload for {series_id}: no 'observations'")
        found: list[tuple[dt.date, Decimal]] = []
        for i, row in enumerate(payload["observations"]):
            field = f"{series_id}.observations[{i}]"
            try:
                day = dt.date.fromisoformat(row["date"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ProviderError(f"FRED: malformed payload: {field}.date") from exc
            raw = row.get("value")
            if raw == ".":
                continue
            try:
                value = Decimal(str(raw))
            except InvalidOperation as exc:
                raise ProviderError(f"FRED: malformed payload: {field}.value") from exc
            found.append((day, value))
        return found


def fetch_and_store(
    db: Database, client: FredClient, series_ids: list[str], start: dt.date, end: dt.date
) -> dict[str, int]:
    added: dict[str, int] = {}
    for series_id in series_ids:
        rows = client.observations(series_id, start, end)
        with db.transaction() as conn:
            added[series_id] = store_observations(conn, series_id, SOURCE, rows)
    return added
