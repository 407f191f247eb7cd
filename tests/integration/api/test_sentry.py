"""Sentry through the execute handler with a capturing transport: an unexpected error is
reported, and no raw personal data is in any captured event."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from dawsos_core import execution, resources
from dawsos_core.observability.sentry import init_sentry, user_digest
from dawsos_core.observability.telemetry import current_user
from tests.conftest import ApiResponse

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"


class Capture(Transport):
    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def sentry() -> Iterator[Capture]:
    capture = Capture()
    init_sentry(
        "https://public@sentry.example.invalid/1",
        salt="test-salt",
        environment="development",
        service="execute",
        current_user=current_user,
        transport=capture,
    )
    yield capture
    sentry_sdk.get_client().close()
    sentry_sdk.init()


def test_unexpected_errors_reach_sentry_without_personal_data(
    executing: Callable[..., ApiResponse],
    sentry: Capture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(value: Any) -> str:
        raise RuntimeError(
            f"cannot serialise for alice (alice@example.com), account 123456789012, "
            f"token Bearer {JWT}"
        )

    monkeypatch.setattr(execution, "canonical_json", explode)

    response = executing(
        "portfolio_overview",
        {"portfolio_id": "p", "lookback_days": 5},
        sub="alice",
    )
    sentry_sdk.flush()

    assert response.status == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "alice" not in str(response.body)
    sent = b"".join(envelope.serialize() for envelope in sentry.envelopes)
    assert b"RuntimeError" in sent
    for raw in (b"alice", b"123456789012", JWT.encode()):
        assert raw not in sent, raw
    assert user_digest("test-salt", "alice").encode() in sent
    resources.reset()
