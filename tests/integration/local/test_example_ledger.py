"""The demo's example ledger is committed correctly, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from dulwich import porcelain

from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_local import example_ledger


def test_relative_data_dir_commits_the_ledger_and_reruns_reuse_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.chdir(tmp_path)
    relative = Path(".dawsos/ledger")

    first = example_ledger.ensure_repository(relative)
    again = example_ledger.ensure_repository(relative)

    assert first.committed is True
    assert again.committed is False
    db = Database(lambda: database_url)
    result = sync_ledger(db, relative)
    db.close()
    assert result.main_file == example_ledger.MAIN_FILE
    assert result.transactions > 1000


def test_a_head_without_the_ledger_is_repaired(tmp_path: Path) -> None:
    repo = tmp_path / "ledger"
    repo.mkdir()
    porcelain.init(str(repo))
    (repo / "README").write_text("not the ledger")
    porcelain.add(str(repo), paths=[str(repo / "README")])
    porcelain.commit(str(repo), message=b"empty", author=b"a <a@a>", committer=b"a <a@a>")

    assert example_ledger.ensure_repository(repo).committed is True
