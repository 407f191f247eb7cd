"""Bank of Canada daily average exchange rates from the Valet API (attribution required).

``GET {base}/observations/FX{CUR}CAD/json?start_date=..&end_date=..`` answers
``{"observations": [{"d": "2024-01-02", "FXUSDCAD": {"v": "1.3316"}}, ...]}``: CAD per
unit of the currency, on Bank of Canada business days. A fixing is that figure. A series
the Valet API does not know answers HTTP 404 ``{"message": "Series FXXYZCAD not found.",
"docs": ...}``. Each currency is asked on its own: one that fails (a 404, an outage) is
answered with a ``NoObservation`` naming the cause, and the others are still asked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.pricing.providers import FixingAnswer, NoObservation, Observation
from dawsos_core.providers.http import HttpClient

SOURCE = "Bank of Canada"
DEFAULT_URL = "https://www.bankofcanada.ca/valet"
PIVOT = "CAD"
MALFORMED = ProviderCause.MALFORMED
# The currencies of the Valet API's daily FX series FX{CUR}CAD (group FX_RATES_DAILY).
PUBLISHED = frozenset(
    {
        *("AUD", "BRL", "CNY", "EUR", "HKD", "INR", "IDR", "JPY", "MYR", "MXN", "NZD", "NOK"),
        *("PEN", "RUB", "SAR", "SGD", "ZAR", "KRW", "SEK", "CHF", "TWD", "THB", "TRY", "GBP"),
        *("USD", "VND", PIVOT),
    }
)


def parse_observations(payload: Any, series: str) -> dict[dt.date, Decimal]:
    """Observations of one series; a malformed payload names the offending field."""
    if not isinstance(payload, dict) or not isinstance(payload.get("observations"), list):
        raise ProviderError(f"{SOURCE}: malformed payload: no 'observations' list", cause=MALFORMED)
    found: dict[dt.date, Decimal] = {}
    for i, item in enumerate(payload["observations"]):
        field = f"observations[{i}]"
        try:
            day = dt.date.fromisoformat(item["d"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ProviderError(f"{SOURCE}: malformed payload: {field}.d", cause=MALFORMED) from exc
        cell = item.get(series)
        if cell is None:
            continue  # no observation of this series that day
        try:
            value = Decimal(cell["v"])
        except (KeyError, TypeError, InvalidOperation) as exc:
            raise ProviderError(
                f"{SOURCE}: malformed payload: {field}.{series}.v", cause=MALFORMED
            ) from exc
        if not value.is_finite() or value <= 0:
            raise ProviderError(
                f"{SOURCE}: malformed payload: {field}.{series}.v = {value}", cause=MALFORMED
            )
        found[day] = value
    return found


class BocValetFx:
    source = SOURCE

    def __init__(self, http: HttpClient, base_url: str = DEFAULT_URL) -> None:
        self._http = http
        self._base_url = base_url.rstrip("/")
        self._seen: dict[tuple[str, dt.date, dt.date], dict[dt.date, Decimal]] = {}

    def publishes(self) -> frozenset[str]:
        return PUBLISHED

    def fixings(
        self, currencies: list[str], on: dt.date, max_age_days: int
    ) -> dict[str, FixingAnswer]:
        found: dict[str, FixingAnswer] = {}
        for currency in currencies:
            if currency == PIVOT or currency not in PUBLISHED:
                continue
            try:
                fixing = self._fixing(currency, on, max_age_days)
            except ProviderError as exc:
                found[currency] = NoObservation.of(exc)
                continue
            if fixing is not None:
                found[currency] = fixing
        return found

    def _fixing(self, currency: str, on: dt.date, max_age_days: int) -> Observation | None:
        series = f"FX{currency}CAD"
        start = on - dt.timedelta(days=max_age_days)
        key = (series, start, on)
        if key not in self._seen:
            payload = self._http.get_json(
                SOURCE,
                f"{self._base_url}/observations/{series}/json",
                {"start_date": start.isoformat(), "end_date": on.isoformat()},
            )
            self._seen[key] = parse_observations(payload, series)
        days = [d for d in self._seen[key] if start <= d <= on]
        if not days:
            return None
        latest = max(days)
        return Observation(self._seen[key][latest], latest, SOURCE)
