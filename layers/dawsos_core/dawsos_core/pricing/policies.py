"""Pricing policies: the FX source a pack's fixings come from, and how old a price or a
fixing may be. A policy names no base currency: a pack stores the source's own fixings
against its pivot, and valuation crosses them to each portfolio's base.

Every pack records its policy, so an answer can say exactly which rates it used. The names
of the earlier model (``ECB_CAD``, ``BOC_CAD``, ``WM4PM_CAD``) are aliases of their source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dawsos_core.errors import BadRequest

# How the source quotes its fixings: units of the currency per one pivot (ECB: 1.08 USD per
# EUR), or pivot units per one unit of the currency (Bank of Canada: 1.36 CAD per USD).
Quotation = Literal["per_pivot", "in_pivot"]


@dataclass(frozen=True)
class Policy:
    """Ledger prices may be a week old (weekly ``price`` directives are common); FX fixings
    at most a long weekend."""

    name: str
    fx_source: str
    pivot: str
    quoted: Quotation
    max_price_age_days: int
    max_fx_age_days: int
    description: str
    aliases: tuple[str, ...] = ()

    def manifest(self) -> dict[str, object]:
        """How an answer's rates were made, for its conventions."""
        cross = (
            "rate(X in B) = fixing(B) / fixing(X), each the units of a currency per one "
            f"{self.pivot}"
            if self.quoted == "per_pivot"
            else "rate(X in B) = fixing(X) / fixing(B), each the "
            f"{self.pivot} per one unit of a currency"
        )
        return {
            "pricing_policy": self.name,
            "fx_source": self.description,
            "fx_pivot": self.pivot,
            "fx_cross": f"{cross}; the pivot's own fixing is 1",
            "currencies": "a commodity is a currency when the FX source publishes it or the "
            "ledger declares it (operating_currency, or commodity metadata currency: TRUE); "
            "currencies are valued at the FX source's rates, never at a ledger price "
            "between two currencies",
            "prices": f"latest price on or before the date, at most {self.max_price_age_days} "
            f"days old; fixings at most {self.max_fx_age_days} days old",
        }


POLICIES: dict[str, Policy] = {
    p.name: p
    for p in (
        Policy(
            name="ECB",
            fx_source="ecb",
            pivot="EUR",
            quoted="per_pivot",
            max_price_age_days=7,
            max_fx_age_days=5,
            description="ECB euro foreign exchange reference rates (about 16:00 CET)",
            aliases=("ECB_CAD",),
        ),
        Policy(
            name="BOC",
            fx_source="boc",
            pivot="CAD",
            quoted="in_pivot",
            max_price_age_days=7,
            max_fx_age_days=5,
            description="Bank of Canada daily exchange rates from the Valet API",
            aliases=("BOC_CAD",),
        ),
        Policy(
            name="WM4PM",
            fx_source="wm4pm",
            pivot="USD",
            quoted="per_pivot",
            max_price_age_days=7,
            max_fx_age_days=3,
            description="WM/Reuters 4pm London fixing, a licensed feed",
            aliases=("WM4PM_CAD",),
        ),
    )
}
_BY_ALIAS = {alias: p for p in POLICIES.values() for alias in (p.name, *p.aliases)}


def get_policy(name: str) -> Policy:
    """The policy of a name or of one of its aliases; 400 listing the known names."""
    policy = _BY_ALIAS.get(name)
    if policy is None:
        known = ", ".join(f"{p.name} (or {', '.join(p.aliases)})" for p in POLICIES.values())
        raise BadRequest(f"unknown pricing policy {name!r}; known: {known}")
    return policy
