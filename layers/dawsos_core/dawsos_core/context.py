"""The immutable context of one request: who asks, and which pack and ledger commit every
figure of the answer comes from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestCtx:
    request_id: str
    trace_id: str
    user_sub: str
    pricing_pack_id: str
    pack_hash: str
    pricing_policy: str
    as_of: dt.date
    ledger_commit_hash: str
    base_currency: str
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
            "base_currency": self.base_currency,
            "pack_is_fresh": self.pack_is_fresh,
            "pack_age_days": self.pack_age_days,
        }

    def as_template_values(self) -> dict[str, Any]:
        """The fields for ``{{ctx.x}}`` templates (a shallow copy: every field is a scalar)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["as_of"] = self.as_of.isoformat()
        return values
