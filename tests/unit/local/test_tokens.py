"""Local tokens are checked as API Gateway's JWT authorizer checks them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jwt
import pytest

from dawsos_local.tokens import TokenError, event_claims, load_or_create_secret, mint, verify

SECRET = "s" * 48


def test_valid_token_yields_its_claims() -> None:
    claims = verify(SECRET, f"Bearer {mint(SECRET, 'alice')}")

    assert claims["sub"] == "alice"
    assert claims["aud"] == "dawsos"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("Basic abc", "not 'Bearer"),
        ("Bearer not.a.jwt", "not valid"),
        ("Bearer " + mint("other-secret" * 4, "alice"), "signature"),
        ("Bearer " + mint(SECRET, "alice", now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)), "expired"),
        (
            "Bearer "
            + jwt.encode(
                {
                    "sub": "a",
                    "exp": 4102444800,
                    "iss": "https://dawsos.local",
                    "aud": "someone-else",
                },
                SECRET,
                algorithm="HS256",
            ),
            "(?i)audience",
        ),
    ],
)
def test_bad_tokens_are_refused_with_the_reason(header: str | None, reason: str) -> None:
    with pytest.raises(TokenError, match=reason):
        verify(SECRET, header)


def test_secret_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "jwt-secret"

    first = load_or_create_secret(path)

    assert load_or_create_secret(path) == first
    assert path.stat().st_mode & 0o077 == 0


def test_claims_reach_lambda_as_strings() -> None:
    assert event_claims({"sub": "a", "exp": 17, "roles": ["x"]}) == {
        "sub": "a",
        "exp": "17",
        "roles": '["x"]',
    }
