"""WM/Reuters 4pm London fixings: a licensed feed, reached only with the vendor's
credentials. Without them the provider refuses clearly instead of guessing."""

from __future__ import annotations

import datetime as dt

from dawsos_core.errors import ProviderError
from dawsos_core.pricing.providers import Observation

SOURCE = "WM/Reuters"


class Wm4pmFx:
    source = SOURCE

    def __init__(self, api_key: str | None) -> None:
        self._api_key = api_key

    def publishes(self) -> frozenset[str]:
        return frozenset()

    def fixings(
        self, currencies: list[str], on: dt.date, max_age_days: int
    ) -> dict[str, Observation]:
        if not self._api_key:
            raise ProviderError(
                "WM/Reuters 4pm fixings are a licensed feed: set WM4PM_API_KEY (or its secret) "
                "with the vendor's credentials, or build with policy ECB or BOC"
            )
        raise ProviderError(
            "WM/Reuters 4pm credentials are set but no licensed endpoint is configured "
            "(WM4PM_URL); refusing rather than guessing a rate"
        )
