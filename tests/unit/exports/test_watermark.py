"""Signing and verifying: any changed byte, another key or a missing token fails."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def test_zip_parts_are_signed_by_content(watermark: Watermark) -> None:
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


def test_user_hash_is_keyed_and_stable() -> None:
    assert user_hash(KEY, "alice") == user_hash(KEY, "alice")
    assert user_hash(KEY, "alice") != user_hash(b"y" * 40, "alice")
    assert len(user_hash(KEY, "alice")) == 16
