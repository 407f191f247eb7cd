"""Signing and verifying: any changed byte, another key or a missing token fails."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dawsos_core.exports.document import ExportDocument
from dawsos_core.exports.render import render
from dawsos_core.exports.watermark import PLACEHOLDER, Watermark, sign, user_hash, verify
from tests.unit.exports.conftest import KEY


def unsigned_text(watermark: Watermark) -> bytes:
    return f"figure,1.25\nmark,{watermark.visible_text()}\ntoken,{watermark.token()}\n".encode()


def test_a_signed_file_verifies_and_names_its_export(watermark: Watermark) -> None:
    signed = sign(unsigned_text(watermark), KEY)

    check = verify(signed, KEY)

    assert check.authentic, check.reason
    assert check.watermark == watermark
    assert PLACEHOLDER.encode() not in signed


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0, max_value=10_000), flip=st.integers(1, 255))
def test_any_changed_byte_fails(watermark: Watermark, position: int, flip: int) -> None:
    signed = sign(unsigned_text(watermark), KEY)
    i = position % len(signed)
    changed = signed[:i] + bytes([signed[i] ^ flip]) + signed[i + 1 :]

    assert not verify(changed, KEY).authentic


def test_another_key_fails(watermark: Watermark) -> None:
    signed = sign(unsigned_text(watermark), KEY)

    check = verify(signed, b"x" * 40)

    assert not check.authentic
    assert "signature does not match" in check.reason


def test_a_file_without_a_token_is_not_authentic() -> None:
    assert verify(b"a,b\n1,2\n", KEY).reason == "no DawsOS watermark found"


def test_signing_needs_an_unsigned_token() -> None:
    with pytest.raises(ValueError, match="no unsigned"):
        sign(b"plain", KEY)


def test_a_pasted_second_watermark_fails(watermark: Watermark) -> None:
    first = sign(unsigned_text(watermark), KEY)
    other = Watermark(**{**vars(watermark), "user": "0000000000000000"})
    second = sign(unsigned_text(other), KEY)

    assert verify(first + second, KEY).reason == "the file carries different watermarks"


def test_a_zip_with_a_changed_part_fails(watermark: Watermark) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"<v>1.25</v>")
        archive.writestr("props.xml", f"<k>{watermark.token()}</k>".encode())
    signed = sign(buffer.getvalue(), KEY)
    assert verify(signed, KEY).authentic

    changed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(signed)) as src, zipfile.ZipFile(changed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data.replace(b"1.25", b"9.25"))

    assert not verify(changed.getvalue(), KEY).authentic


def signed_workbook(document: ExportDocument, watermark: Watermark) -> bytes:
    data = render(document, dataclasses.replace(watermark, format="xlsx"), "xlsx", KEY)
    check = verify(data, KEY)
    assert check.authentic, check.reason
    return data


def flipped(data: bytes, bit: int) -> bytes:
    i = bit // 8
    return data[:i] + bytes([data[i] ^ (1 << bit % 8)]) + data[i + 1 :]


def test_every_sampled_bit_flip_of_a_workbook_fails(
    document: ExportDocument, watermark: Watermark
) -> None:
    """Given a signed XLSX export, when any one bit of it is flipped (300 bits spread over
    the whole file, and every bit of its central directory and end record), then the file
    no longer verifies: the zip container is signed, not only the parts' content."""
    data = signed_workbook(document, watermark)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        central_directory = archive.start_dir  # through the end record, to the last byte
    spread = range(0, len(data) * 8, len(data) * 8 // 300)
    container = range(central_directory * 8, len(data) * 8)
    assert len(container) > 3_000

    authentic = [bit for bit in [*spread, *container] if verify(flipped(data, bit), KEY).authentic]

    assert authentic == []


def test_a_changed_timestamp_of_a_workbook_part_fails(
    document: ExportDocument, watermark: Watermark
) -> None:
    """A part's date in the container is not content, yet changing it changes the file."""
    data = signed_workbook(document, watermark)
    changed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(changed, "w") as dst:
        for info in src.infolist():
            content = src.read(info)
            info.date_time = (2030, 1, 1, 0, 0, 0)
            dst.writestr(info, content)

    check = verify(changed.getvalue(), KEY)

    assert not check.authentic
    assert "signature does not match" in check.reason


def test_a_repacked_workbook_fails_but_still_names_its_export(
    document: ExportDocument, watermark: Watermark
) -> None:
    """Recompressing every part keeps each part's content yet is not the file exported."""
    data = signed_workbook(document, watermark)
    repacked = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(repacked, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)

    check = verify(repacked.getvalue(), KEY)

    assert not check.authentic
    assert "repacked" in check.reason
    assert check.watermark is not None
    assert check.watermark.export_id == watermark.export_id


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-1], id="last-byte-cut"),
        pytest.param(lambda data: data + b"\x00", id="byte-appended"),
        pytest.param(lambda data: data[:4] + bytes(64) + data[68:], id="zeroed-header"),
        pytest.param(lambda data: b"PK\x03\x04" + bytes(range(256)) * 4, id="random-after-magic"),
    ],
)
def test_a_damaged_workbook_is_a_reason_not_an_error(
    document: ExportDocument, watermark: Watermark, damage: Callable[[bytes], bytes]
) -> None:
    check = verify(damage(signed_workbook(document, watermark)), KEY)

    assert not check.authentic
    assert check.reason


def test_user_hash_is_keyed_and_stable() -> None:
    assert user_hash(KEY, "alice") == user_hash(KEY, "alice")
    assert user_hash(KEY, "alice") != user_hash(b"y" * 40, "alice")
    assert len(user_hash(KEY, "alice")) == 16
