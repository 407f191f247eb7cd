from __future__ import annotations

import datetime as dt
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.config import Config

from dawsos_core import resources
from dawsos_core.calendar import weekdays
from dawsos_core.db.connection import Database
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_local.aws import LOCAL_CREDENTIALS, LocalAws
from tests.conftest import ApiResponse, invoke
from tests.integration.conftest import FRI, TODAY, LedgerRepo

Execute = Callable[..., ApiResponse]


@pytest.fixture
def executing(
    setup: tuple[Database, LedgerRepo],
    database_url: str,
    as_functions: Callable[[], None],
    call_api: Callable[..., ApiResponse],
    monkeypatch: pytest.MonkeyPatch,
) -> Execute:
    """POST /v1/execute as of Friday 2024-06-28 18:00, with fresh packs for its two weeks;
    each function's handler logs in as its own role, as in AWS."""
    db, _repo = setup
    for day in weekdays(dt.date(2024, 6, 17), FRI):
        assert build_pack(db, day, "ECB", fx=EcbFx(), today=TODAY).status == "fresh"
    monkeypatch.setenv("DAWSOS_NOW", "2024-06-28T18:00:00Z")
    as_functions()

    def run(
        pattern_id: str, inputs: dict[str, Any], sub: str = "alice", **extra: Any
    ) -> ApiResponse:
        body = json.dumps({"pattern_id": pattern_id, "inputs": inputs, **extra})
        return call_api("execute", "POST", "/v1/execute", body=body, sub=sub)

    return run


# Exports: moto's S3 and Secrets Manager, a stopped clock for presigned links, and the
# export handler called as a user would.

KEY = "watermark-key-for-tests-" + "x" * 24
BUCKET = "dawsos-exports-test"


@pytest.fixture(scope="module")
def aws() -> Iterator[LocalAws]:
    local = LocalAws(BUCKET).start()
    yield local
    local.stop()


@dataclass
class Clock:
    """A clock that stands still until it is moved on."""

    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def signed_at(link: str) -> str:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["X-Amz-Date"][0]


def sign_as_of(clock: Clock, aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> None:
    """Have botocore presign links as of the clock's time.

    botocore takes no signing time: its SigV4 signers stamp X-Amz-Date with
    get_current_datetime, imported by name into the signer's module (botocore.auth, or
    botocore.crt.auth when awscrt is installed), so that name is patched.
    """
    signer = botocore.auth.AUTH_TYPE_MAPS["s3v4-query"]

    def now(remove_tzinfo: bool = True) -> dt.datetime:
        return clock.now.replace(tzinfo=None) if remove_tzinfo else clock.now

    monkeypatch.setattr(sys.modules[signer.__module__], "get_current_datetime", now)
    s3 = boto3.client(
        "s3",
        endpoint_url=aws.endpoint_url,
        region_name=LOCAL_CREDENTIALS["AWS_DEFAULT_REGION"],
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(signature_version="s3v4"),  # as ExportStore signs
    )
    probe = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "probe"})
    assert signed_at(probe) == clock.now.strftime("%Y%m%dT%H%M%SZ"), "botocore ignored the clock"


@pytest.fixture
def clock(aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """One stopped clock for both ends of a presigned link: botocore signs as of it and the
    local S3 checks expiry against it."""
    clock = Clock(dt.datetime.now(dt.UTC).replace(microsecond=0))
    sign_as_of(clock, aws, monkeypatch)
    monkeypatch.setattr(aws, "clock", clock)
    return clock


@pytest.fixture
def exporting(
    executing: Execute, aws: LocalAws, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., ApiResponse]:
    """Given fresh packs and the handlers' environment pointed at moto, with the watermark
    key in moto's Secrets Manager."""
    arn = aws.put_secret("dawsos/test-watermark-key", KEY)
    for name, value in {
        **LOCAL_CREDENTIALS,
        "S3_ENDPOINT_URL": aws.endpoint_url,
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": aws.endpoint_url,
        "EXPORTS_BUCKET": BUCKET,
        "WATERMARK_KEY_SECRET_ARN": arn,
    }.items():
        monkeypatch.setenv(name, value)
    resources.reset()

    def export(
        execution_id: str,
        export_format: str = "csv",
        *,
        sub: str = "alice",
        key: str | None = "k1",
    ) -> ApiResponse:
        body = json.dumps({"execution_id": execution_id, "format": export_format})
        headers = {} if key is None else {"Idempotency-Key": key}
        return export_api("POST", "/v1/exports", body=body, sub=sub, headers=headers)

    return export


def export_api(method: str, path: str, **kwargs: Any) -> ApiResponse:
    return invoke("export", method, path, **kwargs)


def fetch(link: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(link, timeout=10) as response:  # noqa: S310 (moto)
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def objects(aws: LocalAws) -> list[str]:
    listed = aws.client().list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listed.get("Contents", []))


@pytest.fixture
def overview(executing: Execute) -> str:
    response = executing("portfolio_overview", {"portfolio_id": "p", "lookback_days": 5})
    assert response.status == HTTPStatus.OK, response.body
    return str(response.body["execution_id"])
