"""SnapStart hooks: the connection is closed before the snapshot and reopened after restore."""

from __future__ import annotations

import random
from collections.abc import Callable

import snapshot_restore_py

from dawsos_core import resources
from dawsos_core.snapstart import after_restore, before_snapshot
from dawsos_local.handlers import FUNCTIONS_DIR, load_handler


def test_execute_handler_registers_both_hooks() -> None:
    load_handler(FUNCTIONS_DIR / "execute" / "app.py")

    registered_before = [hook for hook, _, _ in snapshot_restore_py.get_before_snapshot()]
    registered_after = [hook for hook, _, _ in snapshot_restore_py.get_after_restore()]
    assert before_snapshot in registered_before
    assert after_restore in registered_after


def test_hooks_close_then_reopen_and_reseed(
    database_url: str, api_env: Callable[[str], None]
) -> None:
    api_env(database_url)
    first = resources.get_database().connection()

    before_snapshot()
    assert first.closed
    random.seed(1)
    expected_without_reseed = random.random()
    random.seed(1)
    after_restore()

    assert random.random() != expected_without_reseed
    again = resources.get_database().connection()
    assert not again.closed
    assert again is not first
