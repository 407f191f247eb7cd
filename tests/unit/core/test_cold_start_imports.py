"""What the execute handler imports when its Lambda starts: never the analytics stack
(numpy, matplotlib), which only the capabilities that compute need."""

from __future__ import annotations

import subprocess
import sys

from dawsos_local.handlers import FUNCTIONS_DIR


def test_importing_the_execute_handler_imports_neither_numpy_nor_matplotlib() -> None:
    app = FUNCTIONS_DIR / "execute" / "app.py"
    code = (
        "import importlib.util as u, sys;"
        f"s = u.spec_from_file_location('app', {str(app)!r});"
        "m = u.module_from_spec(s); s.loader.exec_module(m);"
        "print(sorted({'numpy', 'matplotlib'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={"POWERTOOLS_TRACE_DISABLED": "true", "PATH": "/usr/bin:/bin"},
    )

    assert out.stdout.strip().splitlines()[-1] == "[]"
