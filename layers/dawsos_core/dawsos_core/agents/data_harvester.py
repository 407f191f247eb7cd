"""data_harvester: news headlines (NewsAPI) and company profiles (FMP) for the commodities a
portfolio holds at the pack date, as its pattern's positions step found them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.fundamentals import profiles_as_of
from dawsos_core.db.repositories.macro_news import articles
from dawsos_core.fundamentals.fmp import SOURCE as FMP
from dawsos_core.news.newsapi import SOURCE as NEWSAPI
from dawsos_core.orchestration.runtime import Capability, CapabilityResult

DECIMALS = ("market_cap", "beta", "last_dividend")


class DataHarvester:
    name = "data_harvester"

    def capabilities(self) -> list[Capability]:
        return [
            Capability("news.headlines", self.name, self.headlines),
            Capability("fundamentals.profiles", self.name, self.profiles),
        ]

    @staticmethod
    def _held(args: Mapping[str, Any]) -> list[str]:
        """The held commodities, from the answer of a ``ledger.positions`` step passed as
        ``positions``: the pattern reads the ledger once."""
        try:
            return [p["commodity"] for p in args["positions"] if not p["cash"]]
        except (KeyError, TypeError):
            raise ValueError(
                "pass the positions of a ledger.positions step as positions"
                ' ("{{state.<step>.positions}}")'
            ) from None

    def profiles(
        self, ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]
    ) -> CapabilityResult:
        """The latest stored profile of each held commodity on or before the pack date;
        commodities without one are listed in ``missing``."""
        symbols = self._held(args)
        rows = profiles_as_of(tx, symbols, ctx.as_of)
        found = {r["symbol"] for r in rows}
        items = [
            {
                **r,
                "as_of": r["as_of"].isoformat(),
                **{k: None if r[k] is None else str(r[k]) for k in DECIMALS},
            }
            for r in rows
        ]
        return CapabilityResult(
            {
                "symbols": symbols,
                "profiles": items,
                "missing": [s for s in symbols if s not in found],
            },
            frozenset({FMP}) if items else frozenset(),
        )

    def headlines(
        self, ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]
    ) -> CapabilityResult:
        symbols = self._held(args)
        end = dt.datetime.combine(ctx.as_of + dt.timedelta(days=1), dt.time(), dt.UTC)
        start = end - dt.timedelta(days=int(args.get("days") or 7))
        rows = articles(tx, symbols, start, end, int(args.get("limit") or 50))
        items = [{**r, "published_at": r["published_at"].isoformat()} for r in rows]
        return CapabilityResult(
            {
                "symbols": symbols,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "headlines": items,
            },
            frozenset({NEWSAPI}),
        )
