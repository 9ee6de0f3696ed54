"""uuencoded files inside a plain-text mail body (``begin 644 方案.docx`` … ``end``).

Old mail clients and some scripts still attach files this way, with no MIME part at all: the
file's bytes are text lines of the body. Each block (classic uuencode, or ``begin-base64`` …
``====``) is decoded and returned with its name so the mail extractor can read it as an
attachment; the block's lines are left out of the body text.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from secaudit.extract.members import decode_legacy_name

_BEGIN = re.compile(rb"^begin(-base64)? [0-7]{3,4} ([^\r\n]+?)\r?$", re.MULTILINE)
_END = re.compile(rb"^end\r?$", re.MULTILINE)
_END64 = re.compile(rb"^====\r?$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class UuFile:
    name: str
    data: bytes
    start: int
    """Offset of the ``begin`` line in the body."""
    end: int
    """Offset just past the ``end`` line."""


def uu_files(body: bytes) -> list[UuFile]:
    """Every complete uuencoded block of ``body``, in order (an unterminated block is text)."""
    out: list[UuFile] = []
    pos = 0
    while (begin := _BEGIN.search(body, pos)) is not None:
        closing = (_END64 if begin.group(1) else _END).search(body, begin.end())
        if closing is None:
            break
        lines = body[begin.end() : closing.start()].splitlines()
        data = _base64(lines) if begin.group(1) else _uu(lines)
        name = decode_legacy_name(begin.group(2).strip()) or "uuencoded.bin"
        out.append(UuFile(name, data, begin.start(), closing.end()))
        pos = closing.end()
    return out


def without_blocks(body: bytes, files: list[UuFile]) -> bytes:
    """``body`` with the uuencoded blocks cut out."""
    kept, pos = [], 0
    for f in files:
        kept.append(body[pos : f.start])
        pos = f.end
    kept.append(body[pos:])
    return b"".join(kept)


def _uu(lines: list[bytes]) -> bytes:
    out = bytearray()
    for line in lines:
        if not line.strip() or line.strip() == b"`":
            continue
        try:
            out += binascii.a2b_uu(line)
        except binascii.Error:
            # trailing garbage some encoders leave: decode only the bytes the length names
            count = (((line[0] - 32) & 63) * 4 + 5) // 3
            try:
                out += binascii.a2b_uu(line[:count])
            except binascii.Error:
                continue
    return bytes(out)


def _base64(lines: list[bytes]) -> bytes:
    try:
        return base64.b64decode(b"".join(line.strip() for line in lines), validate=False)
    except binascii.Error:
        return b""
