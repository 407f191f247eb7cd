"""HTTP for data providers: timeouts, bounded retries with exponential backoff, JSON only.

Failures become ``ProviderError`` naming the provider and what went wrong; URLs are shown
without their query string, so API keys never reach a message or a log.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import urllib3

from dawsos_core.errors import ProviderError


def _shown(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class HttpClient:
    def __init__(
        self, *, timeout_seconds: float = 10.0, retries: int = 3, backoff_seconds: float = 0.5
    ) -> None:
        self._pool = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=timeout_seconds, read=timeout_seconds),
            retries=urllib3.Retry(
                total=retries,
                backoff_factor=backoff_seconds,
                status_forcelist=(429, 500, 502, 503, 504),
                allowed_methods=frozenset({"GET"}),
                raise_on_status=False,
                respect_retry_after_header=True,
            ),
        )

    def get_json(self, provider: str, url: str, params: dict[str, str] | None = None) -> Any:
        try:
            response = self._pool.request("GET", url, fields=params or {})
        except urllib3.exceptions.HTTPError as exc:
            reason = getattr(exc, "reason", None) or exc
            raise ProviderError(f"{provider}: {_shown(url)} did not answer ({reason})") from exc
        if response.status != 200:
            raise ProviderError(f"{provider}: {_shown(url)} answered HTTP {response.status}")
        try:
            return json.loads(response.data)
        except ValueError as exc:
            raise ProviderError(
                f"{provider}: malformed payload from {_shown(url)}: not JSON"
            ) from exc
