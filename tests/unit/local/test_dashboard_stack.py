"""The dashboard in AWS: its files in a private, encrypted bucket that only its CloudFront
distribution reads (origin access control), every API route forwarded uncached with the
caller's Authorization header so the browser has one origin, a CSP without inline script,
and the database stack's user pool signing users in with the code flow and PKCE."""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any

from dawsos_local.stack import TEMPLATE
from dawsos_local.template import Intrinsic, load_api
from tests.unit.local.test_database_stack import DATABASE_TEMPLATE, _load, _refs

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def _resources() -> dict[str, Any]:
    resources: dict[str, Any] = _load(TEMPLATE)["Resources"]
    return resources


def test_the_bucket_is_private_encrypted_and_read_by_the_distribution_only() -> None:
    resources = _resources()
    bucket = resources["DashboardBucket"]["Properties"]
    statements = resources["DashboardBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]

    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert isinstance(source, Intrinsic)
    assert "DashboardDistribution" in _refs(source)
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_files_come_through_origin_access_control_and_every_route_reaches_the_api() -> None:
    config = _resources()["DashboardDistribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    behaviours = config["CacheBehaviors"]
    routes = load_api(TEMPLATE).routes

    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["TargetOriginId"] == "files"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert "DashboardOriginAccessControl" in _refs(origins["files"]["OriginAccessControlId"])
    assert origins["files"]["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert "HttpApi" in _refs(origins["api"]["DomainName"])
    for behaviour in behaviours:
        assert behaviour["TargetOriginId"] == "api"
        assert behaviour["CachePolicyId"] == CACHING_DISABLED  # no caller sees another's
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST  # Authorization
        assert {"POST", "PATCH", "DELETE"} <= set(behaviour["AllowedMethods"])
    patterns = [b["PathPattern"] for b in behaviours]
    for route in routes:
        concrete = re.sub(r"\{[^}]+\}", "x", route.path)
        assert any(fnmatch.fnmatchcase(concrete, p) for p in patterns), route.route_key


def test_the_content_security_policy_allows_no_inline_script_and_no_framing() -> None:
    headers = _resources()["DashboardHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp = headers["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    text = csp.value if isinstance(csp, Intrinsic) else csp
    directives = dict(d.strip().split(" ", 1) for d in str(text).split(";"))

    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in str(text)


def test_the_user_pool_signs_the_dashboard_in_with_the_code_flow_once_given_its_url() -> None:
    database = _load(DATABASE_TEMPLATE)
    client = database["Resources"]["UserPoolClient"]["Properties"]
    domain = database["Resources"]["UserPoolDomain"]
    config = database["Outputs"]["DashboardConfig"]

    assert client["GenerateSecret"] is False  # a public client: PKCE, no secret in a browser
    assert client["AllowedOAuthFlows"].value[1] == ["code"]  # !If [SignsInDashboard, ...]
    assert "DashboardUrl" in _refs(client["CallbackURLs"])
    assert domain["Condition"] == config["Condition"] == "SignsInDashboard"
    prefix = re.sub(r"\$\{[^}]+\}", "", str(domain["Properties"]["Domain"].value))
    assert not any(word in prefix.lower() for word in ("aws", "amazon", "cognito"))
    assert {"UserPoolClient", "UserPoolDomain", "DashboardUrl"} <= _refs(config["Value"])
    assert "DashboardUrl" in _load(TEMPLATE)["Outputs"]


def test_the_dashboard_config_output_has_every_field_the_dashboard_reads() -> None:
    from dawsos_local.handlers import REPO_ROOT

    output = _load(DATABASE_TEMPLATE)["Outputs"]["DashboardConfig"]["Value"]
    filled = re.sub(r"\$\{[^}]+\}", "x", str(output.value))
    config = json.loads(filled)
    dashboard = REPO_ROOT / "infra" / "dashboard"
    read = set(re.findall(r"\bauth\.([a-z_]+)", (dashboard / "auth.js").read_text()))
    top = set(re.findall(r"\bconfig\.([a-z_]+)", (dashboard / "app.js").read_text()))

    assert config["auth"]["mode"] == "cognito"
    assert read - {"mode", "sign_in_path"} <= set(config["auth"]), read  # sign_in: local only
    assert top - {"auth", "json"} <= set(config), top  # "json": the file name
    assert config["api_base_url"] == ""  # the API on the dashboard's own origin
