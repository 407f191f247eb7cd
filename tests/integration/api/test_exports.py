"""POST /v1/exports and GET /v1/exports/{id} through the export handler, against real
executions, a real PostgreSQL and moto's S3 and Secrets Manager over HTTP."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.config import Config

from dawsos_core import resources
from dawsos_core.db.connection import Database
from dawsos_core.errors import DawsosError
from dawsos_core.exports.service import ExportService
from dawsos_core.exports.storage import ExportStore
from dawsos_core.exports.watermark import user_hash, verify
from dawsos_core.news.newsapi import NewsApiClient
from dawsos_core.news.newsapi import fetch_and_store as store_news
from dawsos_core.providers.http import HttpClient
from dawsos_core.settings import Settings
from dawsos_local.aws import LOCAL_CREDENTIALS, LocalAws
from tests.conftest import ApiResponse, invoke
from tests.integration.api.conftest import Execute
from tests.integration.conftest import FIXTURES, FRI, FakeProvider, rows

KEY = "watermark-key-for-tests-" + "x" * 24
BUCKET = "dawsos-exports-test"
NEWS = (FIXTURES / "newsapi" / "ACME_2024-06-21_2024-06-28.json").read_bytes()


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


@pytest.mark.parametrize("export_format", ["csv", "json", "xlsx", "pdf", "txt"])
def test_export_is_downloadable_signed_and_recorded(
    exporting: Callable[..., ApiResponse],
    overview: str,
    aws: LocalAws,
    database_url: str,
    export_format: str,
) -> None:
    response = exporting(overview, export_format, key=f"k-{export_format}")

    assert response.status == HTTPStatus.OK, response.body
    body = response.body
    status, data = fetch(body["url"])
    assert status == HTTPStatus.OK
    assert hashlib.sha256(data).hexdigest() == body["sha256"]
    check = verify(data, KEY.encode())
    assert check.authentic, check.reason
    assert check.watermark is not None
    assert check.watermark.export_id == body["export_id"]
    assert check.watermark.user == user_hash(KEY.encode(), "alice")
    assert check.watermark.pricing_pack_id is not None
    assert check.watermark.pricing_pack_id.startswith("PP_ECB_2024-06-28")
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(0) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    key = f"exports/{check.watermark.user}/{body['export_id']}.{export_format}"
    head = aws.client().head_object(Bucket=BUCKET, Key=key)
    assert head["ServerSideEncryption"] in {"AES256", "aws:kms"}
    assert rows(database_url, "SELECT s3_key, sha256 FROM exports") == [
        {"s3_key": key, "sha256": body["sha256"]}
    ]


@pytest.fixture
def news(executing: Execute, db: Database, fake_provider: FakeProvider) -> str:
    """Given an execution of news_impact: its lineage names NewsAPI, whose licence allows
    export in development only."""
    fake_provider.serve("/v2/everything", (200, NEWS, 0.0))
    client = NewsApiClient(
        HttpClient(timeout_seconds=1, retries=0), "k", base_url=f"{fake_provider.url}/v2"
    )
    store_news(db, client, ["ACME"], dt.date(2024, 6, 21), FRI)
    response = executing("news_impact", {"portfolio_id": "p", "days": 7})
    assert response.status == HTTPStatus.OK, response.body
    return str(response.body["execution_id"])


def in_environment(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", name)
    resources.reset()


def violations(database_url: str) -> list[dict[str, Any]]:
    return rows(
        database_url,
        "SELECT id, user_sub, execution_id, environment, sources, format, request_id"
        " FROM rights_violations ORDER BY created_at, id",
    )


def test_news_export_is_blocked_in_staging_and_recorded(
    exporting: Callable[..., ApiResponse],
    news: str,
    aws: LocalAws,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = objects(aws)
    in_environment("staging", monkeypatch)

    response = exporting(news, "csv", key="news-1")

    assert response.status == HTTPStatus.FORBIDDEN
    assert response.body["error"] == "export_blocked"
    assert response.body["sources"] == ["NewsAPI"]
    assert response.body["request_id"]
    violations = rows(
        database_url, "SELECT id, user_sub, environment, sources, format FROM rights_violations"
    )
    assert violations == [
        {
            "id": uuid.UUID(response.body["violation_id"]),
            "user_sub": "alice",
            "environment": "staging",
            "sources": ["NewsAPI"],
            "format": "csv",
        }
    ]
    assert objects(aws) == before
    assert rows(database_url, "SELECT count(*) AS n FROM exports") == [{"n": 0}]
    in_environment("development", monkeypatch)
    assert exporting(news, "csv", key="news-2").status == HTTPStatus.OK


def assert_blocked_and_recorded(
    response: ApiResponse, database_url: str, news: str, export_format: str
) -> None:
    assert response.status == HTTPStatus.FORBIDDEN, response.body
    assert response.body["error"] == "export_blocked"
    assert "NewsAPI" in response.body["message"]
    assert response.body["sources"] == ["NewsAPI"]
    assert response.body["request_id"]
    assert "url" not in response.body
    assert violations(database_url) == [
        {
            "id": uuid.UUID(response.body["violation_id"]),
            "user_sub": "alice",
            "execution_id": uuid.UUID(news),
            "environment": "staging",
            "sources": ["NewsAPI"],
            "format": export_format,
            "request_id": response.body["request_id"],
        }
    ]


def test_replaying_a_development_export_in_staging_is_blocked_and_recorded(
    exporting: Callable[..., ApiResponse],
    news: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a NewsAPI-derived export made in development, when its Idempotency-Key is
    replayed after the environment became staging, then no link is issued: 403 and a
    violation row."""
    made = exporting(news, "xlsx", key="news-replay")
    assert made.status == HTTPStatus.OK, made.body
    assert violations(database_url) == []
    in_environment("staging", monkeypatch)

    replayed = exporting(news, "xlsx", key="news-replay")

    assert_blocked_and_recorded(replayed, database_url, news, "xlsx")
    assert rows(database_url, "SELECT count(*) AS n FROM exports") == [{"n": 1}]


