"""In-process AWS for the local stack: moto's threaded server with the exports bucket,
configured like the template's (private, encrypted, public access blocked), and the
watermark key in Secrets Manager, read by the export function as it is in AWS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",  # moto accepts any key
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_EXPIRED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Request has expired</Message></Error>"
)


class PresignedExpiry:
    """WSGI middleware: refuse a presigned request after X-Amz-Date + X-Amz-Expires, as S3
    does (moto accepts expired links, so without this the local stack would too)."""

    def __init__(self, app: Any, clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self.app = app
        self.clock = clock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "X-Amz-Expires" in query and "X-Amz-Date" in query:
            signed = dt.datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
            expires = signed.replace(tzinfo=dt.UTC) + dt.timedelta(
                seconds=int(query["X-Amz-Expires"][0])
            )
            if self.clock() > expires:
                start_response(
                    "403 Forbidden",
                    [("Content-Type", "application/xml"), ("Content-Length", str(len(_EXPIRED)))],
                )
                return [_EXPIRED]
        result: Iterable[bytes] = self.app(environ, start_response)
        return result


def _moto_server(host: str, clock: Callable[[], dt.datetime]) -> Any:
    """moto's threaded server with its WSGI app behind PresignedExpiry (which asks clock
    for the time)."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class Server(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = PresignedExpiry(DomainDispatcherApplication(create_backend_app), clock)
            self._server = make_server(
                self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    return Server(ip_address=host, port=0, verbose=False)


class LocalAws:
    def __init__(self, bucket: str, clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self.bucket = bucket
        # The time presigned links are checked against; read on every request, so a test
        # may swap it while the server runs.
        self.clock = clock
        self._server: Any = None
        self.endpoint_url = ""

    def start(self) -> LocalAws:
        self._server = _moto_server("127.0.0.1", lambda: self.clock())
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self._create_bucket()
        return self

    def client(self, service: str = "s3") -> Any:
        import boto3

        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.endpoint_url,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=LOCAL_CREDENTIALS["AWS_DEFAULT_REGION"],
        )

    def _create_bucket(self) -> None:
        s3 = self.client()
        s3.create_bucket(Bucket=self.bucket)
        s3.put_public_access_block(
            Bucket=self.bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_encryption(
            Bucket=self.bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )

    def put_secret(self, name: str, value: str) -> str:
        """Store a secret string (replacing an earlier one of that name); its ARN."""
        secrets = self.client("secretsmanager")
        try:
            return str(secrets.create_secret(Name=name, SecretString=value)["ARN"])
        except secrets.exceptions.ResourceExistsException:
            return str(secrets.put_secret_value(SecretId=name, SecretString=value)["ARN"])

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
