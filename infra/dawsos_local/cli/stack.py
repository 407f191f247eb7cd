"""Commands that run the local stack: serve, demo, token, db, openapi."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from dawsos_core.errors import DawsosError
from dawsos_local.cli import CliError, configure_logging, console, data_dir_option, main
from dawsos_local.handlers import OPENAPI_FILE, execute_openapi_document
from dawsos_local.stack import DataDir, LocalDatabase, LocalStack
from dawsos_local.tokens import mint


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=3000,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=2,
    show_default=True,
    help="Execution environments per function; each serves one request at a time.",
)
@click.option("-v", "--verbose", is_flag=True, help="Debug logging.")
@data_dir_option
def serve(port: int, workers: int, verbose: bool, data_dir: Path) -> None:
    """Serve the HTTP API from template.yaml with the real handlers, until Ctrl-C."""
    configure_logging(verbose)
    stack = LocalStack(DataDir(data_dir), port=port, workers=workers)
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        with console.status("starting PostgreSQL, S3 and the function workers..."):
            stack.start()
    except DawsosError as exc:
        raise CliError(exc.message) from exc
    try:
        console.print(f"[bold]DawsOS[/] listening on {stack.url}")
        console.print(f"  database   {stack.database.description}")
        console.print(f"  migrations {len(stack.applied)} applied this start")
        console.print(f"  s3         {stack.aws.endpoint_url} bucket {stack.aws.bucket}")
        console.print(f"  functions  {', '.join(stack.pools)} ({workers} workers each)")
        console.print(f"  token      dawsos token --sub USER --data-dir {data_dir}")
        console.print(f"  dashboard  {stack.url}/ (local development sign-in)")
        for line in _earlier_packs_notice(stack.database.url):
            console.print(line)
        console.print("Ctrl-C stops every part.")
        # Machine-readable line for scripts and tests that start serve on port 0.
        print(f"DAWSOS_URL={stack.url}", flush=True)
        stop.wait()
    finally:
        console.print("stopping...")
        stack.stop()
        console.print("stopped")


def _earlier_packs_notice(url: str) -> list[str]:
    """What to do about packs of the model before packs were market data only, if any."""
    from dawsos_core.db.connection import Database
    from dawsos_core.db.repositories.packs import earlier_model_packs

    db = Database(lambda: url)
    try:
        with db.session() as conn:
            earlier, since = earlier_model_packs(conn)
    finally:
        db.close()
    if not earlier:
        return []
    state = "" if since else "; no pack of the current model exists yet"
    return [
        f"  [yellow]note[/]       {earlier} packs of the earlier model (ECB_CAD and the like)"
        f" are kept as history and no longer answer{state}:",
        "             build the days you need with `dawsos pack backfill --from D --to D`",
    ]


@main.command()
@click.option("--sub", required=True, help="Subject (user id) the token is for.")
@click.option(
    "--ttl",
    type=click.IntRange(1, 31 * 24 * 3600),
    default=3600,
    show_default=True,
    help="Seconds until it expires.",
)
@data_dir_option
def token(sub: str, ttl: int, data_dir: Path) -> None:
    """Print a bearer token that the local gateway accepts."""
    click.echo(mint(DataDir(data_dir).jwt_secret(), sub, ttl_seconds=ttl))


@main.group()
def db() -> None:
    """The database of the data dir."""


@db.command("migrate")
@data_dir_option
def db_migrate(data_dir: Path) -> None:
    """Apply pending migrations."""
    database = LocalDatabase(DataDir(data_dir)).start()
    try:
        applied = database.migrate()
    finally:
        database.stop()
    for migration in applied:
        click.echo(f"applied {migration.label}")
    click.echo(f"{len(applied)} migration(s) applied")


@db.command("url")
@data_dir_option
def db_url(data_dir: Path) -> None:
    """Print the connection URL (for psql), starting the embedded server if needed."""
    database = LocalDatabase(DataDir(data_dir)).start()
    click.echo(database.url)
    database.stop()


@main.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=OPENAPI_FILE,
    show_default=True,
    help="Where to write it ('-' for stdout).",
)
def openapi(output: Path) -> None:
    """Write the execute API's OpenAPI document (committed; a test checks it for drift)."""
    document = execute_openapi_document()
    if str(output) == "-":
        click.echo(document)
    else:
        output.write_text(document + "\n")
        click.echo(f"wrote {output}")


@main.command()
@data_dir_option
def demo(data_dir: Path) -> None:
    """Run the whole job once on the local stack and print what it did."""
    from dawsos_local.demo import run_demo

    configure_logging(verbose=False)
    sys.exit(run_demo(DataDir(data_dir), console))
