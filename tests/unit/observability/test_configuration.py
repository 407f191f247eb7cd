"""Each backend is on only when configured, and Sentry refuses to start without its salt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dawsos_core import resources
from dawsos_core.errors import ConfigurationError
from dawsos_core.observability import sentry


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    resources.reset()
    yield
    resources.reset()


def test_nothing_is_on_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SENTRY_DSN", "OTEL_EXPORTER_OTLP_ENDPOINT", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)
    calls: list[Any] = []
    monkeypatch.setattr(sentry, "init_sentry", lambda *a, **k: calls.append(k))

    telemetry = resources.get_telemetry("execute")

    assert telemetry.spans.otel is None
    assert telemetry.otel_provider is None
    assert telemetry.spans._xray() is None
    assert calls == []


def test_sentry_starts_with_a_dsn_and_needs_a_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(sentry, "init_sentry", lambda dsn, **k: calls.append({"dsn": dsn, **k}))
    monkeypatch.setenv("SENTRY_DSN", "https://public@sentry.example.invalid/1")

    with pytest.raises(ConfigurationError, match="SENTRY_USER_SALT"):
        resources.get_telemetry("execute")

    monkeypatch.setenv("SENTRY_USER_SALT", "pepper")
    resources.reset()
    resources.get_telemetry("export")

    assert [(c["dsn"], c["salt"], c["service"]) for c in calls] == [
        ("https://public@sentry.example.invalid/1", "pepper", "export")
    ]
