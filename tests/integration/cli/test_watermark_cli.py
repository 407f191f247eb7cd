"""`dawsos watermark verify` on exported files: authentic ones name their export and owner,
changed ones exit 1."""

from __future__ import annotations

import inspect
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from psycopg.types.json import Jsonb

from dawsos_core.exports.watermark import Watermark, sign, user_hash
from dawsos_local.cli import main
from dawsos_local.stack import DataDir

Conn = psycopg.Connection[Any]


def runner() -> CliRunner:
    separate = (
        {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}
    )
    return CliRunner(**separate)


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, Watermark, str]:
    """A file signed with the data dir's key, as the local stack's exports are."""
    key = DataDir(tmp_path / "data").watermark_key()
    watermark = Watermark(
        export_id=str(uuid.uuid4()),
        execution_id=str(uuid.uuid4()),
        user=user_hash(key.encode(), "alice"),
        issued_at="2026-11-24T20:00:00Z",
        request_id="r1",
        pricing_pack_id="PP_ECB_CAD_2024-06-28_abc",
        ledger_commit_hash="a" * 40,
        environment="development",
        format="txt",
    )
    path = tmp_path / "export.txt"
    path.write_bytes(sign(f"figure 1.25\nwatermark: {watermark.token()}\n".encode(), key.encode()))
    return path, watermark, key


def test_an_unchanged_file_is_authentic(
    exported: tuple[Path, Watermark, str], tmp_path: Path
) -> None:
    path, watermark, _ = exported

    result = runner().invoke(
        main,
        ["watermark", "verify", str(path), "--no-lookup", "--data-dir", str(tmp_path / "data")],
    )

    assert result.exit_code == 0, result.output
    assert "authentic" in result.stdout
    assert watermark.export_id in result.stdout
    assert watermark.user in result.stdout


def test_a_changed_file_fails_with_exit_1(
    exported: tuple[Path, Watermark, str], tmp_path: Path
) -> None:
    path, _, _ = exported
    path.write_bytes(path.read_bytes().replace(b"1.25", b"9.25"))

    result = runner().invoke(
        main,
        ["watermark", "verify", str(path), "--no-lookup", "--data-dir", str(tmp_path / "data")],
    )

    assert result.exit_code == 1
    assert "NOT authentic" in result.stdout


def test_lookup_names_the_owner_from_the_exports_table(
    exported: tuple[Path, Watermark, str],
    tmp_path: Path,
    conn: Conn,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, watermark, _ = exported
    conn.execute(
        "INSERT INTO executions (id, request_id, user_sub, pattern_id)"
        " VALUES (%s, 'r', 'alice', 'x')",
        (watermark.execution_id,),
    )
    conn.execute(
        "INSERT INTO exports (id, user_sub, execution_id, idempotency_key, format, s3_key, sha256,"
        " size_bytes, watermark, request_id)"
        " VALUES (%s, 'alice', %s, 'k', 'txt', 'k', %s, 1, %s, 'r')",
        (watermark.export_id, watermark.execution_id, "0" * 64, Jsonb({})),
    )
    monkeypatch.setenv("DATABASE_URL", database_url)

    result = runner().invoke(
        main, ["watermark", "verify", str(path), "--data-dir", str(tmp_path / "data")]
    )

    assert result.exit_code == 0, result.output
    assert "owner" in result.stdout
    assert "alice" in result.stdout
