"""The canonical serialization of a pack's content and its SHA-256 hash.

A pack is market data: its hash covers its date, its policy, its prices and its FX fixings,
each with its source and observation date, and nothing else (no ledger commit, no base
currency). Same content, same bytes, same hash on every run and machine: keys sorted, rows
sorted, no whitespace, decimals in plain notation without trailing zeros, dates in ISO
format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from dawsos_core.db.repositories.packs import FixingRow, PriceRow


def canonical_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def canonical_content(
    on: dt.date, policy: str, prices: list[PriceRow], fixings: list[FixingRow]
) -> bytes:
    document = {
        "date": on.isoformat(),
        "policy": policy,
        "prices": sorted(
            [c, q, canonical_decimal(p), s, o.isoformat()] for c, q, p, s, o in prices
        ),
        "fixings": sorted(
            [c, pivot, quoted, canonical_decimal(r), s, o.isoformat()]
            for c, pivot, quoted, r, s, o in fixings
        ),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def content_hash(on: dt.date, policy: str, prices: list[PriceRow], fixings: list[FixingRow]) -> str:
    return hashlib.sha256(canonical_content(on, policy, prices, fixings)).hexdigest()


def pack_set_hash(pack_ids: list[str]) -> str:
    """SHA-256 of a window's pack ids in date order, one per line: names the pack set."""
    return hashlib.sha256("\n".join(pack_ids).encode()).hexdigest()
