"""The immutable context of one request: who asks, about which portfolio, and which ledger
commit, pack and instant every figure of the answer comes from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dawsos_core.db.repositories.portfolios import PortfolioRecord

# The fields a pattern may read as ``{{ctx.x}}``: the scalars of the context.
TEMPLATE_FIELDS = (
    "request_id",
    "trace_id",
    "user_sub",
    "pricing_pack_id",
    "pack_hash",
    "pricing_policy",
    "as_of",
    "ledger_commit_hash",
    "packs_as_of",
    "base_currency",
    "environment",
    "pack_is_fresh",
    "pack_age_days",
)


@dataclass(frozen=True)
class RequestCtx:
    request_id: str
    trace_id: str
    user_sub: str
    portfolio: PortfolioRecord | None  # the caller's portfolio the inputs name, if any
    pricing_pack_id: str
    pack_hash: str
    pricing_policy: str
    pack_sources: frozenset[str]  # the data sources of the pack's prices and rates
    as_of: dt.date
    ledger_commit_hash: str | None  # the one commit every day is valued at (None: no ledger)
    packs_as_of: dt.datetime  # the instant whose live packs value each day of a window
    base_currency: str | None  # the portfolio's
    environment: str
    pack_is_fresh: bool
    pack_age_days: int

    def provenance(self) -> dict[str, Any]:
        """What makes the answer reproducible (request and trace ids are not part of it)."""
        return {
            "pricing_pack_id": self.pricing_pack_id,
            "pack_hash": self.pack_hash,
            "pricing_policy": self.pricing_policy,
            "as_of": self.as_of.isoformat(),
            "ledger_commit_hash": self.ledger_commit_hash,
            "packs_as_of": self.packs_as_of.isoformat(),
            "base_currency": self.base_currency,
            "pack_is_fresh": self.pack_is_fresh,
            "pack_age_days": self.pack_age_days,
        }

    def as_template_values(self) -> dict[str, Any]:
        """The values of ``{{ctx.x}}`` templates, dates as ISO text."""
        values = {name: getattr(self, name) for name in TEMPLATE_FIELDS}
        values["as_of"] = self.as_of.isoformat()
        values["packs_as_of"] = self.packs_as_of.isoformat()
        return values

    def require_portfolio(self) -> tuple[PortfolioRecord, str]:
        """The request's portfolio and its commit, for capabilities that answer about one."""
        if self.portfolio is None or self.ledger_commit_hash is None:
            raise ValueError("this capability needs a pattern whose inputs name a portfolio_id")
        return self.portfolio, self.ledger_commit_hash
