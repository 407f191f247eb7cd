"""The Sentry scrubber on events shaped like the SDK's: no raw personal data survives."""

from __future__ import annotations

import json

from dawsos_core.observability.sentry import REDACTED, make_scrubber, user_digest

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
RAW = ["alice", "alice@example.com", JWT, "123456789012", "DE89 3704 0044 0532 0130 00"]


def event() -> dict[str, object]:
    return {
        "user": {"id": "alice", "email": "alice@example.com", "ip_address": "10.0.0.1"},
        "request": {"headers": {"Authorization": f"Bearer {JWT}", "Cookie": "s=1"}},
        "extra": {"user_sub": "alice", "note": "portfolio of alice"},
        "exception": {
            "values": [
                {
                    "type": "RuntimeError",
                    "value": "refund to 123456789012 for alice@example.com, "
                    "IBAN DE89 3704 0044 0532 0130 00",
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": f"token={JWT}"}]},
        "contexts": {"amount": {"value": "75616.92294844253490870032223", "n": 12}},
    }


def test_no_raw_personal_data_survives() -> None:
    scrub = make_scrubber("salt", lambda: "alice")

    cleaned = json.dumps(scrub(event(), {}))

    for raw in RAW:
        assert raw not in cleaned, raw
    assert user_digest("salt", "alice") in cleaned
    assert REDACTED in cleaned


def test_user_becomes_a_salted_hash_only() -> None:
    scrubbed = make_scrubber("salt", lambda: None)(event(), {})

    assert scrubbed["user"] == {"id": user_digest("salt", "alice")}
    assert user_digest("salt", "alice") != user_digest("other", "alice")


def test_figures_and_dates_are_kept() -> None:
    scrubbed = make_scrubber("salt", lambda: None)(
        {"extra": {"value": "75616.92294844253490870032223", "date": "2026-10-30", "n": 12}}, {}
    )

    assert scrubbed["extra"] == {
        "value": "75616.92294844253490870032223",
        "date": "2026-10-30",
        "n": 12,
    }
