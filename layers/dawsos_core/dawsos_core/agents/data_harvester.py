"""data_harvester: news headlines for the commodities a portfolio holds at the pack date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.macro_news import articles
from dawsos_core.ledger.positions import portfolio_positions
from dawsos_core.news.newsapi import SOURCE as NEWSAPI
from dawsos_core.orchestration.runtime import Capability, CapabilityResult


class DataHarvester:
    name = "data_harvester"

    def __init__(self, db: Database) -> None:
        self._db = db

    def capabilities(self) -> list[Capability]:
        return [Capability("news.headlines", self.name, self.headlines)]

    def headlines(self, ctx: RequestCtx, args: Mapping[str, Any]) -> CapabilityResult:
        held = portfolio_positions(
            self._db,
            str(args["portfolio_id"]),
            ctx.as_of,
            owner_sub=ctx.user_sub,
            commit_hash=ctx.ledger_commit_hash,
        )
        symbols = [p.commodity for p in held.positions if not p.cash]
        end = dt.datetime.combine(ctx.as_of + dt.timedelta(days=1), dt.time(), dt.UTC)
        start = end - dt.timedelta(days=int(args.get("days") or 7))
        with self._db.session() as conn:
            rows = articles(conn, symbols, start, end, int(args.get("limit") or 50))
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
