"""The dashboard's files are in a regular install too: a wheel built from the repository
carries every file of infra/dashboard under dashboard/, beside dawsos_local, where
`dawsos serve` looks for them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dawsos_local.dashboard import DASHBOARD_DIR

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]


def test_a_wheel_carries_every_dashboard_file(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy: a build writes build/ and egg-info beside its sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("layers", "infra"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run(
        [*pip, str(source), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=tmp_path,
    )

    (wheel,) = tmp_path.glob("dawsos-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    files = {
        f"dashboard/{p.relative_to(DASHBOARD_DIR).as_posix()}"
        for p in DASHBOARD_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert "dashboard/index.html" in files
    assert files <= names, sorted(files - names)
    assert "dawsos_local/dashboard.py" in names
