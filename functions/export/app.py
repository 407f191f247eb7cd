"""Export Lambda: rights-gated exports of stored executions."""

from __future__ import annotations

from dawsos_core.api import exports
from dawsos_core.api.handler import http_function

app, lambda_handler = http_function("export", exports.router)
