"""Where prices and FX fixings come from, behind two small interfaces.

An observation records its value, its source and the date it was observed; a provider
answers the latest observation on or before a date, or says plainly that there is none.
Nothing here falls back silently: no rate of 1.0, no interpolation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from dawsos_core.db.connection import Connection


@dataclass(frozen=True)
class Observation:
    value: Decimal
    observed_on: dt.date
    source: str


@dataclass(frozen=True)
class PriceObservation(Observation):
    quote_currency: str


class FxProvider(Protocol):
    """An FX source: its own fixings against its pivot, quoted as its policy says."""

    source: str

    def publishes(self) -> frozenset[str]:
        """Every currency code the source has fixings of, its pivot included."""
        ...

    def fixings(
        self, currencies: list[str], on: dt.date, max_age_days: int
    ) -> dict[str, Observation]:
        """The latest fixing of each currency on or before ``on`` and at most
        ``max_age_days`` old; a currency without one is absent. The pivot has no fixing.
        A source may answer more currencies than it was asked for."""
        ...


class PriceProvider(Protocol):
    source: str

    def prices(self, commodities: list[str], on: dt.date) -> dict[str, PriceObservation]:
        """The latest price of each commodity on or before ``on``; absent when none exists."""
        ...


PriceSource = Callable[[Connection, str], PriceProvider]
"""Makes the price provider of one build from a connection and the ledger commit."""
