"""``dawsos watermark verify``: is an exported file authentic, and whose export was it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from dawsos_core.db.repositories.exports import export_owner
from dawsos_core.exports.watermark import user_hash, verify
from dawsos_local.cli import CliError, console, data_dir_option, database, main
from dawsos_local.stack import DataDir


@main.group()
def watermark() -> None:
    """Watermarks of exported files: visible marks and HMAC-signed tokens."""


def _verdict(out: Console, authentic: bool, reason: str) -> None:
    """The verdict on one line, however long the reason or narrow the terminal."""
    text = escape(" ".join(reason.split()))
    out.print(
        f"{'[green]authentic[/]' if authentic else '[red]NOT authentic[/]'}: {text}",
        soft_wrap=True,
    )


@watermark.command("verify")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File holding the HMAC key (default: WATERMARK_KEY, else the data dir's key).",
)
@click.option(
    "--lookup/--no-lookup",
    default=True,
    show_default=True,
    help="Name the owner from the exports table of the data dir's database.",
)
@data_dir_option
def verify_command(file: Path, key_file: Path | None, lookup: bool, data_dir: Path) -> None:
    """Check FILE's watermark; exit 0 when authentic, 1 when not.

    A file that cannot be read (missing, a directory, not permitted) or is damaged in any
    way is not authentic: one line says why, and the exit status is 1."""
    if key_file is not None:
        key = key_file.read_text().strip()
    elif os.environ.get("WATERMARK_KEY"):
        key = os.environ["WATERMARK_KEY"]
    else:
        path = data_dir / "watermark-key"
        if not path.exists():
            raise CliError(f"no watermark key: {path} does not exist; pass --key-file")
        key = DataDir(data_dir).watermark_key()
    out = Console()
    try:
        data = file.read_bytes()
    except OSError as exc:
        _verdict(out, False, f"cannot read {file}: {exc.strerror or exc}")
        raise SystemExit(1) from None
    check = verify(data, key.encode())
    _verdict(out, check.authentic, check.reason)
    if check.watermark is not None:
        table = Table(show_header=False, box=None)
        for name, value in vars(check.watermark).items():
            table.add_row(name, str(value))
        if check.authentic and lookup:
            with database(data_dir) as db, db.session() as conn:
                owner = export_owner(conn, uuid.UUID(check.watermark.export_id))
            if owner is None:
                table.add_row("owner", "not in this data dir's exports")
            elif user_hash(key.encode(), owner) == check.watermark.user:
                table.add_row("owner", owner)
            else:
                table.add_row("owner", f"{owner} (but the user hash differs)")
        out.print(table)
    if not check.authentic:
        raise SystemExit(1)
    console.print(f"checked {file}", style="dim")
