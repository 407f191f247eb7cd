"""Prices from the ledger's own ``price`` directives (the offline default)."""

from __future__ import annotations

import datetime as dt

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import latest_ledger_prices
from dawsos_core.pricing.providers import PriceObservation

SOURCE = "Internal"


class LedgerPrices:
    source = SOURCE

    def __init__(self, conn: Connection, commit_hash: str) -> None:
        self._conn = conn
        self._commit = commit_hash

    def prices(self, commodities: list[str], on: dt.date) -> dict[str, PriceObservation]:
        found = latest_ledger_prices(self._conn, self._commit, commodities, on)
        return {
            c: PriceObservation(p.number, p.date, SOURCE, p.quote_currency)
            for c, p in found.items()
        }
