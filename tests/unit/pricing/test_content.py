"""The pack hash is a SHA-256 of a canonical serialization of market data alone: same
content, same hash; no ledger commit or base currency enters it."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from dawsos_core.pricing.content import canonical_content, canonical_decimal, content_hash

D = dt.date(2024, 6, 28)
PRICES = [
    ("GLD", "USD", Decimal("215.10"), "Internal", D),
    ("VEA", "USD", Decimal("49.5"), "Internal", dt.date(2024, 6, 27)),
]
FIXINGS = [("USD", "EUR", "per_pivot", Decimal("1.0705"), "ECB", D)]


def test_hash_is_sha256_of_the_canonical_bytes() -> None:
    raw = canonical_content(D, "ECB", PRICES, FIXINGS)

    assert content_hash(D, "ECB", PRICES, FIXINGS) == hashlib.sha256(raw).hexdigest()
    assert b" " not in raw.replace(b"Internal", b"")


def test_row_order_and_trailing_zeros_do_not_change_the_hash() -> None:
    shuffled = [PRICES[1], (*PRICES[0][:2], Decimal("215.1000"), *PRICES[0][3:])]

    assert content_hash(D, "ECB", shuffled, FIXINGS) == content_hash(D, "ECB", PRICES, FIXINGS)


def test_any_input_change_changes_the_hash() -> None:
    base = content_hash(D, "ECB", PRICES, FIXINGS)
    changed_rate = [("USD", "EUR", "per_pivot", Decimal("1.0706"), "ECB", D)]
    changed_source = [("USD", "EUR", "per_pivot", Decimal("1.0705"), "Bank of Canada", D)]
    changed_day = [("USD", "EUR", "per_pivot", Decimal("1.0705"), "ECB", D - dt.timedelta(1))]

    assert content_hash(D, "ECB", PRICES, changed_rate) != base
    assert content_hash(D, "ECB", PRICES, changed_source) != base
    assert content_hash(D, "ECB", PRICES, changed_day) != base
    assert content_hash(D, "BOC", PRICES, FIXINGS) != base
    assert content_hash(D + dt.timedelta(3), "ECB", PRICES, FIXINGS) != base


def test_known_hash_is_stable_across_machines() -> None:
    # Pinned: a change here means every stored pack hash would change.
    assert (
        content_hash(D, "ECB", PRICES, FIXINGS)
        == hashlib.sha256(
            b'{"date":"2024-06-28","fixings":[["USD","EUR","per_pivot","1.0705","ECB","2024-06-28"]],'
            b'"policy":"ECB","prices":[["GLD","USD","215.1","Internal","2024-06-28"],'
            b'["VEA","USD","49.5","Internal","2024-06-27"]]}'
        ).hexdigest()
    )


def test_canonical_decimals() -> None:
    assert [canonical_decimal(Decimal(x)) for x in ("100", "1E+2", "0.50", "-0.0", "3")] == [
        "100",
        "100",
        "0.5",
        "0",
        "3",
    ]
