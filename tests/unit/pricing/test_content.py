"""The pack hash is a SHA-256 of a canonical serialization: same inputs, same hash."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from dawsos_core.pricing.content import canonical_content, canonical_decimal, content_hash

D = dt.date(2024, 6, 28)
COMMIT = "a" * 40
PRICES = [
    ("GLD", "USD", Decimal("215.10"), "Internal", D),
    ("VEA", "USD", Decimal("49.5"), "Internal", dt.date(2024, 6, 27)),
]
FX = [("USD", "CAD", Decimal("1.3687"), "ECB", D)]


def test_hash_is_sha256_of_the_canonical_bytes() -> None:
    raw = canonical_content(D, "ECB_CAD", "CAD", COMMIT, PRICES, FX)

    assert content_hash(D, "ECB_CAD", "CAD", COMMIT, PRICES, FX) == hashlib.sha256(raw).hexdigest()
    assert b" " not in raw.replace(b"Internal", b"")


def test_row_order_and_trailing_zeros_do_not_change_the_hash() -> None:
    shuffled = [PRICES[1], (*PRICES[0][:2], Decimal("215.1000"), *PRICES[0][3:])]

    assert content_hash(D, "ECB_CAD", "CAD", COMMIT, shuffled, FX) == content_hash(
        D, "ECB_CAD", "CAD", COMMIT, PRICES, FX
    )


def test_any_input_change_changes_the_hash() -> None:
    base = content_hash(D, "ECB_CAD", "CAD", COMMIT, PRICES, FX)
    changed_rate = [("USD", "CAD", Decimal("1.3688"), "ECB", D)]
    changed_source = [("USD", "CAD", Decimal("1.3687"), "Bank of Canada", D)]

    assert content_hash(D, "ECB_CAD", "CAD", COMMIT, PRICES, changed_rate) != base
    assert content_hash(D, "ECB_CAD", "CAD", COMMIT, PRICES, changed_source) != base
    assert content_hash(D, "ECB_CAD", "CAD", "b" * 40, PRICES, FX) != base
    assert content_hash(D, "BOC_CAD", "CAD", COMMIT, PRICES, FX) != base


def test_known_hash_is_stable_across_machines() -> None:
    # Pinned: a change here means every stored pack hash would change.
    assert (
        content_hash(D, "ECB_CAD", "CAD", COMMIT, PRICES, FX)
        == hashlib.sha256(
            b'{"base_currency":"CAD","date":"2024-06-28","fx_rates":[["USD","CAD","1.3687","ECB",'
            b'"2024-06-28"]],"ledger_commit_hash":"' + COMMIT.encode() + b'","policy":"ECB_CAD",'
            b'"prices":[["GLD","USD","215.1","Internal","2024-06-28"],["VEA","USD","49.5",'
            b'"Internal","2024-06-27"]]}'
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
