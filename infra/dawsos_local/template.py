"""The HTTP API as ``template.yaml`` declares it: functions, routes and their auth.

The local gateway serves exactly these routes, so a route missing from the template is
missing locally too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class TemplateError(Exception):
    """template.yaml does not describe an API the gateway can serve."""


@dataclass(frozen=True)
class Intrinsic:
    """A CloudFormation tag such as ``!Ref X``; it has no value outside AWS."""

    tag: str
    value: Any


class _CfnLoader(yaml.SafeLoader):
    pass


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Intrinsic:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return Intrinsic(suffix, value)


_CfnLoader.add_multi_constructor("!", _intrinsic)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    module_file: Path
    handler_name: str
    timeout_seconds: int
    environment: dict[str, str]


@dataclass(frozen=True)
class RouteSpec:
    function: str
    method: str
    path: str
    requires_auth: bool

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    def _pattern(self) -> re.Pattern[str]:
        parts = []
        for segment in self.path.strip("/").split("/"):
            m = re.fullmatch(r"\{([A-Za-z0-9_]+)(\+?)\}", segment)
            if m is None:
                parts.append(re.escape(segment))
            elif m.group(2):
                parts.append(f"(?P<{m.group(1)}>.+)")
            else:
                parts.append(f"(?P<{m.group(1)}>[^/]+)")
        return re.compile("^/" + "/".join(parts) + "$")

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.method not in ("ANY", method.upper()):
            return None
        m = self._pattern().match(path)
        return None if m is None else m.groupdict()

    @property
    def specificity(self) -> tuple[int, int]:
        """Literal routes win over parameters, and parameters over greedy ones."""
        return (self.path.count("+}"), self.path.count("{"))


@dataclass(frozen=True)
class ApiSpec:
    functions: dict[str, FunctionSpec]
    routes: list[RouteSpec]

    def resolve(self, method: str, path: str) -> tuple[RouteSpec, dict[str, str]] | None:
        for route in self.routes:
            params = route.match(method, path)
            if params is not None:
                return route, params
        return None


def _literal_env(variables: Any) -> dict[str, str]:
    if not isinstance(variables, dict):
        return {}
    return {k: str(v) for k, v in variables.items() if not isinstance(v, Intrinsic)}


def load_api(template_path: Path) -> ApiSpec:
    """Read the HttpApi routes and their functions from a SAM template."""
    try:
        doc = yaml.load(template_path.read_text(), Loader=_CfnLoader)  # noqa: S506 (safe subclass)
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"{template_path}: {exc}") from exc
    root = template_path.parent
    globals_fn = (doc.get("Globals") or {}).get("Function") or {}
    global_env = _literal_env((globals_fn.get("Environment") or {}).get("Variables"))
    default_timeout = int(globals_fn.get("Timeout", 3))
    resources: dict[str, Any] = doc.get("Resources") or {}

    api_auth: dict[str, bool] = {}
    for name, res in resources.items():
        if res.get("Type") == "AWS::Serverless::HttpApi":
            auth = (res.get("Properties") or {}).get("Auth") or {}
            api_auth[name] = bool(auth.get("DefaultAuthorizer"))

    functions: dict[str, FunctionSpec] = {}
    routes: list[RouteSpec] = []
    for name, res in resources.items():
        if res.get("Type") != "AWS::Serverless::Function":
            continue
        props = res.get("Properties") or {}
        code_dir = root / str(props.get("CodeUri", "."))
        module, _, handler_name = str(props.get("Handler", "app.lambda_handler")).rpartition(".")
        env = dict(global_env)
        env.update(_literal_env((props.get("Environment") or {}).get("Variables")))
        functions[name] = FunctionSpec(
            logical_id=name,
            code_dir=code_dir,
            module_file=code_dir / (module.replace(".", "/") + ".py"),
            handler_name=handler_name,
            timeout_seconds=int(props.get("Timeout", default_timeout)),
            environment=env,
        )
        for event in (props.get("Events") or {}).values():
            if event.get("Type") != "HttpApi":
                continue
            eprops = event.get("Properties") or {}
            api_ref = eprops.get("ApiId")
            api_name = api_ref.value if isinstance(api_ref, Intrinsic) else None
            authorizer = (eprops.get("Auth") or {}).get("Authorizer")
            requires_auth = api_auth.get(str(api_name), False) and authorizer != "NONE"
            routes.append(
                RouteSpec(
                    function=name,
                    method=str(eprops.get("Method", "ANY")).upper(),
                    path=str(eprops.get("Path", "/")),
                    requires_auth=requires_auth,
                )
            )
    if not routes:
        raise TemplateError(f"{template_path}: no HttpApi routes")
    for spec in functions.values():
        if not spec.module_file.exists():
            raise TemplateError(f"{spec.logical_id}: handler file {spec.module_file} is missing")
    routes.sort(key=lambda r: r.specificity)
    return ApiSpec(functions=functions, routes=routes)
