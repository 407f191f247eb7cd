"""Parse and book a ledger with beancount 3's own loader; refuse it when Beancount reports
errors (syntax, balance assertions, booking), each listed with its file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dawsos_core.errors import LedgerInvalid


@dataclass(frozen=True)
class LoadedLedger:
    entries: list[Any]
    operating_currencies: list[str]
    root: Path


def _place(error: Any, root: Path) -> str:
    source = getattr(error, "source", None) or {}
    filename, line = source.get("filename"), source.get("lineno")
    if not filename:
        return "(no location)"
    try:
        shown = Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        shown = filename
    return f"{shown}:{line}" if line else shown


def load_ledger(root: Path, main_file: str) -> LoadedLedger:
    from beancount import loader

    loader.initialize(use_cache=False)  # never write pickle caches next to the ledger
    entries, errors, options = loader.load_file(str(root / main_file))
    if errors:
        issues = [f"{_place(e, root)}: {str(e.message).strip()}" for e in errors]
        raise LedgerInvalid(issues)
    return LoadedLedger(entries, list(options.get("operating_currency") or []), root)
