"""Sentry, when SENTRY_DSN is set: the AWS Lambda integration, and a ``before_send`` that
keeps personal data out of every event.

Scrubbing: user ids (the ``user`` block, and keys such as ``sub`` or ``user_sub``) become a
salted SHA-256; Authorization, Cookie and API-key headers, tokens, secrets and passwords are
redacted by key; emails, bearer tokens and JWTs, and account numbers (runs of 8 to 19 digits,
IBANs) are redacted wherever they appear in text, and so is the current caller's id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

REDACTED = "[redacted]"
_SECRET_KEYS = {
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "apikey",
    "api_key", "token", "access_token", "id_token", "refresh_token", "password", "secret",
    "database_url", "dsn",
}  # fmt: skip
_USER_KEYS = {"sub", "user_sub", "owner_sub", "user_id", "username", "email"}
_TEXT = [
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b"),  # IBAN
    re.compile(r"(?<![\w.-])\d(?: ?\d){7,18}(?![\w.-])"),  # account numbers
    re.compile(r"(?<![\w.-])\d{4}(?:-\d{4}){2,3}(?![\w.-])"),  # card numbers, dashed
]


def user_digest(salt: str, user: str) -> str:
    return "u_" + hashlib.sha256(f"{salt}\x1f{user}".encode()).hexdigest()[:16]


def make_scrubber(
    salt: str, current_user: Callable[[], str | None]
) -> Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]:
    """The ``before_send`` hook; ``current_user`` names the caller of the request under way."""

    def text(value: str, user: str | None) -> str:
        if user and user in value:
            value = value.replace(user, user_digest(salt, user))
        for pattern in _TEXT:
            value = pattern.sub(REDACTED, value)
        return value

    def walk(value: Any, user: str | None) -> Any:
        if isinstance(value, dict):
            cleaned: dict[Any, Any] = {}
            for key, item in value.items():
                name = str(key).lower()
                if name in _SECRET_KEYS:
                    cleaned[key] = REDACTED
                elif name in _USER_KEYS and isinstance(item, str):
                    cleaned[key] = user_digest(salt, item)
                else:
                    cleaned[key] = walk(item, user)
            return cleaned
        if isinstance(value, list | tuple):
            return [walk(item, user) for item in value]
        if isinstance(value, str):
            return text(value, user)
        return value

    def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
        user = current_user()
        identity = event.get("user") or {}
        event = walk({k: v for k, v in event.items() if k != "user"}, user)
        if identity.get("id") or user:
            event["user"] = {"id": user_digest(salt, str(identity.get("id") or user))}
        return event

    return before_send


def init_sentry(
    dsn: str,
    *,
    salt: str,
    environment: str,
    service: str,
    current_user: Callable[[], str | None],
    transport: Any = None,
) -> None:
    import logging

    import sentry_sdk
    from sentry_sdk.integrations.aws_lambda import AwsLambdaIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    options: dict[str, Any] = {
        "dsn": dsn,
        "environment": environment,
        "server_name": service,
        "max_request_body_size": "never",
        "include_local_variables": False,
        "traces_sample_rate": 0.0,
        # Only what reports errors: the default integrations (threading, stdlib HTTP,
        # breadcrumbs of every log record) cost about a millisecond a request.
        "default_integrations": False,
        "integrations": [
            AwsLambdaIntegration(timeout_warning=True),
            LoggingIntegration(level=None, event_level=logging.ERROR),
        ],
        "before_send": make_scrubber(salt, current_user),
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    sentry_sdk.set_tag("service", service)
