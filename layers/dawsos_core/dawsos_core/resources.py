"""Cached factories for what lives as long as an execution environment.

Nothing here runs at import time, so handlers import cheaply and tests can clear the caches
(``get_settings.cache_clear()``) after changing the environment.
"""

from __future__ import annotations

from functools import lru_cache

from dawsos_core.db.connection import Database
from dawsos_core.settings import Settings, load_settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


@lru_cache(maxsize=1)
def get_database() -> Database:
    return Database.from_settings(get_settings())


def reset() -> None:
    """Forget settings and close the connection (tests, and SnapStart's before-snapshot hook)."""
    if get_database.cache_info().currsize:
        get_database().close()
    get_database.cache_clear()
    get_settings.cache_clear()
