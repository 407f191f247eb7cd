"""What every request must be before it is routed: a body in JSON (415 otherwise) and in
UTF-8 (400), nested at most ``MAX_JSON_DEPTH`` deep (400), and no text in the body, the
path, the query or the headers with a NUL character or a lone surrogate (400 naming where).
PostgreSQL refuses NUL in text and UTF-8 cannot encode a lone surrogate, so either would
otherwise fail deep inside a request instead of naming the field at its door."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

MAX_JSON_DEPTH = 32

_UNSAFE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Refusal:
    status: HTTPStatus
    code: str
    message: str


def refusal(event: dict[str, Any]) -> Refusal | None:
    """Why the request is refused before routing, or None when it may go on."""
    for where, text in _request_texts(event):
        problem = _unsafe(text)
        if problem:
            return Refusal(HTTPStatus.BAD_REQUEST, "invalid_text", f"{where}: {problem}")
    body = event.get("body")
    if not body:
        return None
    content_type = _header(event, "content-type") or ""
    if content_type.split(";")[0].strip().lower() != "application/json":
        shown = content_type or "none"
        return Refusal(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            f"the body must be application/json, not {shown[:80]}",
        )
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return Refusal(HTTPStatus.BAD_REQUEST, "invalid_encoding", "the body is not UTF-8")
    depth = _depth(body)
    if depth > MAX_JSON_DEPTH:
        return Refusal(
            HTTPStatus.BAD_REQUEST,
            "too_deep",
            f"the body nests {depth} levels; at most {MAX_JSON_DEPTH} are accepted",
        )
    if "\\u" not in body and _UNSAFE.search(body) is None:
        return None  # neither escaped nor raw: nothing to find, and no second parse
    try:
        document = json.loads(body)
    except ValueError:
        return None  # the route's validation names it malformed
    return _unsafe_value(document, "body")


def decoded_body(event: dict[str, Any]) -> dict[str, Any]:
    """The event with a base64 body of UTF-8 text given as that text (``refusal`` has
    checked it), so that the routes read JSON as JSON."""
    if not event.get("isBase64Encoded") or not event.get("body"):
        return event
    text = base64.b64decode(event["body"]).decode("utf-8")
    return {**event, "body": text, "isBase64Encoded": False}


def _unsafe(text: str) -> str | None:
    found = _UNSAFE.search(text)
    if found is None:
        return None
    what = "a NUL character" if found.group() == "\x00" else "a lone surrogate"
    return f"contains {what} (at character {found.start()}); send plain text"


def _unsafe_value(value: Any, where: str) -> Refusal | None:
    """The first string (a key or a value) of a parsed document that is unsafe."""
    stack = [(value, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            problem = _unsafe(item)
            if problem:
                return Refusal(HTTPStatus.BAD_REQUEST, "invalid_text", f"{at}: {problem}")
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = _unsafe(key)
                if problem:
                    return Refusal(
                        HTTPStatus.BAD_REQUEST, "invalid_text", f"{at} key {key!r}: {problem}"
                    )
                stack.append((child, f"{at}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{at}[{i}]") for i, child in enumerate(item))
    return None


def _depth(body: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing it (a
    parser recurses once a level)."""
    if body.count("[") + body.count("{") <= MAX_JSON_DEPTH:
        return 0  # cannot be deeper than the limit
    depth = deepest = 0
    in_string = escaped = False
    for char in body:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _request_texts(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, text) of the path, each query parameter and each header."""
    texts = [("path", unquote(str(event.get("rawPath") or "")))]
    for name, value in (event.get("pathParameters") or {}).items():
        texts.append((f"path.{name}", str(value)))
    for name, value in (event.get("queryStringParameters") or {}).items():
        texts.append((f"query.{name}", str(value)))
    for name, value in (event.get("headers") or {}).items():
        texts.append((f"header {name}", str(value)))
    return texts


def _header(event: dict[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return str(value)
    return None
