"""Pictures inside legacy Word and PowerPoint files, handed to OCR like picture files.

A scan pasted into a ``.doc`` lives in its ``Data`` stream, one pasted into a ``.ppt`` in its
``Pictures`` stream, each wrapped in Office drawing records. The PNG and JPEG pictures are cut
out of those streams by their own structure — a PNG's chunks up to ``IEND``, a JPEG's segments up
to the end of its scan — so a picture is taken only when it is whole. EMF/WMF drawings are not
scans and are passed over. Pictures are read only when OCR is on; each becomes a member
(``Data/picture-1.png``) so its findings say where they came from. Excel keeps its pictures
in the workbook's ``MsoDrawingGroup`` record and the ``CONTINUE`` records after it (BIFF records
hold at most 8 KB): :func:`drawing_group` joins them first.
"""

from __future__ import annotations

import struct
import zlib

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
MAX_PICTURES = 50
"""Pictures taken from one stream at most."""
MAX_TRIES = 500
"""Picture signatures examined per stream at most (a hostile stream full of them stays cheap)."""


def pictures_in(stream: bytes) -> list[tuple[str, bytes]]:
    """``(extension, bytes)`` of every whole PNG and JPEG picture in ``stream``, in order."""
    found: list[tuple[int, str, bytes]] = []
    for magic, ext, end_of in ((PNG_MAGIC, "png", _png_end), (JPEG_MAGIC, "jpg", _jpeg_end)):
        pos, tries = stream.find(magic), 0
        while pos >= 0 and len(found) < MAX_PICTURES and tries < MAX_TRIES:
            tries += 1
            end = end_of(stream, pos)
            if end:
                found.append((pos, ext, stream[pos:end]))
            pos = stream.find(magic, end or pos + 1)
    return [(ext, data) for _pos, ext, data in sorted(found, key=lambda f: f[0])]


_MSO_DRAWING_GROUP = 0x00EB
_CONTINUE = 0x003C


def drawing_group(book: bytes) -> bytes:
    """The Office drawing data of a BIFF8 ``Workbook`` stream: every ``MsoDrawingGroup`` record
    joined with the ``CONTINUE`` records that follow it (empty when there is none)."""
    parts: list[bytes] = []
    pos, joining = 0, False
    while pos + 4 <= len(book):
        kind, size = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4 : pos + 4 + size]
        if kind == _MSO_DRAWING_GROUP or (joining and kind == _CONTINUE):
            parts.append(body)
            joining = True
        else:
            joining = False
        pos += 4 + size
    return b"".join(parts)


def _png_end(data: bytes, start: int) -> int:
    """Offset after the ``IEND`` chunk of the PNG at ``start`` (CRCs checked), or 0."""
    pos = start + len(PNG_MAGIC)
    while pos + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4 : pos + 8]
        body_end = pos + 8 + length
        if length > len(data) or body_end + 4 > len(data):
            return 0
        (crc,) = struct.unpack_from(">I", data, body_end)
        if zlib.crc32(data[pos + 4 : body_end]) != crc:
            return 0
        pos = body_end + 4
        if kind == b"IEND":
            return pos
    return 0


def _jpeg_end(data: bytes, start: int) -> int:
    """Offset after the end-of-image marker of the JPEG at ``start``, or 0."""
    pos = start + 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return 0
        marker = data[pos + 1]
        if marker == 0xD9:
            return pos + 2
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 1 if marker == 0xFF else 2
            continue
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            return 0
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data until a marker that is not RSTn
            pos = _after_scan(data, pos)
            if not pos:
                return 0
    return 0


def _after_scan(data: bytes, pos: int) -> int:
    """Offset of the first marker after entropy-coded data (``FF00`` and ``FFD0``–``FFD7`` are
    part of it), or 0 when the data ends first."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return 0
        nxt = data[pos + 1]
        if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
            pos += 1 if nxt == 0xFF else 2
            continue
        return pos
