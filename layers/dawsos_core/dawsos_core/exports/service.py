"""Exports as a service: idempotency key -> the caller's execution -> rights gate -> render
-> watermark -> S3 -> recorded export -> presigned link.

The whole of a new export happens inside the caller's request transaction, which holds an
advisory lock on the idempotency key, so the same key twice yields one export. The row is
inserted only after the object is in S3: an S3 failure rolls everything back (503) and no
row claims a missing file.

The rights gate stands before every presigned link, not only before a new file: a replayed
key and ``GET /v1/exports/{id}`` ask the registry again, for the environment of the running
settings, so a file made where its sources allowed export gets no link where they do not.
A refusal commits its violation row, then is answered with 403.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import asdict, dataclass

from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.executions import ExecutionRecord, find_execution
from dawsos_core.db.repositories.exports import (
    ExportRecord,
    find_export,
    find_export_by_key,
    insert_export,
    insert_violation,
    lock_idempotency_key,
)
from dawsos_core.errors import (
    Conflict,
    ExportBlocked,
    NotFound,
    ServiceUnavailable,
    Unprocessable,
)
from dawsos_core.exports.document import build_document, issued_at_text
from dawsos_core.exports.render import CONTENT_TYPES, render
from dawsos_core.exports.storage import ExportStore
from dawsos_core.exports.watermark import Watermark, embedded_signature, user_hash
from dawsos_core.observability.metrics import EXPORTS_BLOCKED
from dawsos_core.observability.telemetry import annotate, count
from dawsos_core.providers.credentials import provider_key
from dawsos_core.rights.registry import load_registry
from dawsos_core.settings import Settings

UNRECORDED_LINEAGE = "unrecorded lineage"


@dataclass(frozen=True)
class ExportLink:
    export_id: str
    url: str
    expires_at: dt.datetime
    sha256: str
    format: str
    size_bytes: int
    replayed: bool
    watermark: str  # the visible mark the file carries on every page or sheet


def signing_key(settings: Settings) -> bytes:
    """The watermark HMAC key: Secrets Manager in AWS, WATERMARK_KEY locally."""
    key = provider_key(settings.watermark_key, settings.watermark_key_secret_arn)
    if not key:
        raise ServiceUnavailable(
            "exports cannot be signed: set WATERMARK_KEY_SECRET_ARN (or WATERMARK_KEY)",
            retry_after_seconds=settings.retry_after_seconds,
        )
    if len(key) < 32:
        raise ServiceUnavailable(
            "exports cannot be signed: the watermark key is shorter than 32 characters",
            retry_after_seconds=settings.retry_after_seconds,
        )
    return key.encode()


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ExportService:
    db: Database
    settings: Settings
    store: ExportStore
    key: Callable[[], bytes]
    clock: Callable[[], dt.datetime] = _utcnow

    def _link(self, record: ExportRecord, *, replayed: bool) -> ExportLink:
        seconds = self.settings.export_link_seconds
        expires_at = self.clock() + dt.timedelta(seconds=seconds)
        url = self.store.presign(
            record.s3_key, seconds=seconds, filename=f"dawsos-{record.id}.{record.format}"
        )
        return ExportLink(
            export_id=str(record.id),
            url=url,
            expires_at=expires_at.replace(microsecond=0),
            sha256=record.sha256,
            format=record.format,
            size_bytes=record.size_bytes,
            replayed=replayed,
            watermark=Watermark(
                **{k: v for k, v in record.watermark.items() if k != "signature"}
            ).visible_text(),
        )

    def _gate(
        self,
        conn: Connection,
        user_sub: str,
        execution_id: uuid.UUID,
        export_format: str,
        request_id: str,
        execution: ExecutionRecord | None = None,
    ) -> None:
        """Raise ExportBlocked, after recording a violation in ``conn``, when a source in the
        execution's lineage forbids export in this environment; call it before every link.

        An execution that cannot be read (or recorded no sources) has unrecorded lineage,
        which the registry does not know and so never lets out."""
        environment = self.settings.environment
        if execution is None:
            execution = find_execution(conn, execution_id, user_sub)
        sources = (execution.provenance.get("sources") if execution else None) or [
            UNRECORDED_LINEAGE
        ]
        blocked = load_registry().export_blocked(sources, environment)
        if not blocked:
            return
        violation = insert_violation(
            conn,
            user_sub=user_sub,
            execution_id=execution_id,
            export_format=export_format,
            environment=environment.value,
            sources=blocked,
            request_id=request_id,
        )
        raise ExportBlocked(
            f"export refused in {environment.value}: the licence of {', '.join(blocked)} "
            "forbids exporting this answer (it may still be viewed)",
            sources=blocked,
            violation_id=str(violation),
        )

    def create(
        self,
        *,
        user_sub: str,
        execution_id: uuid.UUID,
        export_format: str,
        idempotency_key: str,
        request_id: str,
    ) -> ExportLink:
        environment = self.settings.environment
        written: list[str] = []  # S3 keys put by this call, removed if the row is not committed
        try:
            with self.db.request_transaction(user_sub) as conn:
                lock_idempotency_key(conn, user_sub, idempotency_key)
                existing = find_export_by_key(conn, user_sub, idempotency_key)
                if existing is not None:
                    if existing.execution_id != execution_id or existing.format != export_format:
                        raise Conflict(
                            f"Idempotency-Key {idempotency_key!r} was used for export "
                            f"{existing.id} ({existing.format} of execution "
                            f"{existing.execution_id}); use a new key for another export"
                        )
                    self._gate(conn, user_sub, existing.execution_id, export_format, request_id)
                    return self._link(existing, replayed=True)
                execution = find_execution(conn, execution_id, user_sub)
                if execution is None:
                    raise NotFound(f"no execution {execution_id}")
                self._gate(conn, user_sub, execution.id, export_format, request_id, execution)
                record = self._write(
                    execution, user_sub, export_format, idempotency_key, request_id, written
                )
                insert_export(conn, record)
        except ExportBlocked:
            count(EXPORTS_BLOCKED, environment=environment.value)
            raise
        except BaseException:
            for key in written:
                with suppress(ServiceUnavailable):  # an orphan object expires with the bucket rule
                    self.store.delete(key)
            raise
        annotate(export_id=str(record.id), export_format=export_format)
        return self._link(record, replayed=False)

    def _write(
        self,
        execution: ExecutionRecord,
        user_sub: str,
        export_format: str,
        idempotency_key: str,
        request_id: str,
        written: list[str],
    ) -> ExportRecord:
        if execution.result is None:
            raise Unprocessable(f"execution {execution.id} stored no result to export")
        key = self.key()
        registry = load_registry()
        sources = execution.provenance.get("sources", [])
        document = build_document(
            pattern_id=execution.pattern_id,
            inputs=execution.inputs,
            result=execution.result,
            provenance=execution.provenance,
            attributions=[(a.source, a.text) for a in registry.attributions(sources)],
        )
        export_id = uuid.uuid4()
        issued = self.clock().replace(microsecond=0)
        user = user_hash(key, user_sub)
        watermark = Watermark(
            export_id=str(export_id),
            execution_id=str(execution.id),
            user=user,
            issued_at=issued_at_text(issued),
            request_id=request_id,
            pricing_pack_id=execution.pricing_pack_id,
            ledger_commit_hash=execution.ledger_commit_hash,
            environment=self.settings.environment.value,
            format=export_format,
        )
        data = render(document, watermark, export_format, key)
        digest = hashlib.sha256(data).hexdigest()
        s3_key = f"exports/{user}/{export_id}.{export_format}"
        self.store.put(s3_key, data, content_type=CONTENT_TYPES[export_format], sha256=digest)
        written.append(s3_key)
        return ExportRecord(
            id=export_id,
            user_sub=user_sub,
            execution_id=execution.id,
            idempotency_key=idempotency_key,
            format=export_format,
            s3_key=s3_key,
            sha256=digest,
            size_bytes=len(data),
            watermark={**asdict(watermark), "signature": embedded_signature(data)},
            request_id=request_id,
            created_at=issued,
        )

    def link(self, *, user_sub: str, export_id: uuid.UUID, request_id: str) -> ExportLink:
        """A fresh link for the owner; 404 for anyone else, or once the file has expired;
        403 (and a violation row) when its sources forbid export in this environment."""
        try:
            with self.db.request_transaction(user_sub) as conn:
                record = find_export(conn, export_id, user_sub)
                if record is None:
                    raise NotFound(f"no export {export_id}")
                self._gate(conn, user_sub, record.execution_id, record.format, request_id)
        except ExportBlocked:
            count(EXPORTS_BLOCKED, environment=self.settings.environment.value)
            raise
        if not self.store.exists(record.s3_key):
            raise NotFound(f"export {export_id} has expired from storage")
        return self._link(record, replayed=False)
