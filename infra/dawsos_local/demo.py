"""``make demo``: start the local stack, exercise it over HTTP, print what happened, stop."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from rich.console import Console
from rich.table import Table

from dawsos_local.stack import DataDir, LocalStack
from dawsos_local.tokens import mint


def http_get(url: str, token: str | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url)  # noqa: S310 (the local gateway's http URL)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def run_demo(data_dir: DataDir, console: Console) -> int:
    started = time.perf_counter()
    console.rule("DawsOS demo")
    with console.status("starting the local stack..."):
        stack = LocalStack(data_dir, port=0).start()
    try:
        console.print(f"[green]started[/] gateway {stack.url}")
        console.print(f"  {stack.database.description}")
        console.print(f"  migrations applied this run: {len(stack.applied)}")
        console.print(f"  S3 (moto) {stack.s3.endpoint_url}, bucket {stack.s3.bucket}")

        token = mint(data_dir.jwt_secret(), "demo")
        console.print("minted a local token for user [bold]demo[/]")

        status, body = http_get(f"{stack.url}/health/pack")
        console.print(f"GET /health/pack without a token -> {status} {body.get('error')}")
        status, body = http_get(f"{stack.url}/health/pack", token)
        console.print(f"GET /health/pack with the token -> {status}")
        table = Table("field", "value", title="latest pricing pack")
        for key, value in body.items():
            table.add_row(key, json.dumps(value))
        console.print(table)
        ok = status == 200
    finally:
        with console.status("stopping..."):
            stack.stop()
    console.print(f"stopped every part; demo took {time.perf_counter() - started:.1f} s")
    return 0 if ok else 1
