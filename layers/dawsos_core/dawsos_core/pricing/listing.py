"""The pricing packs as the API lists and shows them: each pack's record, and the content a
caller may see of one: every FX fixing (public reference rates, as the source quotes them)
and the prices of what the caller's own books name. The rest of a pack's instrument
universe is other tenants' holdings and is never shown; a source whose licence forbids
viewing in this environment refuses the whole pack (403)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.packs import (
    callers_pack_prices,
    fixing_sources,
    list_packs,
    pack_by_id,
    pack_fixings,
)
from dawsos_core.errors import BadRequest, NotFound, ViewBlocked
from dawsos_core.pricing.gate import age_days
from dawsos_core.pricing.health import PackView
from dawsos_core.rights.registry import load_registry
from dawsos_core.settings import Environment

MAX_LISTED = 500


class PackPrice(BaseModel):
    model_config = ConfigDict(frozen=True)

    commodity: str
    quote_currency: str
    price: str = Field(description="exact decimal, as text")
    source: str
    observed_on: dt.date


class PackFixing(BaseModel):
    model_config = ConfigDict(frozen=True)

    currency: str
    pivot: str
    quoted: str = Field(description="per_pivot: units per one pivot; in_pivot: pivot per unit")
    rate: str = Field(description="exact decimal, as text")
    source: str
    observed_on: dt.date


class PackContent(BaseModel):
    model_config = ConfigDict(frozen=True)

    pack: PackView
    prices: list[PackPrice] = Field(
        description="the prices of the commodities the caller's ledgers post or its "
        "portfolios name as benchmarks"
    )
    fixings: list[PackFixing]
    attributions: list[dict[str, str]]


class ListedPack(PackView):
    age_days: int = Field(
        description="Calendar days from its date to the date whose pack the freshness gate "
        "expects now (0: that pack), as an answer's provenance counts pack_age_days"
    )


class PackList(BaseModel):
    expected_date: dt.date = Field(
        description="The last weekday whose 16:30 London cut has passed: the pack a fresh "
        "answer needs"
    )
    packs: list[ListedPack]
    attributions: list[dict[str, str]] = Field(
        description="The attributions of the listed packs' FX fixings' sources"
    )


def listed_packs(
    conn: Connection,
    *,
    policy: str | None,
    start: dt.date | None,
    end: dt.date | None,
    limit: int,
    expected: dt.date,
) -> PackList:
    """The newest packs first (at most ``MAX_LISTED``), of a policy, dated start to end,
    each aged against the ``expected`` pack's date, with their fixings' attributions."""
    if start is not None and end is not None and start > end:
        raise BadRequest(f"from: {start} is after to: {end}")
    if not 1 <= limit <= MAX_LISTED:
        raise BadRequest(f"limit: between 1 and {MAX_LISTED}, not {limit}")
    records = list_packs(conn, policy, limit, start=start, end=end)
    sources = fixing_sources(conn, [p.id for p in records])
    return PackList(
        expected_date=expected,
        packs=[
            ListedPack(**PackView.of(p).model_dump(), age_days=age_days(p.date, expected))
            for p in records
        ],
        attributions=[a.as_dict() for a in load_registry().attributions(sources)],
    )


def pack_content(
    conn: Connection, pack_id: str, *, user_sub: str, environment: Environment
) -> PackContent:
    """One pack with the content the caller may see; 404 for an unknown pack."""
    record = pack_by_id(conn, pack_id)
    if record is None:
        raise NotFound(f"no pricing pack {pack_id}")
    prices = [
        PackPrice(commodity=c, quote_currency=q, price=str(v), source=s, observed_on=on)
        for c, q, v, s, on in callers_pack_prices(conn, pack_id, user_sub)
    ]
    fixings = [
        PackFixing(currency=c, pivot=pv, quoted=qd, rate=str(r), source=s, observed_on=on)
        for c, pv, qd, r, s, on in pack_fixings(conn, pack_id)
    ]
    sources = {p.source for p in prices} | {f.source for f in fixings}
    registry = load_registry()
    blocked = registry.view_blocked(sources, environment)
    if blocked:
        raise ViewBlocked(
            f"the licence of {', '.join(blocked)} forbids showing it in {environment}",
            sources=blocked,
        )
    return PackContent(
        pack=PackView.of(record),
        prices=prices,
        fixings=fixings,
        attributions=[a.as_dict() for a in registry.attributions(sources)],
    )
