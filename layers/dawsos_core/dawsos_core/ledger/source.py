"""Read one commit of a Git repository with dulwich: no git binary, as in a Lambda.

The committed tree is what gets synced; uncommitted changes in a working tree are not.
"""

from __future__ import annotations

import datetime as dt
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dawsos_core.errors import LedgerSourceError

MAX_TREE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class LedgerCommit:
    """A commit of the ledger repository and the file Beancount starts from."""

    repo_path: Path
    commit_hash: str
    committed_at: dt.datetime
    main_file: str


def _find_repo_root(path: Path) -> tuple[Path, str | None]:
    """(repository root, main file relative to it) for a repo dir or a file inside one."""
    path = path.resolve()
    if path.is_file():
        for parent in path.parents:
            if (parent / ".git").exists():
                return parent, path.relative_to(parent).as_posix()
        raise LedgerSourceError(f"{path} is not inside a Git repository")
    return path, None


def resolve_commit(path: Path, ref: str = "HEAD", main_file: str | None = None) -> LedgerCommit:
    """Find the commit ``ref`` names in the repository at ``path`` and the ledger's main file.

    ``path`` is a working tree, a bare repository, or a ledger file inside a working tree.
    Without ``main_file``, the tree's only ``*.beancount`` file at its root is used, or
    ``main.beancount`` when there are several.
    """
    from dulwich.errors import NotGitRepository
    from dulwich.objectspec import parse_commit
    from dulwich.repo import Repo

    if not path.exists():
        raise LedgerSourceError(f"{path} does not exist")
    root, file_in_path = _find_repo_root(path)
    try:
        repo = Repo(str(root))
    except NotGitRepository as exc:
        raise LedgerSourceError(f"{root} is not a Git repository") from exc
    with repo:
        try:
            commit = parse_commit(repo, ref.encode())
        except (KeyError, ValueError) as exc:
            raise LedgerSourceError(f"unknown ref {ref!r} in {root}") from exc
        names = [
            entry.path.decode()
            for entry in repo.object_store.iter_tree_contents(commit.tree)
            if entry.path is not None
        ]
    chosen = main_file or file_in_path or _default_main_file(names, root)
    if chosen not in names:
        raise LedgerSourceError(f"{chosen} is not in commit {commit.id.decode()[:12]} of {root}")
    tz = dt.timezone(dt.timedelta(seconds=commit.commit_timezone))
    return LedgerCommit(
        repo_path=root,
        commit_hash=commit.id.decode(),
        committed_at=dt.datetime.fromtimestamp(commit.commit_time, tz),
        main_file=chosen,
    )


def _default_main_file(names: list[str], root: Path) -> str:
    top = sorted(n for n in names if "/" not in n and n.endswith(".beancount"))
    if len(top) == 1:
        return top[0]
    if "main.beancount" in top:
        return "main.beancount"
    found = ", ".join(top) or "none"
    raise LedgerSourceError(
        f"cannot tell the main ledger file of {root} (top-level .beancount files: {found}); "
        "name it with --file"
    )


def checkout(commit: LedgerCommit, dest: Path) -> dict[str, bytes]:
    """Write the commit's regular files under ``dest`` (submodules and links are skipped);
    returns them, path -> content."""
    from dulwich.repo import Repo

    files: dict[str, bytes] = {}
    written = 0
    with Repo(str(commit.repo_path)) as repo:
        tree = repo[commit.commit_hash.encode()].tree  # type: ignore[attr-defined]
        for entry in repo.object_store.iter_tree_contents(tree):
            if entry.path is None or entry.mode is None or entry.sha is None:
                continue
            if not stat.S_ISREG(entry.mode):
                continue
            relative = PurePosixPath(entry.path.decode())
            if relative.is_absolute() or ".." in relative.parts:
                raise LedgerSourceError(f"unsafe path in the repository: {relative}")
            data = repo.object_store[entry.sha].as_raw_string()
            written += len(data)
            if written > MAX_TREE_BYTES:
                raise LedgerSourceError("the ledger repository is larger than 256 MiB")
            target = dest.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files[relative.as_posix()] = data
    return files
