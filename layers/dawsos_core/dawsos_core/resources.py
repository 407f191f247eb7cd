"""Cached factories for what lives as long as an execution environment.

Nothing here runs at import time, so handlers import cheaply and tests can clear the caches
(``get_settings.cache_clear()``) after changing the environment.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from dawsos_core.db.connection import Database
from dawsos_core.errors import ConfigurationError
from dawsos_core.providers.credentials import forget_secret_clients
from dawsos_core.settings import Settings, load_settings

if TYPE_CHECKING:
    from dawsos_core.exports.service import ExportService
    from dawsos_core.observability.telemetry import Telemetry
    from dawsos_core.orchestration.orchestrator import PatternOrchestrator
    from dawsos_core.orchestration.patterns import PatternSpec


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


@lru_cache(maxsize=1)
def get_database() -> Database:
    return Database.from_settings(get_settings())


@lru_cache(maxsize=1)
def get_library() -> dict[str, PatternSpec]:
    from dawsos_core.orchestration.patterns import load_library

    return load_library()


@lru_cache(maxsize=1)
def get_orchestrator() -> PatternOrchestrator:
    """The runtime with every agent registered, behind the pattern orchestrator."""
    from dawsos_core.agents.registry import build_runtime
    from dawsos_core.orchestration.orchestrator import PatternOrchestrator

    return PatternOrchestrator(build_runtime())


@lru_cache(maxsize=1)
def get_export_service() -> ExportService:
    from dawsos_core.exports.service import ExportService, signing_key
    from dawsos_core.exports.storage import ExportStore

    settings = get_settings()
    store = ExportStore(
        settings.exports_bucket,
        kms_key_id=settings.exports_kms_key_id,
        endpoint_url=settings.s3_endpoint_url,
    )
    return ExportService(get_database(), settings, store, key=lambda: signing_key(settings))


@lru_cache(maxsize=4)
def get_telemetry(service: str) -> Telemetry:
    """The function's telemetry; Sentry is initialised here, once, when SENTRY_DSN is set."""
    from dawsos_core.observability.logs import service_logger
    from dawsos_core.observability.metrics import MetricsRecorder
    from dawsos_core.observability.sentry import init_sentry
    from dawsos_core.observability.telemetry import Telemetry, current_user
    from dawsos_core.observability.tracing import Spans, otlp_tracer

    settings = get_settings()
    otel, provider = (None, None)
    if settings.otel_exporter_otlp_endpoint:
        otel, provider = otlp_tracer(settings.otel_exporter_otlp_endpoint, service)
    if settings.sentry_dsn is not None and settings.sentry_dsn.get_secret_value():
        if settings.sentry_user_salt is None:
            raise ConfigurationError("SENTRY_USER_SALT is required with SENTRY_DSN")
        init_sentry(
            settings.sentry_dsn.get_secret_value(),
            salt=settings.sentry_user_salt.get_secret_value(),
            environment=settings.environment.value,
            service=service,
            current_user=current_user,
        )
    return Telemetry(
        service=service,
        logger=service_logger(service, settings.log_format),
        metrics=MetricsRecorder(service, enabled=not settings.powertools_metrics_disabled),
        spans=Spans(
            service,
            xray=settings.aws_lambda_function_name is not None
            and not settings.powertools_trace_disabled,
            otel=otel,
        ),
        otel_provider=provider,
    )


def reset() -> None:
    """Forget settings and close the connection (tests, and SnapStart's before-snapshot hook)."""
    if get_database.cache_info().currsize:
        get_database().close()
    get_database.cache_clear()
    get_settings.cache_clear()
    get_orchestrator.cache_clear()
    get_export_service.cache_clear()
    get_telemetry.cache_clear()
    forget_secret_clients()
