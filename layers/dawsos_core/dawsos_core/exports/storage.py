"""The exports bucket: private objects, encrypted at rest, read only through presigned links.

boto3 is imported on first use, so the export Lambda's init does not pay for it until a
request needs S3. Every S3 failure becomes a 503: the caller may retry, nothing is recorded.
"""

from __future__ import annotations

from typing import Any

from dawsos_core.errors import ServiceUnavailable


class ExportStore:
    """Puts, checks and presigns export objects in one bucket."""

    def __init__(
        self,
        bucket: str,
        *,
        kms_key_id: str | None = None,
        endpoint_url: str | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.kms_key_id = kms_key_id
        self.endpoint_url = endpoint_url
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            self._client = boto3.client(
                "s3",
                endpoint_url=self.endpoint_url,
                config=Config(
                    signature_version="s3v4",
                    connect_timeout=3,
                    read_timeout=10,
                    retries={"mode": "standard", "max_attempts": 3},
                ),
            )
        return self._client

    def _call(self, what: str, operation: str, **params: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(**params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            raise ServiceUnavailable(f"S3 refused to {what}: {code}") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(f"S3 is unreachable ({what}): {type(exc).__name__}") from exc

    def put(self, key: str, data: bytes, *, content_type: str, sha256: str) -> None:
        encryption: dict[str, str] = (
            {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.kms_key_id}
            if self.kms_key_id
            else {"ServerSideEncryption": "AES256"}
        )
        self._call(
            "store the export",
            "put_object",
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            Metadata={"sha256": sha256},
            **encryption,
        )

    def exists(self, key: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise ServiceUnavailable("S3 refused to read the export") from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable("S3 is unreachable (read the export)") from exc
        return True

    def delete(self, key: str) -> None:
        self._call("remove an unrecorded export", "delete_object", Bucket=self.bucket, Key=key)

    def presign(self, key: str, *, seconds: int, filename: str) -> str:
        url: str = self._call(
            "sign a link",
            "generate_presigned_url",
            ClientMethod="get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
            },
            ExpiresIn=seconds,
        )
        return url
