"""Watermarks: a visible mark and an embedded, HMAC-signed token in every exported file.

The token is ``DAWSOS-WM1.<payload>.<signature>``: the payload is the canonical JSON of the
export's identity (user hashed, time, request, pack, ledger commit), base64url-encoded; the
signature is HMAC-SHA256 over the file as written before signing, which is the whole file
with every signature field zeroed. Verifying takes a file back to that unsigned form, signs
it again and compares the result with the file byte for byte, so a change to any byte (a
figure, the payload, the mark, the container) fails.

An XLSX file is a zip package. Its parts that carry the token are stored uncompressed, so
the token sits in the file's bytes as in any other format; the only other bytes that
depend on the signature are those parts' CRC-32s (in their local headers and the central
directory), which the unsigned form recomputes. Every other byte, compressed parts, names,
timestamps, the central directory and the end record included, is signed as it is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
import struct
import zipfile
import zlib
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


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a zip local file header
_CENTRAL_RECORD = struct.Struct("<4s6H3L5H2L")  # a zip central directory record
_END_RECORD = struct.Struct("<4s4H2LH")  # the zip end of central directory record
_LOCAL_CRC, _CENTRAL_CRC = 14, 16  # where each holds a part's CRC-32

# What zipfile raises on reading a damaged archive: its own error, or whatever the
# inflater, the decoder or a seek past either end raised.
_ZIP_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,  # an unknown compression method
    RuntimeError,  # an "encrypted" part
    OSError,
    ValueError,
    OverflowError,
    struct.error,
)


@dataclass(frozen=True)
class _StoredPart:
    """A zip part stored uncompressed: where its bytes and its two CRC-32s are."""

    start: int
    end: int
    crcs: tuple[int, int]


def _stored_parts(data: bytes | bytearray) -> list[_StoredPart]:
    """The stored parts of a zip, read from its central directory (nothing is inflated).

    Raises zipfile.BadZipFile when the records it walks are missing or cut short."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _END_RECORD.size - 0xFFFF))
    if end < 0:
        raise zipfile.BadZipFile("no end of central directory record")
    parts: list[_StoredPart] = []
    try:
        *_, count, _size, at, _comment = _END_RECORD.unpack_from(data, end)
        for _ in range(count):
            (magic, _, _, _, method, _, _, _, size, _, names, extras, comments, _, _, _, local) = (
                _CENTRAL_RECORD.unpack_from(data, at)
            )
            if magic != b"PK\x01\x02":
                raise zipfile.BadZipFile(f"no central directory record at byte {at}")
            if method == zipfile.ZIP_STORED:
                header = _LOCAL_HEADER.unpack_from(data, local)
                if header[0] != b"PK\x03\x04":
                    raise zipfile.BadZipFile(f"no local file header at byte {local}")
                start = local + _LOCAL_HEADER.size + header[9] + header[10]
                crcs = (local + _LOCAL_CRC, at + _CENTRAL_CRC)
                parts.append(_StoredPart(start, start + size, crcs))
            at += _CENTRAL_RECORD.size + names + extras + comments
    except struct.error as exc:
        raise zipfile.BadZipFile(f"the zip records are cut short: {exc}") from exc
    return parts


def _with_signature(data: bytes, signature: str) -> bytes:
    """``data`` with every token's signature field set to ``signature``; in a zip, each
    stored part that carries a token gets the CRC-32 of its new content.

    Signatures are 64 hex digits whatever they say, so no byte moves."""
    out = bytearray(
        _TOKEN.sub(lambda m: VERSION.encode() + b"." + m[1] + b"." + signature.encode(), data)
    )
    if data.startswith(_ZIP_MAGIC):
        for part in _stored_parts(out):
            content = out[part.start : part.end]
            if _TOKEN.search(content):
                for at in part.crcs:
                    struct.pack_into("<L", out, at, zlib.crc32(content))
    return bytes(out)


def _signature_of(unsigned: bytes, key: bytes) -> str:
    return hmac.new(key, unsigned, hashlib.sha256).hexdigest()


