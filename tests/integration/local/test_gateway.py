"""The local gateway over a real socket: requests it cannot frame, and headers over its
limits, are answered with JSON errors like any other refusal, never a dropped connection,
a hang or an HTML page."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest

from dawsos_local.gateway import Gateway, GatewayServer
from dawsos_local.template import load_api

READ_TIMEOUT = 0.5  # the gateway's, short so a stalled body is answered quickly
CLIENT_TIMEOUT = 10.0  # the test's: a gateway that hangs fails the test, it does not stall it


@pytest.fixture(scope="module")
def gateway() -> Iterator[GatewayServer]:
    """Given the template's routes served on a free port. No function is started: every
    request below is answered before one would be invoked."""
    api = load_api(Path(__file__).parents[3] / "template.yaml")
    server = GatewayServer(Gateway(api, {}, "s" * 32), port=0, read_timeout_seconds=READ_TIMEOUT)
    server.start()
    yield server
    server.stop()


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage  # case-insensitive
    body: Any
    seconds: float
    closed: bool  # the gateway closed the connection after answering


def exchange(server: GatewayServer, raw: bytes, *, end_sending: bool = False) -> Answer:
    """Send ``raw`` bytes as they are, read one response, and whether the connection then
    closed. ``end_sending`` closes the client's side once sent, as a client that has no more
    to send would."""
    port = server.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as sock:
        started = time.perf_counter()
        sock.sendall(raw)
        if end_sending:
            sock.shutdown(socket.SHUT_WR)
        response = http.client.HTTPResponse(sock)
        response.begin()
        data = response.read()
        seconds = time.perf_counter() - started
        closed = sock.recv(1) == b""
    content_type = response.getheader("Content-Type", "")
    body = json.loads(data) if "json" in content_type else data.decode(errors="replace")
    return Answer(response.status, response.headers, body, seconds, closed)


def post(content_length: str, body: bytes = b"{}", *, path: str = "/v2/nowhere") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\n"
        f"Content-Length: {content_length}\r\n\r\n"
    ).encode() + body


def assert_json_error(answer: Answer, status: HTTPStatus, error: str) -> None:
    assert answer.status == status, answer.body
    assert answer.headers["Content-Type"] == "application/json"
    assert isinstance(answer.body, dict), answer.body
    assert set(answer.body) == {"error", "message", "request_id"}
    assert answer.body["error"] == error
    assert answer.body["request_id"]
    assert answer.closed


@pytest.mark.parametrize("value", ["abc", "12abc", "1e3", "+2", "", "0x10"])
def test_a_non_numeric_content_length_is_a_json_400(gateway: GatewayServer, value: str) -> None:
    answer = exchange(gateway, post(value))

    assert_json_error(answer, HTTPStatus.BAD_REQUEST, "bad_request")
    assert "Content-Length" in answer.body["message"]


def test_a_negative_content_length_is_a_json_400_at_once(gateway: GatewayServer) -> None:
    """Given a negative Content-Length and a client that keeps its connection open, the
    answer comes without waiting for the client to finish."""
    answer = exchange(gateway, post("-5"))

    assert_json_error(answer, HTTPStatus.BAD_REQUEST, "bad_request")
    assert "non-negative integer" in answer.body["message"]
    assert answer.seconds < READ_TIMEOUT


def test_a_content_length_over_a_stalled_body_is_a_json_400_after_the_read_timeout(
    gateway: GatewayServer,
) -> None:
    """Given 10 bytes of a promised 100 and a client that then sends nothing, the gateway
    answers once its read timeout passes."""
    answer = exchange(gateway, post("100", b'{"a": 1234'))

    assert_json_error(answer, HTTPStatus.BAD_REQUEST, "bad_request")
    assert "shorter than its Content-Length of 100" in answer.body["message"]
    assert READ_TIMEOUT <= answer.seconds < CLIENT_TIMEOUT


def test_a_content_length_over_a_finished_body_is_a_json_400_at_once(
    gateway: GatewayServer,
) -> None:
    answer = exchange(gateway, post("100", b'{"a": 1234'), end_sending=True)

    assert_json_error(answer, HTTPStatus.BAD_REQUEST, "bad_request")
    assert "ended after 10 bytes" in answer.body["message"]
    assert answer.seconds < READ_TIMEOUT


def test_two_different_content_lengths_are_a_json_400(gateway: GatewayServer) -> None:
    raw = b"POST /v2/nowhere HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"

    answer = exchange(gateway, raw)

    assert_json_error(answer, HTTPStatus.BAD_REQUEST, "bad_request")


def test_a_chunked_body_is_a_json_400(gateway: GatewayServer) -> None:
    raw = b"POST /v2/nowhere HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"

    answer = exchange(gateway, raw)

    assert_json_error(answer, HTTPStatus.BAD_REQUEST, "bad_request")
    assert "Transfer-Encoding" in answer.body["message"]


def test_a_content_length_over_the_payload_limit_is_a_json_413_unread(
    gateway: GatewayServer,
) -> None:
    answer = exchange(gateway, post(str(10 * 1024 * 1024 + 1), b""))

    assert_json_error(answer, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large")
    assert answer.seconds < READ_TIMEOUT


def test_a_100_kb_token_is_a_json_431(gateway: GatewayServer) -> None:
    token = "a" * 100_000
    raw = f"GET /health/pack HTTP/1.1\r\nHost: local\r\nAuthorization: Bearer {token}\r\n\r\n"

    answer = exchange(gateway, raw.encode())

    assert_json_error(answer, HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large")
    assert "too long" in answer.body["message"]


def test_too_many_headers_are_a_json_431(gateway: GatewayServer) -> None:
    headers = "".join(f"X-Filler-{i}: {i}\r\n" for i in range(150))
    raw = f"GET /health/pack HTTP/1.1\r\nHost: local\r\n{headers}\r\n"

    answer = exchange(gateway, raw.encode())

    assert_json_error(answer, HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large")


def test_a_request_line_over_64_kib_is_a_json_414(gateway: GatewayServer) -> None:
    raw = f"GET /health/pack?q={'x' * 70_000} HTTP/1.1\r\nHost: local\r\n\r\n"

    answer = exchange(gateway, raw.encode())

    assert_json_error(answer, HTTPStatus.REQUEST_URI_TOO_LONG, "uri_too_long")


def test_a_well_framed_body_reaches_the_gateway_and_keeps_the_connection(
    gateway: GatewayServer,
) -> None:
    """The framing checks refuse only what cannot be framed: two requests with bodies on one
    connection are both routed (here to a JSON 404), and the connection stays open."""
    port = gateway.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        statuses = []
        for body in (b'{"a": 1}', b""):
            connection.request("POST", "/v2/nowhere", body=body)
            response = connection.getresponse()
            answer = json.loads(response.read())
            statuses.append(response.status)
            assert set(answer) == {"error", "message", "request_id"}
            assert response.getheader("Connection") != "close"
    finally:
        connection.close()

    assert statuses == [HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND]