def test_a_fresh_link_to_a_development_export_in_staging_is_blocked_and_recorded(
    exporting: Callable[..., ApiResponse],
    news: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given a NewsAPI-derived export made in development, when its owner asks GET
    /v1/exports/{id} after the environment became staging, then 403 and a violation row."""
    made = exporting(news, "csv", key="news-get")
    assert made.status == HTTPStatus.OK, made.body
    export_id = made.body["export_id"]
    path, params = f"/v1/exports/{export_id}", {"export_id": export_id}
    assert export_api("GET", path, path_parameters=params).status == HTTPStatus.OK
    in_environment("staging", monkeypatch)

    again = export_api("GET", path, path_parameters=params)

    assert_blocked_and_recorded(again, database_url, news, "csv")


def test_a_link_refused_in_staging_is_issued_again_in_development(
    exporting: Callable[..., ApiResponse],
    news: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gate reads the environment of each request: leaving staging lifts the refusal."""
    made = exporting(news, "txt", key="news-back")
    export_id = made.body["export_id"]
    path, params = f"/v1/exports/{export_id}", {"export_id": export_id}
    in_environment("staging", monkeypatch)
    assert export_api("GET", path, path_parameters=params).status == HTTPStatus.FORBIDDEN
    in_environment("development", monkeypatch)

    replayed = exporting(news, "txt", key="news-back")
    again = export_api("GET", path, path_parameters=params)

    assert replayed.status == again.status == HTTPStatus.OK
    assert replayed.body["export_id"] == again.body["export_id"] == export_id
    assert fetch(again.body["url"])[0] == HTTPStatus.OK
    assert len(violations(database_url)) == 1


def test_the_same_idempotency_key_twice_is_one_export(
    exporting: Callable[..., ApiResponse], overview: str, aws: LocalAws, database_url: str
) -> None:
    before = len(objects(aws))

    first = exporting(overview, "csv", key="same")
    second = exporting(overview, "csv", key="same")
    other_format = exporting(overview, "pdf", key="same")

    assert first.status == second.status == HTTPStatus.OK
    assert second.body["export_id"] == first.body["export_id"]
    assert (first.body["replayed"], second.body["replayed"]) == (False, True)
    assert len(objects(aws)) == before + 1
    assert rows(database_url, "SELECT count(*) AS n FROM exports") == [{"n": 1}]
    assert other_format.status == HTTPStatus.CONFLICT
    assert first.body["export_id"] in other_format.body["message"]


def test_concurrent_requests_with_one_key_make_one_export(
    exporting: Callable[..., ApiResponse], overview: str, database_url: str, aws: LocalAws
) -> None:
    settings = Settings()
    barrier = threading.Barrier(3)
    links: list[str] = []
    errors: list[BaseException] = []

    def export() -> None:
        db = Database(lambda: database_url)
        service = ExportService(
            db,
            settings,
            ExportStore(BUCKET, endpoint_url=aws.endpoint_url),
            key=KEY.encode,
        )
        barrier.wait()
        try:
            link = service.create(
                user_sub="alice",
                execution_id=uuid.UUID(overview),
                export_format="json",
                idempotency_key="race",
                request_id="r",
            )
            links.append(link.export_id)
        except DawsosError as exc:
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=export) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(links)) == 1
    assert rows(database_url, "SELECT count(*) AS n FROM exports") == [{"n": 1}]


