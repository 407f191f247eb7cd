"""GitHub's X-Hub-Signature-256: the HMAC-SHA256 of the raw body under the webhook secret,
as ``sha256=`` and hex digits; anything else does not verify."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from dawsos_core.ledger.ingest import signature_verifies

SECRET = "a-webhook-secret-of-the-ledger"
BODY = b'{"ref": "refs/heads/main", "after": "' + b"a" * 40 + b'"}'
GOOD = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()


def test_githubs_signature_of_the_raw_body_verifies() -> None:
    assert signature_verifies(SECRET, BODY, GOOD)
    assert signature_verifies(SECRET, BODY, GOOD.upper().replace("SHA256=", "sha256="))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        GOOD.removeprefix("sha256="),  # no scheme
        "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(),
        "sha256=" + hmac.new(b"another secret", BODY, hashlib.sha256).hexdigest(),
        "sha256=" + hmac.new(SECRET.encode(), BODY + b" ", hashlib.sha256).hexdigest(),
        GOOD[:-1],
    ],
)
def test_anything_else_does_not(header: str | None) -> None:
    assert not signature_verifies(SECRET, BODY, header)
