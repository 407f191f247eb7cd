"""HTTP for data providers: timeouts, bounded retries with exponential backoff, pacing under
a rate limit, JSON only.

Failures become ``ProviderError`` naming the provider and what went wrong; URLs are shown
without their query string, and the values of key parameters are struck from any text a
provider sends back, so API keys never reach a message or a log. An HTTP error keeps the
provider's own code and message (FMP's ``Error Message``, Polygon's ``status`` and
``error`` or ``message``, the Valet API's ``message``, FRED's ``error_code`` and
``error_message``, NewsAPI's ``code`` and ``message``) and says what to do:

======================  ==================  ==============================================
HTTP status             cause               what the message says to do
======================  ==================  ==============================================
404, 410                not_found           check the symbol or series
401                     not_authorised      check the key (every request would fail)
402, 403                not_authorised      check the plan or the key
400, 422                rejected            check the request's symbol, series or dates
429                     rate_limited        retried after ``Retry-After``; then: wait
5xx, timeout, refused   unavailable         retried with backoff; then: retry later
======================  ==================  ==============================================

A request first takes a token from the provider's ``TokenBucket`` when one is given; 429
and 5xx answers and transport failures are retried ``retries`` times, a 429 (or 503) after
its ``Retry-After`` (seconds or an HTTP date), else after the backoff, or for a 429 without
one after the bucket's shortest period. A wait longer than the pacing allows fails at once.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import urllib3

from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.providers.rate_limit import Pacing, TokenBucket

RETRIED = frozenset({429, 500, 502, 503, 504})
KEY_PARAMS = frozenset({"apikey", "api_key", "apiKey", "token", "access_key"})
_SHOWN_CHARS = 300


def _shown(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _redact(text: str, params: dict[str, str] | None) -> str:
    """``text`` without the key's value (real keys are long: a test's "k" is left alone
    rather than struck out of every word)."""
    for name, value in (params or {}).items():
        if name in KEY_PARAMS and len(value) >= 8:
            text = text.replace(value, "***")
    return text


def provider_detail(body: bytes | str | Any) -> tuple[str | None, str | None]:
    """The provider's own error code and message in an answer, or None for each."""
    payload = body
    if isinstance(body, bytes | str):
        try:
            payload = json.loads(body)
        except ValueError:
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            return None, " ".join(text.split())[:_SHOWN_CHARS] or None
    if not isinstance(payload, dict):
        return None, None
    code = payload.get("code") or payload.get("error_code")
    status = payload.get("status")
    if code is None and isinstance(status, str) and status.upper() not in ("OK", "DELAYED"):
        code = status
    message = next(
        (
            payload[k]
            for k in ("Error Message", "error_message", "message", "error")
            if isinstance(payload.get(k), str) and payload[k].strip()
        ),
        None,
    )
    shown = " ".join(message.split())[:_SHOWN_CHARS] if message else None
    return (str(code) if code is not None else None), shown


def cause_of(status: int) -> ProviderCause:
    if status in (404, 410):
        return ProviderCause.NOT_FOUND
    if status in (401, 402, 403):
        return ProviderCause.NOT_AUTHORISED
    if status in (400, 422):
        return ProviderCause.REJECTED
    if status == 429:
        return ProviderCause.RATE_LIMITED
    return ProviderCause.UNAVAILABLE


def advice(cause: ProviderCause, *, status: int | None = None, key_name: str | None = None) -> str:
    key = f"the key ({key_name})" if key_name else "the key"
    if cause is ProviderCause.NOT_FOUND:
        return "not found: check the symbol or series"
    if cause is ProviderCause.NOT_AUTHORISED and status == 401:
        return f"not authorised: check {key}"
    if cause is ProviderCause.NOT_AUTHORISED:
        return f"not authorised: check the plan or {key}"
    if cause is ProviderCause.REJECTED:
        return "rejected: check the request's symbol, series or dates"
    if cause is ProviderCause.RATE_LIMITED:
        return "rate limited: wait, or ask less often (the provider's *_RATE_LIMIT setting)"
    if cause is ProviderCause.MALFORMED:
        return "the answer is not in the provider's documented shape"
    return "unavailable: retry later"


