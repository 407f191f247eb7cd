"""Execute Lambda: pack health, the packs, the caller's ledgers and portfolios, the OpenAPI
document and the executor API.

The X-Ray SDK is not imported at init: the telemetry creates its Tracer on the first traced
span, and SnapStart's before-snapshot hook does that ahead.
"""

from __future__ import annotations

from dawsos_core.api import execute, health, ledgers, openapi, packs, portfolios
from dawsos_core.api.handler import http_function
from dawsos_core.snapstart import register_hooks

app, lambda_handler = http_function(
    "execute",
    health.router,
    execute.router,
    packs.router,
    ledgers.router,
    portfolios.router,
    openapi.router,
)

register_hooks()  # SnapStart: close the connection before the snapshot, reopen after restore
