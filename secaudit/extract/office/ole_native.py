"""Files embedded in OLE documents: ``Ole10Native`` packages, ``Package`` and ``CONTENTS`` streams.

An object inserted with "Insert → Object → from file" is stored as an ``\\x01Ole10Native`` stream
(Packager: label, original path, then the file bytes); an embedded OOXML workbook or document is a
``Package`` stream holding the zip; an embedded PDF is a ``CONTENTS`` stream. Each payload is
returned with a file name for ``ctx.recurse``; size limits apply before anything is read.
Objects kept as sub-storages (``ObjectPool/_1234/Workbook``) or PowerPoint ``ExOleObjStg``
records are read by :mod:`.ole_embed`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

import olefile

from secaudit.extract.base import ExtractContext
from secaudit.model import ErrorReason

_PLAIN_STREAMS = {"Package": "package", "CONTENTS": "contents"}


def embedded_payloads(ole: olefile.OleFileIO, ctx: ExtractContext) -> Iterator[tuple[str, bytes]]:
    for path in ole.listdir(streams=True, storages=False):
        leaf = path[-1]
        if leaf != "\x01Ole10Native" and leaf not in _PLAIN_STREAMS:
            continue
        where = "/".join(p for p in path[:-1]) or "root"
        size = ole.get_size(path)
        if size > ctx.limits.max_member_size:
            ctx.error(ErrorReason.TOO_LARGE, f"embedded object in {where}: {size} bytes")
            continue
        ctx.charge(size)
        raw = ole.openstream(path).read()
        if leaf == "\x01Ole10Native":
            parsed = parse_ole10native(raw)
            if parsed is None:
                ctx.error(ErrorReason.CORRUPT, f"embedded package in {where} is damaged")
                continue
            yield parsed
        else:
            yield f"{where}.{_PLAIN_STREAMS[leaf]}", raw


def parse_ole10native(raw: bytes) -> tuple[str, bytes] | None:
    """``(file name, bytes)`` of a Packager stream, or ``None`` when it does not parse."""
    try:
        (total,) = struct.unpack_from("<I", raw, 0)
        pos = 6  # size + 2-byte flags
        label, pos = _cstring(raw, pos)
        _path, pos = _cstring(raw, pos)
        pos += 4  # unknown / format marker
        (temp_len,) = struct.unpack_from("<I", raw, pos)
        pos += 4 + temp_len
        (size,) = struct.unpack_from("<I", raw, pos)
        pos += 4
    except (struct.error, ValueError):
        return None
    if pos + size > len(raw) or size > total:
        return None
    name = label.decode("gb18030", "replace").strip() or "embedded.bin"
    return name, raw[pos : pos + size]


def _cstring(raw: bytes, pos: int) -> tuple[bytes, int]:
    end = raw.index(b"\x00", pos)
    return raw[pos:end], end + 1
