"""POST /v1/exports and GET /v1/exports/{id} through the export handler, against real
executions, a real PostgreSQL and moto's S3 and Secrets Manager over HTTP."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import uuid
from collections.abc import Callable
from http import HTTPStatus

import pytest

from dawsos_core import resources
from dawsos_core.db.connection import Database
from dawsos_core.errors import DawsosError
from dawsos_core.exports.service import ExportService
from dawsos_core.exports.storage import ExportStore
from dawsos_core.exports.watermark import user_hash, verify
from dawsos_core.settings import Settings
from dawsos_local.aws import LocalAws
from tests.conftest import ApiResponse
from tests.integration.api.conftest import BUCKET, KEY, Clock, export_api, fetch, objects
from tests.integration.conftest import rows


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
    assert body["watermark"] == check.watermark.visible_text()  # what the file shows
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(0) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    key = f"exports/{check.watermark.user}/{body['export_id']}.{export_format}"
    head = aws.client().head_object(Bucket=BUCKET, Key=key)
    assert head["ServerSideEncryption"] in {"AES256", "aws:kms"}
    assert rows(database_url, "SELECT s3_key, sha256 FROM exports") == [
        {"s3_key": key, "sha256": body["sha256"]}
    ]


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
    assert second.body["watermark"] == first.body["watermark"]  # the stored file's own mark
    assert first.body["export_id"] in first.body["watermark"]
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
