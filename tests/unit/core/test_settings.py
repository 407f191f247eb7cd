"""Settings come from the environment and are validated once."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dawsos_core.db.connection import conninfo_source
from dawsos_core.errors import ConfigurationError
from dawsos_core.settings import Environment, Settings


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENVIRONMENT", "DATABASE_URL", "DB_SECRET_ARN", "PRICING_POLICY"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings()

    assert settings.environment is Environment.DEVELOPMENT
    assert settings.database_url is None
    assert settings.pricing_policy == "ECB"


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "staging")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:hunter2@h/db")

    settings = Settings()

    assert settings.environment is Environment.STAGING
    assert "hunter2" not in repr(settings)
    assert conninfo_source(settings)() == "postgresql://u:hunter2@h/db"


def test_invalid_value_names_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "prod")

    with pytest.raises(ValidationError, match="environment"):
        Settings()


def test_no_database_configured_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DB_SECRET_ARN", raising=False)

    with pytest.raises(ConfigurationError, match="DATABASE_URL or DB_SECRET_ARN"):
        conninfo_source(Settings())


def test_providers_default_to_fmps_stable_api_and_each_free_tiers_rate_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("FMP_URL", "FMP_API", "FMP_RATE_LIMIT", "POLYGON_RATE_LIMIT", "BOC_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings()

    assert (settings.fmp_url, settings.fmp_api) == ("https://financialmodelingprep.com", "stable")
    assert (settings.fmp_rate_limit, settings.polygon_rate_limit) == ("250/day", "5/minute")
    assert settings.boc_rate_limit == "none"


def test_an_fmp_url_with_an_api_path_is_refused_naming_fmp_api(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FMP_URL", "https://financialmodelingprep.com/api/v3")

    with pytest.raises(ValidationError, match=r"fmp_url[\s\S]*FMP_API=stable\|v3"):
        Settings()


def test_a_malformed_rate_limit_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLYGON_RATE_LIMIT", "5 a minute")

    with pytest.raises(ValidationError, match=r"polygon_rate_limit[\s\S]*N/minute"):
        Settings()
