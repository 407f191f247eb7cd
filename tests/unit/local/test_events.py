"""The gateway's events follow API Gateway HTTP API payload format 2.0."""

from __future__ import annotations

import base64
import json

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from dawsos_local.events import http_api_event, http_response


def test_event_carries_the_payload_2_0_envelope() -> None:
    event = http_api_event(
        "post",
        "/v1/exports/abc",
        query_string="a=1&b=2&b=3",
        headers=[
            ("Content-Type", "application/json"),
            ("X-Multi", "one"),
            ("x-multi", "two"),
            ("Cookie", "c1=v1; c2=v2"),
            ("Host", "api.example.com"),
        ],
        body='{"k": 1}',
        route_key="POST /v1/exports/{export_id}",
        path_parameters={"export_id": "abc"},
        claims={"sub": "alice"},
        request_id="req-1",
    )

    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /v1/exports/{export_id}"
    assert event["rawPath"] == "/v1/exports/abc"
    assert event["rawQueryString"] == "a=1&b=2&b=3"
    assert event["queryStringParameters"] == {"a": "1", "b": "2,3"}
    assert event["headers"]["content-type"] == "application/json"
    assert event["headers"]["x-multi"] == "one,two"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["pathParameters"] == {"export_id": "abc"}
    ctx = event["requestContext"]
    assert ctx["requestId"] == "req-1"
    assert ctx["stage"] == "$default"
    assert ctx["http"]["method"] == "POST"
    assert ctx["http"]["path"] == "/v1/exports/abc"
    assert ctx["authorizer"]["jwt"]["claims"] == {"sub": "alice"}
    assert event["isBase64Encoded"] is False
    assert event["body"] == '{"k": 1}'


def test_powertools_reads_the_event_as_lambda_would() -> None:
    event = APIGatewayProxyEventV2(
        http_api_event(
            "POST",
            "/x",
            query_string="q=1",
            headers={"content-type": "application/json"},
            body=b'{"a": [1, 2]}',
            claims={"sub": "bob", "exp": "1700000000"},
        )
    )

    assert event.json_body == {"a": [1, 2]}
    assert event.query_string_parameters == {"q": "1"}
    assert event.request_context.authorizer.jwt_claim == {"sub": "bob", "exp": "1700000000"}
    assert event.request_context.stage == "$default"


def test_binary_body_is_base64_encoded() -> None:
    raw = bytes(range(256))

    event = http_api_event(
        "POST", "/upload", headers={"content-type": "application/octet-stream"}, body=raw
    )

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == raw


def test_event_without_token_or_query_omits_those_keys() -> None:
    event = http_api_event("GET", "/openapi.json")

    assert "authorizer" not in event["requestContext"]
    assert "queryStringParameters" not in event
    assert "body" not in event
    assert "cookies" not in event


def test_response_translation_handles_cookies_and_base64() -> None:
    response = http_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/pdf"},
            "cookies": ["a=1; Secure"],
            "body": base64.b64encode(b"%PDF").decode(),
            "isBase64Encoded": True,
        }
    )

    assert response.status == 201
    assert ("set-cookie", "a=1; Secure") in response.headers
    assert response.body == b"%PDF"


def test_response_without_status_code_is_a_json_200() -> None:
    response = http_response({"hello": "world"})

    assert response.status == 200
    assert json.loads(response.body) == {"hello": "world"}
