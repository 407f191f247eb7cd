"""Ledger repositories for tests: real Git commits (dulwich) of real Beancount files."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from dulwich import porcelain

from dawsos_core.db.connection import Database

BEAN_EXAMPLE = Path(sys.executable).parent / "bean-example"


class LedgerRepo:
    """A Git working tree to which a test commits ledger files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        porcelain.init(str(path))

    def commit(self, files: dict[str, str], message: str = "ledger") -> str:
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        porcelain.add(str(self.path), paths=[str(self.path / n) for n in files])
        commit_id = porcelain.commit(
            str(self.path),
            message=message.encode(),
            author=b"Test <test@example.com>",
            committer=b"Test <test@example.com>",
        )
        return commit_id.decode()


@pytest.fixture
def ledger_repo(tmp_path: Path) -> LedgerRepo:
    return LedgerRepo(tmp_path / "ledger")


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(lambda: database_url)
    yield database  # type: ignore[misc]
    database.close()


_GENERATED: dict[tuple[int, str, str], str] = {}


@pytest.fixture(scope="session")
def bean_example() -> Callable[[int, str, str], str]:
    """The text of a `bean-example` ledger for a seed and date range (generated once)."""

    def generate(seed: int, begin: str, end: str) -> str:
        key = (seed, begin, end)
        if key not in _GENERATED:
            out = subprocess.run(
                [
                    str(BEAN_EXAMPLE),
                    "--seed",
                    str(seed),
                    "--date-begin",
                    begin,
                    "--date-end",
                    end,
                    "--date-birth",
                    "1980-05-12",
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            )
            _GENERATED[key] = out.stdout
        return _GENERATED[key]

    return generate
