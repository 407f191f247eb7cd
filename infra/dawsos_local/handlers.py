"""Load Lambda handlers by file, as the Lambda runtime does, and give them a context.

Every function's module is called ``app``; loading each under its own module name lets the
three live in one process (tests) without shadowing each other.
"""

from __future__ import annotations

import importlib.util
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Handler = Callable[..., Any]

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = REPO_ROOT / "functions"
OPENAPI_FILE = FUNCTIONS_DIR / "execute" / "openapi.json"


def load_handler(
    module_file: Path, handler_name: str = "lambda_handler", module_name: str | None = None
) -> Handler:
    name = module_name or f"dawsos_fn_{module_file.parent.name}"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, module_file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {module_file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    handler: Handler = getattr(module, handler_name)
    return handler


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that handlers and Powertools read."""

    function_name: str
    timeout_seconds: int = 30
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self.invoked_function_arn = (
            f"arn:aws:lambda:local:000000000000:function:{self.function_name}"
        )
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def execute_openapi_document() -> str:
    """The execute function's OpenAPI document exactly as ``GET /openapi.json`` serves it."""
    from dawsos_core.api.openapi import openapi_json

    return openapi_json()
