"""API Gateway HTTP API (payload format 2.0) events and responses.

The one event factory of the project: the local gateway builds every request with it and
tests build their events with it too, so both see exactly what Lambda would receive.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/x-www-form-urlencoded")


def _is_text(content_type: str | None, body: bytes) -> bool:
    if (
        content_type
        and not content_type.lower().startswith(_TEXT_TYPES)
        and "+json" not in content_type
    ):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def http_api_event(
    method: str,
    path: str,
    *,
    query_string: str = "",
    headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
    body: bytes | str | None = None,
    route_key: str | None = None,
    path_parameters: Mapping[str, str] | None = None,
    claims: Mapping[str, str] | None = None,
    scopes: list[str] | None = None,
    request_id: str | None = None,
    source_ip: str = "127.0.0.1",
    stage: str = "$default",
    api_id: str = "local",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """An event as API Gateway HTTP API sends it to Lambda with payload format 2.0.

    Header names are lower-cased and repeated headers joined with commas; the ``cookie``
    header becomes the ``cookies`` list; repeated query parameters are joined with commas;
    a body that is not text is base64-encoded.
    """
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in pairs:
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        merged[key] = f"{merged[key]},{value}" if key in merged else value

    query: dict[str, str] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value

    moment = now or dt.datetime.now(dt.UTC)
    rid = request_id or str(uuid.uuid4())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key or f"{method.upper()} {path}",
        "rawPath": path,
        "rawQueryString": query_string,
        "headers": merged,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": api_id,
            "domainName": merged.get("host", "localhost"),
            "domainPrefix": merged.get("host", "localhost").split(".")[0],
            "http": {
                "method": method.upper(),
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": merged.get("user-agent", ""),
            },
            "requestId": rid,
            "routeKey": route_key or f"{method.upper()} {path}",
            "stage": stage,
            "time": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(moment.timestamp() * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": dict(claims), "scopes": scopes}}
    if body is not None:
        raw = body.encode() if isinstance(body, str) else body
        if _is_text(merged.get("content-type"), raw):
            event["body"] = raw.decode("utf-8")
        else:
            event["body"] = base64.b64encode(raw).decode("ascii")
            event["isBase64Encoded"] = True
    return event


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def http_response(result: Any) -> HttpResponse:
    """Translate a handler's return value as API Gateway does for payload format 2.0.

    A dict with ``statusCode`` is taken as it is; anything else is sent as a JSON 200.
    """
    import json

    if not isinstance(result, dict) or "statusCode" not in result:
        body = json.dumps(result).encode()
        return HttpResponse(200, [("content-type", "application/json")], body)
    headers: list[tuple[str, str]] = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(v)) for v in values)
    headers.extend(("set-cookie", c) for c in result.get("cookies") or [])
    raw = result.get("body") or ""
    data = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    return HttpResponse(int(result["statusCode"]), headers, data)
