"""Domain errors. Each carries the stable error code and HTTP status it maps to.

The mapping to HTTP happens in exactly one place, ``dawsos_core.api.errors``; everything
else raises these and stays free of HTTP.
"""

from __future__ import annotations

from http import HTTPStatus


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


class Conflict(DawsosError):
    code = "conflict"
    status = HTTPStatus.CONFLICT


class MissingObservations(Unprocessable):
    """Prices or rates a pack needs are missing or too old; each instrument is named."""

    code = "missing_observations"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ProviderError(ServiceUnavailable):
    """A data provider failed (timeout, HTTP error, malformed payload, refused access)."""

    code = "provider_error"


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
