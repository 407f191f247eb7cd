"""The canonical serialization of a pack's content and its SHA-256 hash.

Same inputs, same bytes, same hash on every run and machine: keys sorted, rows sorted,
no whitespace, decimals in plain notation without trailing zeros, dates in ISO format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from dawsos_core.db.repositories.packs import FxRow, PriceRow


def canonical_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def canonical_content(
    on: dt.date,
    policy: str,
    base_currency: str,
    ledger_commit_hash: str,
    prices: list[PriceRow],
    fx_rates: list[FxRow],
) -> bytes:
    document = {
        "date": on.isoformat(),
        "policy": policy,
        "base_currency": base_currency,
        "ledger_commit_hash": ledger_commit_hash,
        "prices": sorted(
            [c, q, canonical_decimal(p), s, o.isoformat()] for c, q, p, s, o in prices
        ),
        "fx_rates": sorted(
            [c, b, canonical_decimal(r), s, o.isoformat()] for c, b, r, s, o in fx_rates
        ),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def content_hash(*args: object, **kwargs: object) -> str:
    return hashlib.sha256(canonical_content(*args, **kwargs)).hexdigest()  # type: ignore[arg-type]
