"""The deployable artifacts, built as `sam build` builds them (arm64 wheels for Python 3.12,
no container): each function with its layers stays at least 25% under Lambda's limit of
250 MiB unzipped, carries only the layers it needs, and its handler imports from the built
code alone under Python 3.12 (the layers' requirements installed for this machine's
architecture, as the arm64 wheels cannot run here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
LIMIT_BYTES = 262_144_000  # Lambda: a function and all its layers, unzipped
HEADROOM = 0.75
LAYER_REQUIREMENTS = {
    "DawsCoreLayer": "requirements.txt",
    "LedgerLayer": "requirements-ledger.txt",
    "RenderLayer": "requirements-render.txt",
}
# What a function must not carry: the renderers and the ledger's parsers weigh on cold start.
NOT_IN = {
    "ExecuteFunction": {"matplotlib", "fontTools", "PIL", "fpdf", "xlsxwriter", "dulwich"},
    "ExportFunction": {"dulwich", "beancount"},
    "PackBuilderFunction": {"matplotlib", "fontTools", "PIL", "fpdf"},
    "MigrateFunction": {"matplotlib", "fontTools", "PIL", "fpdf", "xlsxwriter", "dulwich"},
}


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags read as plain values."""


def _tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}  # type: ignore[arg-type]


_Loader.add_multi_constructor("!", _tag)


def python312() -> str:
    """Python 3.12: DAWSOS_PYTHON312, else the newest 3.12 pyenv has (its shims need a
    version chosen), else one on PATH."""
    named = os.environ.get("DAWSOS_PYTHON312")
    if named:
        return named
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(root.glob("3.12.*/bin/python3.12"))
    if found:
        return str(found[-1])
    on_path = shutil.which("python3.12")
    if on_path is None:
        pytest.fail("Python 3.12 is needed (set DAWSOS_PYTHON312, or `pyenv install 3.12`)")
    return on_path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sam") / "build"
    sam = Path(sys.executable).parent / "sam"
    subprocess.run(
        [str(sam), "build", "--template", str(ROOT / "template.yaml"), "--build-dir", str(out)],
        check=True,
        cwd=ROOT,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        capture_output=True,
        timeout=900,
    )
    return out


def _functions(built: Path) -> dict[str, list[str]]:
    """Each function of the built template and the logical ids of its layers."""
    template = yaml.load((built / "template.yaml").read_text(), Loader=_Loader)  # noqa: S506
    defaults = template.get("Globals", {}).get("Function", {}).get("Layers", [])
    functions = {}
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            layers = [*defaults, *resource["Properties"].get("Layers", [])]  # SAM adds them
            functions[name] = [layer["Ref"] for layer in layers]
    return functions


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def test_each_function_with_its_layers_stays_a_quarter_under_lambdas_limit(built: Path) -> None:
    sizes = {}
    for function, layers in _functions(built).items():
        parts = [built / function, *(built / layer for layer in layers)]
        sizes[function] = sum(_size(part) for part in parts)
        shown = ", ".join(f"{p.name} {_size(p) / 2**20:.1f} MiB" for p in parts)
        print(f"{function}: {sizes[function] / 2**20:.1f} MiB ({shown})")

    assert set(sizes) == set(NOT_IN)
    for function, size in sizes.items():
        assert size <= HEADROOM * LIMIT_BYTES, (function, size)


def test_each_function_carries_only_the_layers_it_needs(built: Path) -> None:
    for function, layers in _functions(built).items():
        carried = {
            package.name
            for layer in layers
            for package in (built / layer / "python").iterdir()
            if package.is_dir()
        }
        assert not carried & NOT_IN[function], (function, carried & NOT_IN[function])


@pytest.fixture(scope="module")
def local_layers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each layer as it is built, its requirements installed for this machine under 3.12."""
    root, python = tmp_path_factory.mktemp("layers"), python312()
    layers = {}
    for layer, requirements in LAYER_REQUIREMENTS.items():
        target = root / layer / "python"
        subprocess.run(
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--only-binary=:all:",
                "--target",
                str(target),
                "-r",
                str(ROOT / "layers" / "dawsos_core" / requirements),
            ],
            check=True,
            capture_output=True,
            timeout=900,
        )
        layers[layer] = target
    shutil.copytree(
        ROOT / "layers" / "dawsos_core" / "dawsos_core", layers["DawsCoreLayer"] / "dawsos_core"
    )
    runtime = root / "runtime"  # what the Lambda runtime provides
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--target", str(runtime), "boto3"],
        check=True,
        capture_output=True,
        timeout=900,
    )
    layers["runtime"] = runtime
    return layers


@pytest.mark.parametrize("function", sorted(NOT_IN))
def test_each_handler_imports_from_the_built_code_alone_under_python_312(
    built: Path, local_layers: dict[str, Path], function: str
) -> None:
    layers = _functions(built)[function]
    path = [str(built / function), *(str(local_layers[layer]) for layer in layers)]
    path.append(str(local_layers["runtime"]))
    check = (
        f"import sys; sys.path[:0] = {path!r}; import app; "
        "assert callable(app.lambda_handler); "
        f"absent = {sorted(NOT_IN[function])!r}; "
        "loaded = sorted(m for m in absent if m in sys.modules); "
        "assert not loaded, loaded; print(sys.version.split()[0])"
    )
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "us-east-1",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }

    done = subprocess.run(
        [python312(), "-I", "-c", check],
        capture_output=True,
        text=True,
        env=env,
        cwd=built / function,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("3.12")
