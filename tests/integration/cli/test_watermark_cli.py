"""`dawsos watermark verify` on exported files: authentic ones name their export and owner,
changed, damaged or unreadable ones exit 1 with a one-line reason."""

from __future__ import annotations

import dataclasses
import inspect
import random
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from psycopg.types.json import Jsonb

from dawsos_core.exports.render import render
from dawsos_core.exports.watermark import Watermark, sign, user_hash
from dawsos_local.cli import main
from dawsos_local.stack import DataDir
from tests.unit.exports.overview import overview_document

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


def export_of(export_format: str, exported: tuple[Path, Watermark, str]) -> bytes:
    """The overview rendered and signed as ``export_format`` with the data dir's key."""
    _, watermark, key = exported
    marked = dataclasses.replace(watermark, format=export_format)
    return render(overview_document(3), marked, export_format, key.encode())


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


Damage = Callable[[tuple[Path, Watermark, str], Path], Path]


def written(name: str, data: Callable[[tuple[Path, Watermark, str]], bytes]) -> Damage:
    def make(exported: tuple[Path, Watermark, str], tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(data(exported))
        return path

    return make


def directory(exported: tuple[Path, Watermark, str], tmp_path: Path) -> Path:
    path = tmp_path / "a-directory.pdf"
    path.mkdir()
    return path


def missing(exported: tuple[Path, Watermark, str], tmp_path: Path) -> Path:
    return tmp_path / "never-written.xlsx"


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        pytest.param(
            written("cut.xlsx", lambda e: half(export_of("xlsx", e))),
            "cannot be read",
            id="truncated-xlsx",
        ),
        pytest.param(
            written("tail.xlsx", lambda e: export_of("xlsx", e)[:-30]),
            "cannot be read",
            id="xlsx-without-its-end-record",
        ),
        pytest.param(
            written("random.bin", lambda e: random.Random(7).randbytes(4096)),
            "no DawsOS watermark",
            id="random-bytes",
        ),
        pytest.param(
            written("zipish.xlsx", lambda e: b"PK\x03\x04" + random.Random(8).randbytes(4096)),
            "cannot be read",
            id="random-bytes-after-zip-magic",
        ),
        pytest.param(written("empty.csv", lambda e: b""), "no DawsOS watermark", id="empty"),
        pytest.param(
            written("cut.pdf", lambda e: half(export_of("pdf", e))),
            "no DawsOS watermark",
            id="pdf-cut-in-half",
        ),
        pytest.param(directory, "Is a directory", id="directory"),
        pytest.param(missing, "No such file", id="missing-path"),
    ],
)
def test_an_unreadable_or_damaged_file_exits_1_with_a_one_line_reason(
    exported: tuple[Path, Watermark, str], tmp_path: Path, damage: Damage, reason: str
) -> None:
    """Given a file that cannot be read or is not a whole export, when it is verified,
    then the command exits 1 and says why on one line, with no traceback."""
    path = damage(exported, tmp_path)

    result = runner().invoke(
        main,
        ["watermark", "verify", str(path), "--no-lookup", "--data-dir", str(tmp_path / "data")],
        terminal_width=60,  # a long reason is still one line
    )

    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith("NOT authentic: ")
    assert reason in lines[0]


def test_an_unchanged_workbook_and_pdf_are_authentic_through_the_command(
    exported: tuple[Path, Watermark, str], tmp_path: Path
) -> None:
    """The damaged files above fail for their damage: whole, the same exports verify."""
    for export_format in ("xlsx", "pdf"):
        path = tmp_path / f"whole.{export_format}"
        path.write_bytes(export_of(export_format, exported))

        result = runner().invoke(
            main,
            ["watermark", "verify", str(path), "--no-lookup", "--data-dir", str(tmp_path / "data")],
        )

        assert result.exit_code == 0, result.output
