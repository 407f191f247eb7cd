"""The gateway serves exactly the routes and auth that template.yaml declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from dawsos_local.stack import TEMPLATE
from dawsos_local.template import RouteSpec, TemplateError, load_api


def test_template_routes_map_to_existing_handlers() -> None:
    api = load_api(TEMPLATE)

    keys = {(r.route_key, r.function, r.requires_auth) for r in api.routes}
    assert ("GET /health/pack", "ExecuteFunction", True) in keys
    assert ("GET /openapi.json", "ExecuteFunction", False) in keys
    assert ("POST /v1/execute", "ExecuteFunction", True) in keys
    assert ("GET /v1/exports/{export_id}", "ExportFunction", True) in keys
    for spec in api.functions.values():
        assert spec.module_file.is_file()
        assert spec.handler_name == "lambda_handler"
    assert api.functions["PackBuilderFunction"].timeout_seconds == 900
    assert api.functions["ExecuteFunction"].environment["POWERTOOLS_SERVICE_NAME"] == "execute"
    assert "ENVIRONMENT" not in api.functions["ExecuteFunction"].environment  # a !Ref


def test_resolve_extracts_path_parameters() -> None:
    api = load_api(TEMPLATE)

    route, params = api.resolve("GET", "/v1/exports/123e4567") or (None, None)

    assert route is not None
    assert route.function == "ExportFunction"
    assert params == {"export_id": "123e4567"}
    assert api.resolve("DELETE", "/v1/exports/1") is None
    assert api.resolve("GET", "/nowhere") is None


def test_literal_route_wins_over_parameter_and_greedy_routes() -> None:
    routes = sorted(
        [
            RouteSpec("F", "GET", "/{proxy+}", False),
            RouteSpec("F", "GET", "/a/{id}", False),
            RouteSpec("F", "GET", "/a/latest", False),
        ],
        key=lambda r: r.specificity,
    )

    assert [r.path for r in routes] == ["/a/latest", "/a/{id}", "/{proxy+}"]
    assert routes[2].match("GET", "/a/b/c") == {"proxy": "a/b/c"}


def test_template_without_routes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      QueueName: !Sub '${AWS::StackName}-q'\n"
    )

    with pytest.raises(TemplateError, match="no HttpApi routes"):
        load_api(path)
