"""What the financial analyst's capabilities share: the window a ``valuations.window``
step answered, the sources an answer carries, and the holdings valued with the request's
pack."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dawsos_core.analytics.performance import PerformanceWindow
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.valuations import pack_holdings
from dawsos_core.pricing.policies import get_policy
from dawsos_core.pricing.valuation import value_with_packs

LEDGER_SOURCE = "Internal"


def window_arg(args: Mapping[str, Any]) -> PerformanceWindow:
    window = args.get("window")
    if not isinstance(window, PerformanceWindow):
        raise ValueError(
            'pass the answer of a valuations.window step as window ("{{state.<step>}}")'
        )
    return window


def sources(ctx: RequestCtx) -> frozenset[str]:
    """The ledger and what the pack's prices and rates came from."""
    return frozenset({LEDGER_SOURCE, *ctx.pack_sources})


def valued_holdings(ctx: RequestCtx, tx: Connection) -> list[dict[str, object]]:
    """The portfolio's holdings at the request's commit valued with its pack (valued now
    if they were not yet), in commodity order."""
    portfolio, commit = ctx.require_portfolio()
    value_with_packs(tx, portfolio, commit, [ctx.pricing_pack_id], get_policy(ctx.pricing_policy))
    return pack_holdings(tx, portfolio.id, commit, ctx.pricing_pack_id)