def test_bad_requests_are_refused_by_name(
    exporting: Callable[..., ApiResponse], overview: str
) -> None:
    assert exporting(overview, "docx").status == HTTPStatus.BAD_REQUEST
    missing_key = exporting(overview, "csv", key=None)
    assert missing_key.status == HTTPStatus.BAD_REQUEST
    assert "Idempotency-Key" in missing_key.body["message"]
    assert exporting(overview, "csv", key="bad key").status == HTTPStatus.BAD_REQUEST
    assert exporting(str(uuid.uuid4())).status == HTTPStatus.NOT_FOUND
    others = exporting(overview, sub="mallory")
    assert others.status == HTTPStatus.NOT_FOUND
    assert others.body["error"] == "not_found"


def test_s3_failing_is_503_and_records_nothing(
    exporting: Callable[..., ApiResponse],
    overview: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens
    resources.reset()

    response = exporting(overview, "csv", key="down")

    assert response.status == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.headers["Retry-After"]
    assert "S3" in response.body["message"]
    assert rows(database_url, "SELECT count(*) AS n FROM exports") == [{"n": 0}]


def test_owner_gets_a_fresh_link_and_others_not_found(
    exporting: Callable[..., ApiResponse], overview: str, clock: Clock
) -> None:
    created = exporting(overview, "txt", key="link").body
    path = f"/v1/exports/{created['export_id']}"
    params = {"export_id": created["export_id"]}
    clock.advance(seconds=1)  # X-Amz-Date has one-second resolution: a later link differs

    again = export_api("GET", path, path_parameters=params, sub="alice")
    others = export_api("GET", path, path_parameters=params, sub="mallory")

    assert again.status == HTTPStatus.OK
    assert again.body["export_id"] == created["export_id"]
    assert again.body["url"] != created["url"]
    assert again.body["sha256"] == created["sha256"]
    assert fetch(again.body["url"])[0] == HTTPStatus.OK
    assert others.status == HTTPStatus.NOT_FOUND


def test_an_expired_link_is_refused(
    exporting: Callable[..., ApiResponse],
    overview: str,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXPORT_LINK_SECONDS", "1")
    resources.reset()
    created = exporting(overview, "csv", key="short").body
    assert fetch(created["url"])[0] == HTTPStatus.OK

    clock.advance(seconds=2.1)
    status, body = fetch(created["url"])

    assert status == HTTPStatus.FORBIDDEN
    assert b"Request has expired" in body


def test_export_link_of_unknown_id_is_not_found(exporting: Callable[..., ApiResponse]) -> None:
    export_id = str(uuid.uuid4())
    response = export_api(
        "GET", f"/v1/exports/{export_id}", path_parameters={"export_id": export_id}
    )

    assert response.status == HTTPStatus.NOT_FOUND