def answer_error(
    provider: str,
    url: str,
    status: int,
    body: bytes | str | Any,
    *,
    params: dict[str, str] | None = None,
    cause: ProviderCause | None = None,
    key_name: str | None = None,
) -> ProviderError:
    """The error of a provider's answer: its status, its own code and message, the cause and
    what to do. Also for a 200 whose body is an error (FMP answers some refusals so)."""
    code, message = provider_detail(body)
    message = _redact(message, params) if message else None
    cause = cause or cause_of(status)
    said = f" {code}" if code else ""
    said += f": {message}" if message else ""
    return ProviderError(
        f"{provider}: {_shown(url)} answered HTTP {status}{said};"
        f" {advice(cause, status=status, key_name=key_name)}",
        provider=provider,
        cause=cause,
        http_status=status,
        provider_code=code,
        provider_message=message,
        url=_shown(url),
        whole_provider=status == 401,
    )


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """A ``Retry-After`` header in seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class HttpClient:
    def __init__(
        self,
        *,
        timeout_seconds: float = 10.0,
        retries: int = 3,
        backoff_seconds: float = 0.5,
        limiter: TokenBucket | None = None,
        pacing: Pacing | None = None,
    ) -> None:
        self._pool = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeout_seconds, read=timeout_seconds),
            retries=False,
        )
        self._retries = retries
        self._backoff = backoff_seconds
        self._limiter = limiter
        self._pacing = pacing or (limiter.pacing if limiter is not None else Pacing())

    def get_json(
        self,
        provider: str,
        url: str,
        params: dict[str, str] | None = None,
        *,
        key_name: str | None = None,
    ) -> Any:
        """The JSON of a 200 answer; ``ProviderError`` otherwise (``key_name``, the setting
        of the key, makes a refusal's advice name it)."""
        return self._get(provider, url, params, key_name, _json)

    def get_bytes(self, provider: str, url: str, params: dict[str, str] | None = None) -> bytes:
        """The body of a 200 answer (a file); ``ProviderError`` otherwise."""
        data: bytes = self._get(provider, url, params, None, lambda data, provider, url: data)
        return data

    def _get(
        self,
        provider: str,
        url: str,
        params: dict[str, str] | None,
        key_name: str | None,
        parse: Callable[[bytes, str, str], Any],
    ) -> Any:
        attempt = 0
        while True:
            if self._limiter is not None:
                self._limiter.take()
            wait, failure = self._attempt(provider, url, params, attempt, key_name, parse)
            if failure is None:
                return wait  # the payload
            if attempt >= self._retries or wait is None:
                raise failure
            if not self._pacing.allows(wait):
                raise failure.amended(
                    f"retry after {wait:.0f}s, longer than the"
                    f" {self._pacing.max_wait_seconds:g}s a request may wait"
                )
            self._pacing.wait(wait, f"{provider} {failure.cause.value}, retry {attempt + 1}")
            attempt += 1

    def _attempt(
        self,
        provider: str,
        url: str,
        params: dict[str, str] | None,
        attempt: int,
        key_name: str | None,
        parse: Callable[[bytes, str, str], Any],
    ) -> tuple[Any, ProviderError | None]:
        """(payload, None) on success, else (seconds to wait before a retry or None when
        no retry helps, the error)."""
        backoff = self._backoff * 2**attempt
        try:
            response = self._pool.request("GET", url, fields=params or {})
        except urllib3.exceptions.HTTPError as exc:
            reason = getattr(exc, "reason", None) or exc
            return backoff, ProviderError(
                f"{provider}: {_shown(url)} did not answer ({reason});"
                f" {advice(ProviderCause.UNAVAILABLE)}",
                provider=provider,
                url=_shown(url),
            )
        if response.status != 200:
            failure = answer_error(
                provider, url, response.status, response.data, params=params, key_name=key_name
            )
            if response.status not in RETRIED:
                return None, failure
            asked = retry_after(response.headers.get("Retry-After"))
            if asked is None and response.status == 429:
                period = self._limiter.shortest_period() if self._limiter else None
                asked = period if period is not None else max(backoff, 1.0)
            return (asked if asked is not None else backoff), failure
        try:
            return parse(response.data, provider, url), None
        except ProviderError as exc:
            return None, exc


def _json(data: bytes, provider: str, url: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        raise ProviderError(
            f"{provider}: malformed payload from {_shown(url)}: not JSON",
            provider=provider,
            cause=ProviderCause.MALFORMED,
            http_status=200,
            url=_shown(url),
        ) from None
