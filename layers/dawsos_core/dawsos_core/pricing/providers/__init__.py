"""Where prices and FX fixings come from, behind two small interfaces.

An observation records its value, its source and the date it was observed; a provider
answers the latest observation on or before a date, or says plainly that there is none:
for each commodity or currency on its own, an observation, nothing (none in the window),
or a ``NoObservation`` saying why (not covered by the provider, its plan or its key; or a
transient failure). Nothing here falls back silently: no rate of 1.0, no interpolation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from dawsos_core.db.connection import Connection
from dawsos_core.errors import ProviderCause, ProviderError


@dataclass(frozen=True)
class Observation:
    value: Decimal
    observed_on: dt.date
    source: str


@dataclass(frozen=True)
class PriceObservation(Observation):
    quote_currency: str


@dataclass(frozen=True)
class NoObservation:
    """Why a provider has no observation of one commodity or currency: ``not_covered`` (the
    provider does not know it, or the plan or key does not reach it) or ``failed`` (a
    timeout, an outage, a rate limit that did not clear, a malformed answer). ``reason`` is
    the provider's error message: its own code and message and what to do."""

    kind: Literal["not_covered", "failed"]
    reason: str

    @classmethod
    def of(cls, error: ProviderError, *, asked: bool = True) -> NoObservation:
        failed = error.cause.transient or error.cause is ProviderCause.MALFORMED
        reason = error.message if asked else f"not asked, as the provider refused: {error.message}"
        return cls("failed" if failed else "not_covered", reason)

    def describe(self) -> str:
        return f"{self.kind.replace('_', ' ')} ({self.reason})"


PriceAnswer = PriceObservation | NoObservation
FixingAnswer = Observation | NoObservation


class FxProvider(Protocol):
    """An FX source: its own fixings against its pivot, quoted as its policy says."""

    source: str

    def publishes(self) -> frozenset[str]:
        """Every currency code the source has fixings of, its pivot included."""
        ...

    def fixings(
        self, currencies: list[str], on: dt.date, max_age_days: int
    ) -> Mapping[str, FixingAnswer]:
        """The latest fixing of each currency on or before ``on`` and at most
        ``max_age_days`` old; a currency without one is absent, or a ``NoObservation``
        when the source says why. The pivot has no fixing. A source may answer more
        currencies than it was asked for."""
        ...


class PriceProvider(Protocol):
    source: str

    def prices(self, commodities: list[str], on: dt.date) -> Mapping[str, PriceAnswer]:
        """The latest price of each commodity on or before ``on``; absent when none exists,
        a ``NoObservation`` when the provider says why it has none."""
        ...


PriceSource = Callable[[Connection, str], PriceProvider]
"""Makes the price provider of one build from a connection and the ledger commit."""
