"""Pricing policies: the price time, FX fixing and base currency a pack is built under.

Every pack records its policy, so an answer can say exactly which prices it used.
"""

from __future__ import annotations

from dataclasses import dataclass

from dawsos_core.errors import BadRequest


@dataclass(frozen=True)
class Policy:
    """Ledger prices may be a week old (weekly ``price`` directives are common); FX fixings
    at most a long weekend."""

    name: str
    base_currency: str
    fx_source: str
    price_source: str
    max_price_age_days: int
    max_fx_age_days: int
    description: str


POLICIES: dict[str, Policy] = {
    p.name: p
    for p in (
        Policy(
            name="ECB_CAD",
            base_currency="CAD",
            fx_source="ecb",
            price_source="ledger",
            max_price_age_days=7,
            max_fx_age_days=5,
            description="ECB reference rates (about 14:15 CET) crossed through EUR; offline",
        ),
        Policy(
            name="BOC_CAD",
            base_currency="CAD",
            fx_source="boc",
            price_source="ledger",
            max_price_age_days=7,
            max_fx_age_days=5,
            description="Bank of Canada daily average exchange rates from the Valet API",
        ),
        Policy(
            name="WM4PM_CAD",
            base_currency="CAD",
            fx_source="wm4pm",
            price_source="ledger",
            max_price_age_days=7,
            max_fx_age_days=3,
            description="WM/Reuters 4pm London fixing, a licensed feed",
        ),
    )
}


def get_policy(name: str) -> Policy:
    policy = POLICIES.get(name)
    if policy is None:
        raise BadRequest(f"unknown pricing policy {name!r}; known: {', '.join(sorted(POLICIES))}")
    return policy
