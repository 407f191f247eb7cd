"""infra/database.yaml gives template.yaml what it takes: an output for each of its network,
database and identity parameters, a proxy that admits the secrets the main stack names,
and security groups that chain functions -> proxy -> cluster and nothing else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from dawsos_local.handlers import REPO_ROOT
from dawsos_local.stack import TEMPLATE
from dawsos_local.template import Intrinsic, _CfnLoader

DATABASE_TEMPLATE = REPO_ROOT / "infra" / "database.yaml"

# template.yaml's parameter -> the database stack's output that answers it
WIRING = {
    "SubnetIds": "SubnetIds",
    "SecurityGroupIds": "FunctionSecurityGroupId",
    "DatabaseProxyEndpoint": "DatabaseProxyEndpoint",
    "DatabaseAdminSecretArn": "DatabaseAdminSecretArn",
    "JwtIssuer": "JwtIssuer",
    "JwtAudience": "JwtAudience",
}


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506
    return loaded


def _refs(value: Any) -> set[str]:
    """Every name a value refers to with !Ref, !GetAtt or !Sub (a ``${Name}`` or
    ``${Name.Attribute}`` in its text; not the pseudo parameters), however deep."""
    if isinstance(value, Intrinsic):
        if value.tag == "Ref":
            return {str(value.value)}
        if value.tag == "GetAtt":
            return {str(value.value).split(".")[0]}
        if value.tag == "Sub":
            text, variables = (value.value, {}) if isinstance(value.value, str) else value.value
            named = {m.split(".")[0] for m in re.findall(r"\$\{([A-Za-z0-9.]+)\}", text)}
            return (named - set(variables)) | _refs(variables)
        return _refs(value.value)
    if isinstance(value, dict):
        return set().union(*(_refs(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value)) if value else set()
    return set()


def test_every_required_parameter_of_the_main_stack_is_an_output() -> None:
    main = _load(TEMPLATE)["Parameters"]
    outputs = _load(DATABASE_TEMPLATE)["Outputs"]

    required = {name for name, p in main.items() if "Default" not in p}
    assert required <= set(WIRING)
    assert set(WIRING) <= set(main)
    for output in WIRING.values():
        assert output in outputs, output
        assert "Condition" not in outputs[output], output
    overrides = outputs["ParameterOverrides"]["Value"].value[1]  # !Join [" ", [...]]
    keys = []
    for part in overrides:
        text = part.value if part.tag == "Sub" else part.value[1].value  # !If [c, !Sub, !Sub]
        keys.append(text.split("=", 1)[0])
    assert sorted(keys) == sorted(WIRING)


def test_the_proxy_admits_the_administrator_and_each_function_login() -> None:
    main = _load(TEMPLATE)
    database = _load(DATABASE_TEMPLATE)
    login_secrets = main["Outputs"]["DatabaseLoginSecretArns"]["Value"].value[1]
    auth = database["Resources"]["Proxy"]["Properties"]["Auth"].value  # !If [c, all, admin]
    read = database["Resources"]["ProxyRole"]["Properties"]["Policies"][0]["PolicyDocument"]
    readable = read["Statement"][0]["Resource"].value

    assert auth[0] == "HasFunctionLogins"
    with_logins, admin_only = auth[1], auth[2]
    assert [_refs(a["SecretArn"]) for a in admin_only] == [{"DatabaseAdminSecret"}]
    selected = [a["SecretArn"].value for a in with_logins[1:]]  # !Select [i, list]
    assert [s[0] for s in selected] == list(range(len(login_secrets)))
    assert all(_refs(s[1]) == {"FunctionLoginSecretArns"} for s in selected)
    assert all(a["AuthScheme"] == "SECRETS" and a["IAMAuth"] == "DISABLED" for a in with_logins)
    assert len(readable[1]) == len(with_logins)
    assert len(readable[2]) == len(admin_only)


def test_security_groups_chain_functions_to_proxy_to_cluster() -> None:
    resources = _load(DATABASE_TEMPLATE)["Resources"]
    ingress = {
        (
            _refs(r["Properties"]["GroupId"]).pop(),
            _refs(r["Properties"]["SourceSecurityGroupId"]).pop(),
        )
        for r in resources.values()
        if r["Type"] == "AWS::EC2::SecurityGroupIngress"
    }
    for name, r in resources.items():
        if r["Type"] == "AWS::EC2::SecurityGroup":
            for rule in r["Properties"].get("SecurityGroupIngress", []):
                ingress.add((name, _refs(rule["SourceSecurityGroupId"]).pop()))

    assert ingress == {
        ("ProxySecurityGroup", "FunctionSecurityGroup"),
        ("ClusterSecurityGroup", "ProxySecurityGroup"),
        ("EndpointSecurityGroup", "FunctionSecurityGroup"),
    }
    cluster = resources["Cluster"]["Properties"]
    assert _refs(cluster["VpcSecurityGroupIds"]) == {"ClusterSecurityGroup"}
    assert _refs(resources["Proxy"]["Properties"]["VpcSecurityGroupIds"]) == {"ProxySecurityGroup"}


def test_the_cluster_is_encrypted_serverless_and_protected_by_a_parameter() -> None:
    resources = _load(DATABASE_TEMPLATE)["Resources"]
    cluster = resources["Cluster"]

    assert cluster["Properties"]["StorageEncrypted"] is True
    assert cluster["Properties"]["Engine"] == "aurora-postgresql"
    assert "ServerlessV2ScalingConfiguration" in cluster["Properties"]
    assert cluster["Properties"]["DeletionProtection"].value[0] == "Protected"
    assert cluster["DeletionPolicy"] == "Snapshot"
    assert resources["ClusterInstance"]["Properties"]["DBInstanceClass"] == "db.serverless"
    assert resources["Proxy"]["Properties"]["RequireTLS"] is True
    # the main stack copies host, port and dbname from the administrator's secret
    assert _refs(resources["DatabaseAdminSecretAttachment"]["Properties"]["TargetId"]) == {
        "Cluster"
    }
    generated = resources["DatabaseAdminSecret"]["Properties"]["GenerateSecretString"]
    assert '"dbname"' in generated["SecretStringTemplate"].value
