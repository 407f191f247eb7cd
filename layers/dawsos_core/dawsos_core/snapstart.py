"""Lambda SnapStart runtime hooks for the execute function.

Before the snapshot: import and build what every request needs (settings, the pattern
library, the agents) so the snapshot holds them, then close the database connection (a
restored socket would be dead). After a restore: reseed ``random`` (OpenTelemetry ids come
from it, and every restored copy would otherwise draw the same ones) and reconnect.
``snapshot_restore_py`` ships with the Lambda Python runtime; elsewhere nothing registers.
"""

from __future__ import annotations

import logging
import os
import random

from dawsos_core import resources
from dawsos_core.errors import ConfigurationError, DatabaseUnavailable

log = logging.getLogger(__name__)


def before_snapshot() -> None:
    resources.get_settings()
    resources.get_library()
    resources.get_orchestrator()
    resources.get_telemetry("execute").spans.warm()  # the X-Ray SDK, when tracing
    resources.get_database().close()


def after_restore() -> None:
    random.seed(os.urandom(32))
    try:
        resources.get_database().connection()
    except (DatabaseUnavailable, ConfigurationError) as exc:
        # The first request reconnects (and answers 503 while the database is down).
        log.warning("no database connection after restore: %s", exc)


def register_hooks() -> bool:
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return False
    register_before_snapshot(before_snapshot)
    register_after_restore(after_restore)
    return True
