"""Domain errors. Each carries the stable error code and HTTP status it maps to.

The mapping to HTTP happens in exactly one place, ``dawsos_core.api.errors``; everything
else raises these and stays free of HTTP.
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus
from typing import Any


class DawsosError(Exception):
    """Base of every error the API reports to its caller by name."""

    code: str = "error"
    status: HTTPStatus = HTTPStatus.INTERNAL_SERVER_ERROR
    details: dict[str, object] = {}  # extra fields of the error body  # noqa: RUF012

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(DawsosError):
    code = "bad_request"
    status = HTTPStatus.BAD_REQUEST


class NotFound(DawsosError):
    code = "not_found"
    status = HTTPStatus.NOT_FOUND


class PayloadTooLarge(DawsosError):
    code = "payload_too_large"
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class Unprocessable(DawsosError):
    code = "unprocessable"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class ServiceUnavailable(DawsosError):
    """A dependency (database, provider, pack) is not ready; the caller should retry later."""

    code = "service_unavailable"
    status = HTTPStatus.SERVICE_UNAVAILABLE

    def __init__(self, message: str, *, retry_after_seconds: int = 60) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"


class ConfigurationError(DawsosError):
    """The process is misconfigured; raised at start-up, never for a caller's input."""

    code = "configuration_error"


class MigrationError(DawsosError):
    code = "migration_error"


class Unauthorized(DawsosError):
    code = "unauthorized"
    status = HTTPStatus.UNAUTHORIZED


class LedgerSourceError(BadRequest):
    """The Git repository or ref cannot be read."""

    code = "ledger_source"


class LedgerInvalid(Unprocessable):
    """Beancount reported errors; nothing was written. ``issues`` lists each with its place."""

    code = "ledger_invalid"

    def __init__(self, issues: list[str]) -> None:
        shown = "\n".join(f"  {issue}" for issue in issues[:50])
        more = f"\n  ... and {len(issues) - 50} more" if len(issues) > 50 else ""
        super().__init__(f"the ledger has {len(issues)} error(s):\n{shown}{more}")
        self.issues = issues
        self.details = {"issues": issues}


class Forbidden(DawsosError):
    code = "forbidden"
    status = HTTPStatus.FORBIDDEN


class ExportBlocked(Forbidden):
    """A source in the execution's lineage forbids export in this environment; the refusal
    is recorded as a rights violation, whose id the body carries."""

    code = "export_blocked"

    def __init__(self, message: str, *, sources: list[str], violation_id: str) -> None:
        super().__init__(message)
        self.details = {"sources": sources, "violation_id": violation_id}


class ViewBlocked(Forbidden):
    """A source the answer used may not be shown in this environment."""

    code = "view_blocked"

    def __init__(self, message: str, *, sources: list[str]) -> None:
        super().__init__(message)
        self.details = {"sources": sources}


class TooManyRequests(DawsosError):
    """The caller already runs as many requests as one caller may; retry shortly."""

    code = "too_many_requests"
    status = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self, message: str, *, retry_after_seconds: int = 1) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class Conflict(DawsosError):
    code = "conflict"
    status = HTTPStatus.CONFLICT


class MissingObservations(Unprocessable):
    """Prices or rates a pack needs are missing or too old; each instrument is named."""

    code = "missing_observations"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ProviderCause(StrEnum):
    """Why a provider gave no answer, each with what to do about it."""

    NOT_FOUND = "not_found"  # the symbol or series is unknown: check it
    NOT_AUTHORISED = "not_authorised"  # the plan or the key does not reach it: check them
    REJECTED = "rejected"  # the request itself was refused (HTTP 400): check its arguments
    RATE_LIMITED = "rate_limited"  # the provider's rate limit: wait, or ask less often
    UNAVAILABLE = "unavailable"  # a timeout, a 5xx: retry later
    MALFORMED = "malformed"  # the answer is not in the documented shape

    @property
    def transient(self) -> bool:
        """Whether asking again later may answer (a rate limit, an outage)."""
        return self in (ProviderCause.RATE_LIMITED, ProviderCause.UNAVAILABLE)


class ProviderError(ServiceUnavailable):
    """A data provider failed (timeout, HTTP error, malformed payload, refused access).

    Besides the message, which names the provider, the URL without its query string, the
    HTTP status, the provider's own error code and message and what to do, an error made
    from an answer carries them as fields: ``cause``, ``http_status`` (the provider's;
    ``status`` stays the one this error maps to), ``provider_code``,
    ``provider_message``, ``url``; ``whole_provider`` says the refusal is not about one
    symbol (an unknown key, a retired endpoint), so asking for another one is pointless.
    """

    code = "provider_error"

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        cause: ProviderCause = ProviderCause.UNAVAILABLE,
        http_status: int | None = None,
        provider_code: str | None = None,
        provider_message: str | None = None,
        url: str | None = None,
        whole_provider: bool = False,
        retry_after_seconds: int = 60,
    ) -> None:
        super().__init__(message, retry_after_seconds=retry_after_seconds)
        self.provider = provider
        self.cause = cause
        self.http_status = http_status
        self.provider_code = provider_code
        self.provider_message = provider_message
        self.url = url
        self.whole_provider = whole_provider

    def answer_fields(self) -> dict[str, Any]:
        """Its fields, as the keyword arguments of an error made from it."""
        return {
            "provider": self.provider,
            "cause": self.cause,
            "http_status": self.http_status,
            "provider_code": self.provider_code,
            "provider_message": self.provider_message,
            "url": self.url,
            "whole_provider": self.whole_provider,
            "retry_after_seconds": self.retry_after_seconds,
        }

    def amended(self, note: str, *, whole_provider: bool | None = None) -> ProviderError:
        """The same error with ``note`` appended to its message (a provider-specific hint)."""
        fields = self.answer_fields()
        if whole_provider is not None:
            fields["whole_provider"] = whole_provider
        return ProviderError(f"{self.message}; {note}", **fields)


class PackFailed(Unprocessable):
    """The pack was recorded with status error; the message says why."""

    code = "pack_failed"


class PackNotReady(ServiceUnavailable):
    """The pack an answer needs is warming, failed or absent; the body names its state."""

    code = "pack_not_ready"

    def __init__(
        self, message: str, *, status: str, pack_id: str | None, retry_after_seconds: int = 60
    ) -> None:
        super().__init__(message, retry_after_seconds=retry_after_seconds)
        self.details = {"status": status, "pack_id": pack_id}
