"""Watermarks: a visible mark and an embedded, HMAC-signed token in every exported file.

The token is ``DAWSOS-WM1.<payload>.<signature>``: the payload is the canonical JSON of the
export's identity (user hashed, time, request, pack, ledger commit), base64url-encoded; the
signature is HMAC-SHA256 over the whole file as written with the signature field zeroed.
Any change to the file (a figure, the payload, the mark) therefore fails verification.

An XLSX file is a zip of compressed parts, so for it "the whole file" is each part's
uncompressed content in name order; the zip container itself (timestamps, compression) is
not signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass

VERSION = "DAWSOS-WM1"
PLACEHOLDER = "0" * 64
_TOKEN = re.compile(rb"DAWSOS-WM1\.([A-Za-z0-9_-]+)\.([0-9a-f]{64})")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Watermark:
    """Who exported what, when, from which pack and ledger commit."""

    export_id: str
    execution_id: str
    user: str
    issued_at: str
    request_id: str
    pricing_pack_id: str | None
    ledger_commit_hash: str | None
    environment: str
    format: str

    def payload(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()

    def token(self, signature: str = PLACEHOLDER) -> str:
        """The embedded token; files are written with the placeholder and signed after."""
        return f"{VERSION}.{self.payload()}.{signature}"

    def visible_text(self) -> str:
        commit = (self.ledger_commit_hash or "none")[:12]
        return (
            f"DawsOS export {self.export_id} for user {self.user} at {self.issued_at}"
            f" | pack {self.pricing_pack_id or 'none'} | ledger {commit}"
            " | verify: dawsos watermark verify"
        )

    @classmethod
    def from_payload(cls, payload: str) -> Watermark:
        padded = payload + "=" * (-len(payload) % 4)
        fields = json.loads(base64.urlsafe_b64decode(padded))
        return cls(**fields)


@dataclass(frozen=True)
class WatermarkCheck:
    authentic: bool
    reason: str
    watermark: Watermark | None


def user_hash(key: bytes, user_sub: str) -> str:
    """The user as a watermark shows it: keyed, so it cannot be reversed by guessing."""
    return hmac.new(key, b"user\x1f" + user_sub.encode(), hashlib.sha256).hexdigest()[:16]


def _zip_parts(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _with_signature_in(content: bytes, signature: str) -> bytes:
    """``content`` with every token's signature field set to ``signature``."""
    return _TOKEN.sub(lambda m: VERSION.encode() + b"." + m[1] + b"." + signature.encode(), content)


def _zero(content: bytes) -> bytes:
    return _with_signature_in(content, PLACEHOLDER)


def _signed_bytes(data: bytes) -> bytes:
    """What the signature covers: the file with every signature zeroed."""
    if not data.startswith(_ZIP_MAGIC):
        return _zero(data)
    parts = sorted(_zip_parts(data), key=lambda part: part[0].filename)
    out = bytearray()
    for info, content in parts:
        zeroed = _zero(content)
        out += info.filename.encode() + b"\x00" + len(zeroed).to_bytes(8, "big") + zeroed
    return bytes(out)


def _tokens(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(_ZIP_MAGIC):
        return [(m[1], m[2]) for m in _TOKEN.finditer(data)]
    found: list[tuple[bytes, bytes]] = []
    for _, content in _zip_parts(data):
        found += [(m[1], m[2]) for m in _TOKEN.finditer(content)]
    return found


def _with_signature(data: bytes, signature: str) -> bytes:
    if not data.startswith(_ZIP_MAGIC):
        return _with_signature_in(data, signature)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, content in _zip_parts(data):
            archive.writestr(
                info, _with_signature_in(content, signature), compress_type=info.compress_type
            )
    return out.getvalue()


def embedded_signature(data: bytes) -> str:
    """The signature a signed file carries (the first token's)."""
    tokens = _tokens(data)
    if not tokens:
        raise ValueError("the file carries no DawsOS watermark token")
    return tokens[0][1].decode()


def sign(data: bytes, key: bytes) -> bytes:
    """Fill in the signature of a file written with ``Watermark.token()`` placeholders."""
    tokens = _tokens(data)
    if not tokens or any(sig != PLACEHOLDER.encode() for _, sig in tokens):
        raise ValueError("the file carries no unsigned DawsOS watermark token")
    signature = hmac.new(key, _signed_bytes(data), hashlib.sha256).hexdigest()
    return _with_signature(data, signature)


def verify(data: bytes, key: bytes) -> WatermarkCheck:
    """Whether the file is an unchanged DawsOS export signed with ``key``, and whose."""
    try:
        tokens = _tokens(data)
    except zipfile.BadZipFile:
        return WatermarkCheck(False, "the file looks like a zip but cannot be read", None)
    if not tokens:
        return WatermarkCheck(False, "no DawsOS watermark found", None)
    if len(set(tokens)) != 1:
        return WatermarkCheck(False, "the file carries different watermarks", None)
    payload, signature = tokens[0]
    try:
        watermark = Watermark.from_payload(payload.decode())
    except (ValueError, TypeError) as exc:
        return WatermarkCheck(False, f"the watermark payload is unreadable: {exc}", None)
    expected = hmac.new(key, _signed_bytes(data), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature):
        return WatermarkCheck(
            False,
            "the signature does not match: the file was changed, or signed with another key",
            watermark,
        )
    return WatermarkCheck(True, "the file is unchanged since it was exported", watermark)
