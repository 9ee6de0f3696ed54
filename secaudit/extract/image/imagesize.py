"""Width and height of an image read from its header, without an imaging library.

Used to decide whether an image is worth OCR (an icon is not). Knows PNG, GIF, BMP, JPEG and
TIFF — the formats :func:`secaudit.extract.sniff.sniff` calls ``image``. To add a format, add a
reader ``_xxx_size(data) -> tuple[int, int] | None`` and a line in :func:`image_size`.
"""

from __future__ import annotations

import struct

Size = tuple[int, int]

_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def pixels(data: bytes) -> int | None:
    """Width × height of the picture in ``data``, or ``None`` when its header cannot be read;
    compared with ``Limits.ocr_min_pixels`` wherever a picture may be OCR'd."""
    size = image_size(data)
    return size[0] * size[1] if size is not None else None


def image_size(data: bytes) -> Size | None:
    """``(width, height)`` in pixels, or ``None`` when the header cannot be read."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png_size(data)
        if data.startswith((b"GIF87a", b"GIF89a")):
            return struct.unpack("<HH", data[6:10]) if len(data) >= 10 else None
        if data.startswith(b"BM"):
            return _bmp_size(data)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
        if data.startswith((b"II*\x00", b"MM\x00*")):
            return _tiff_size(data)
    except struct.error:
        return None
    return None


def _png_size(data: bytes) -> Size | None:
    if data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])  # type: ignore[no-any-return]


def _bmp_size(data: bytes) -> Size | None:
    header = struct.unpack("<I", data[14:18])[0]
    if header == 12:  # OS/2 BITMAPCOREHEADER
        return struct.unpack("<HH", data[18:22])  # type: ignore[no-any-return]
    width, height = struct.unpack("<ii", data[18:26])
    return abs(width), abs(height)  # negative height: rows stored top-down


def _jpeg_size(data: bytes) -> Size | None:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    return None


def _tiff_size(data: bytes) -> Size | None:
    order = "<" if data[:2] == b"II" else ">"
    (ifd,) = struct.unpack(order + "I", data[4:8])
    (count,) = struct.unpack(order + "H", data[ifd : ifd + 2])
    found: dict[int, int] = {}
    for i in range(min(count, 512)):
        entry = data[ifd + 2 + 12 * i : ifd + 14 + 12 * i]
        tag, kind = struct.unpack(order + "HH", entry[:4])
        if tag in (256, 257):
            fmt = "H" if kind == 3 else "I"
            found[tag] = struct.unpack(order + fmt, entry[8 : 8 + struct.calcsize(fmt)])[0]
    if 256 in found and 257 in found:
        return found[256], found[257]
    return None
