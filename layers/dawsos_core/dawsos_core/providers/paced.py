"""The HTTP client of one provider, its requests paced by a token bucket sized from the
provider's ``*_RATE_LIMIT`` setting.

Without a ``pacing`` of its own a caller shares the process's bucket of that provider and
limit (a warm Lambda's later jobs wait for the earlier ones' requests) and waits at most
``PROVIDER_MAX_WAIT_SECONDS``; a caller that brings its pacing (the CLI's backfill, tests
with an injected clock) gets a bucket of its own on that pacing.
"""

from __future__ import annotations

from functools import lru_cache

from dawsos_core.providers.http import HttpClient
from dawsos_core.providers.rate_limit import Pacing, TokenBucket, parse_rate_limits
from dawsos_core.settings import Settings


@lru_cache(maxsize=16)
def _shared_bucket(provider: str, setting: str, limits: str, max_wait: float) -> TokenBucket:
    """One bucket a provider and limit in this process: what lives as long as it."""
    pacing = Pacing(max_wait_seconds=max_wait)
    return TokenBucket(provider, parse_rate_limits(limits), pacing, setting=setting)


def paced_client(
    settings: Settings,
    provider: str | None = None,
    setting: str = "",
    limits: str = "none",
    pacing: Pacing | None = None,
) -> HttpClient:
    """A client with the settings' timeout and retries; with ``provider``, paced under
    ``limits`` (the value of its setting named ``setting``, for the error's advice)."""
    bucket = None
    if provider is not None:
        if pacing is None:
            bucket = _shared_bucket(provider, setting, limits, settings.provider_max_wait_seconds)
        else:
            bucket = TokenBucket(provider, parse_rate_limits(limits), pacing, setting=setting)
    return HttpClient(
        timeout_seconds=settings.provider_timeout_seconds,
        retries=settings.provider_retries,
        limiter=bucket,
        pacing=pacing,
    )
