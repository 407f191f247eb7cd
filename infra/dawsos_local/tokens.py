"""Local bearer tokens (HS256), checked the way API Gateway's JWT authorizer checks them.

The signing secret lives in the data dir, so ``dawsos token`` and ``dawsos serve`` agree.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from pathlib import Path
from typing import Any

import jwt

ISSUER = "https://dawsos.local"
AUDIENCE = "dawsos"


class TokenError(Exception):
    """Why a bearer token was refused."""


def load_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret


def mint(
    secret: str,
    sub: str,
    *,
    ttl_seconds: int = 3600,
    now: dt.datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    if not sub:
        raise TokenError("a token needs a subject")
    issued = now or dt.datetime.now(dt.UTC)
    claims: dict[str, Any] = {
        "sub": sub,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": int(issued.timestamp()),
        "nbf": int(issued.timestamp()),
        "exp": int((issued + dt.timedelta(seconds=ttl_seconds)).timestamp()),
        "scope": "dawsos",
        **(extra or {}),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def verify(secret: str, authorization: str | None) -> dict[str, Any]:
    """Claims of a valid ``Authorization: Bearer`` header; TokenError names the failure."""
    if not authorization:
        raise TokenError("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("the Authorization header is not 'Bearer <token>'")
    try:
        return jwt.decode(
            token.strip(),
            secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["sub", "exp", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("the token has expired") from exc
    except jwt.InvalidSignatureError as exc:
        raise TokenError("the token signature is not valid") from exc
    except jwt.PyJWTError as exc:
        raise TokenError(f"the token is not valid: {exc}") from exc


def event_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as the JWT authorizer passes them to Lambda: every value a string."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in claims.items()}