def _tokens(data: bytes) -> list[tuple[bytes, bytes]]:
    return [(m[1], m[2]) for m in _TOKEN.finditer(data)]


def _with_token_parts_stored(data: bytes) -> bytes:
    """The zip rewritten with each part that carries a token stored uncompressed, so the
    token is in the file's bytes; the other parts keep their compression."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            method = zipfile.ZIP_STORED if _TOKEN.search(content) else info.compress_type
            target.writestr(info, content, compress_type=method)
    return out.getvalue()


def _packed_tokens(data: bytes) -> list[tuple[bytes, bytes]]:
    """The tokens inside a zip's parts, compressed or not: to name the export of a
    workbook that was repacked. Raises one of _ZIP_DAMAGE if it cannot be read."""
    found: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            found += _tokens(archive.read(info))
    return found


def embedded_signature(data: bytes) -> str:
    """The signature a signed file carries (the first token's)."""
    tokens = _tokens(data)
    if not tokens:
        raise ValueError("the file carries no DawsOS watermark token")
    return tokens[0][1].decode()


def sign(data: bytes, key: bytes) -> bytes:
    """Fill in the signature of a file written with ``Watermark.token()`` placeholders
    (a zip's parts that carry one are first rewritten stored, uncompressed)."""
    if data.startswith(_ZIP_MAGIC):
        data = _with_token_parts_stored(data)
    tokens = _tokens(data)
    if not tokens or any(sig != PLACEHOLDER.encode() for _, sig in tokens):
        raise ValueError("the file carries no unsigned DawsOS watermark token")
    return _with_signature(data, _signature_of(data, key))


def _readable(payload: bytes) -> Watermark | str:
    """The watermark a token's payload names, or why it cannot be read."""
    try:
        return Watermark.from_payload(payload.decode())
    except (ValueError, TypeError, RecursionError) as exc:
        return f"the watermark payload is unreadable: {exc}"


def _unsigned_zip(data: bytes) -> WatermarkCheck:
    """A zip whose bytes hold no token: a workbook repacked after export (its watermark
    still names the export), or a damaged or foreign archive."""
    try:
        tokens = _packed_tokens(data)
    except _ZIP_DAMAGE as exc:
        return WatermarkCheck(False, f"the file looks like a zip but cannot be read: {exc}", None)
    if not tokens:
        return WatermarkCheck(False, "no DawsOS watermark found", None)
    watermark = _readable(tokens[0][0])
    if isinstance(watermark, str):
        return WatermarkCheck(False, watermark, None)
    return WatermarkCheck(
        False,
        "the watermark is only inside compressed parts: the workbook was repacked after it"
        " was exported (or exported before signatures covered the whole file); it names the"
        " export, but only the file as exported can be verified",
        watermark,
    )


def verify(data: bytes, key: bytes) -> WatermarkCheck:
    """Whether the file is an unchanged DawsOS export signed with ``key``, and whose.

    Never raises on what the file holds: damage of any kind is a reason."""
    tokens = _tokens(data)
    if not tokens:
        if data.startswith(_ZIP_MAGIC):
            return _unsigned_zip(data)
        return WatermarkCheck(False, "no DawsOS watermark found", None)
    if len(set(tokens)) != 1:
        return WatermarkCheck(False, "the file carries different watermarks", None)
    payload, _signature = tokens[0]
    watermark = _readable(payload)
    if isinstance(watermark, str):
        return WatermarkCheck(False, watermark, None)
    try:
        unsigned = _with_signature(data, PLACEHOLDER)
        expected = _with_signature(unsigned, _signature_of(unsigned, key))
    except zipfile.BadZipFile as exc:  # damaged: what its token claims is not shown
        return WatermarkCheck(False, f"the file looks like a zip but cannot be read: {exc}", None)
    if not hmac.compare_digest(expected, data):
        return WatermarkCheck(
            False,
            "the signature does not match: the file was changed, or signed with another key",
            watermark,
        )
    return WatermarkCheck(True, "the file is unchanged since it was exported", watermark)
