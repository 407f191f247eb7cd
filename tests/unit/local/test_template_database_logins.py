"""template.yaml gives each function a database login of its own: its own secret, naming its
own role, and the right to read that secret and no other database secret."""

from __future__ import annotations

from typing import Any

import yaml

from dawsos_core.db.roles import FUNCTION_ROLES
from dawsos_local.stack import TEMPLATE
from dawsos_local.template import Intrinsic, _CfnLoader

# function -> the secret it logs in with (the migrate function: the administrator's)
LOGINS = {
    "ExecuteFunction": "ExecuteDatabaseSecret",
    "ExportFunction": "ExportDatabaseSecret",
    "PackBuilderFunction": "PackBuilderDatabaseSecret",
    "MigrateFunction": "DatabaseAdminSecretArn",
}


def _template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506
    return loaded


def _ref(value: Any) -> str | None:
    return str(value.value) if isinstance(value, Intrinsic) and value.tag == "Ref" else None


def _readable_secrets(function: dict[str, Any]) -> set[str]:
    found = set()
    for policy in function["Properties"].get("Policies", []):
        if isinstance(policy, Intrinsic):  # !If [HasKey, {...}, NoValue]: a provider's key
            policy = policy.value[1]
        statement = policy.get("AWSSecretsManagerGetSecretValuePolicy")
        if statement is not None:
            found.add(_ref(statement["SecretArn"]))
    return {name for name in found if name is not None}


def test_each_function_logs_in_with_a_secret_of_its_own_and_reads_no_other() -> None:
    template = _template()
    resources = template["Resources"]
    database_secrets = set(LOGINS.values())
    functions = {
        name: r for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"
    }

    assert set(functions) == set(LOGINS)
    assert "DB_SECRET_ARN" not in template["Globals"]["Function"]["Environment"]["Variables"]
    for name, function in functions.items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert _ref(variables["DB_SECRET_ARN"]) == LOGINS[name], name
        readable = _readable_secrets(function) & database_secrets
        if name == "MigrateFunction":  # it sets the passwords the others log in with
            assert readable == database_secrets
        else:
            assert readable == {LOGINS[name]}, name


def test_each_functions_secret_names_its_own_role() -> None:
    resources = _template()["Resources"]

    for name, secret in LOGINS.items():
        if name == "MigrateFunction":
            continue
        service = resources[name]["Properties"]["Environment"]["Variables"][
            "POWERTOOLS_SERVICE_NAME"
        ]
        generated = resources[secret]["Properties"]["GenerateSecretString"]
        text = generated["SecretStringTemplate"].value[0]  # !Sub [text, {values}]
        assert f'"username": "{FUNCTION_ROLES[service]}"' in text, name
        assert generated["GenerateStringKey"] == "password"
