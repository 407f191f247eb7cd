"""macro_hound: macro-economic series as stored by the pack builder, as of the pack date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dawsos_core.calendar import weekdays_back
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.macro_news import observations
from dawsos_core.errors import BadRequest, Unprocessable
from dawsos_core.orchestration.runtime import Capability, CapabilityResult


class MacroHound:
    name = "macro_hound"

    def capabilities(self) -> list[Capability]:
        return [Capability("macro.series", self.name, self.series)]

    def series(self, ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
        ids = [s.strip().upper() for s in str(args.get("series") or "").split(",") if s.strip()]
        if not ids:
            raise BadRequest("series: name at least one series, comma-separated")
        start = weekdays_back(ctx.as_of, int(args.get("lookback_days") or 65))
        rows = observations(tx, ids, start, ctx.as_of)
        by_series: dict[str, dict[str, Any]] = {}
        for row in rows:
            entry = by_series.setdefault(
                row["series_id"],
                {
                    "series_id": row["series_id"],
                    "provider": row["provider"],
                    "demo": False,
                    "observations": [],
                },
            )
            entry["demo"] = entry["demo"] or row["demo"]
            entry["observations"].append([row["date"].isoformat(), str(row["value"])])
        missing = [s for s in ids if s not in by_series]
        if missing:
            raise Unprocessable(
                f"no stored observations of {', '.join(missing)} between {start} and {ctx.as_of}"
            )
        for entry in by_series.values():
            entry["latest"] = entry["observations"][-1]
        sources = frozenset(e["provider"] for e in by_series.values())
        return CapabilityResult(
            {"as_of": ctx.as_of.isoformat(), "series": [by_series[s] for s in ids]}, sources
        )
