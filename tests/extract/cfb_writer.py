"""A tiny Compound File Binary (OLE2) writer for tests: stream paths → a valid ``.doc``/``.xls``.

No Python library writes legacy compound files, so tests that need one *assemble* it from real
streams taken out of real documents (``tests/data/legacy/``) with olefile. Version 3 layout
(MS-CFB): 512-byte sectors, streams under 4096 bytes in the mini stream (64-byte sectors),
sectors laid out as FAT, MiniFAT, directory, mini stream, then the large streams. The directory
"red-black tree" is all black: each storage's children, sorted the CFB way (length, then
upper-case), form one right-sibling chain, which is a valid binary search tree. Up to 109 FAT
sectors (about 7 MB of data): no DIFAT sectors.

    data = write_compound_file({"WordDocument": word, "1Table": table,
                                "ObjectPool/_1234/Workbook": book})
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    sid: int = 0
    start: int = END
    right: int = NOSTREAM


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (``"a/b/name"`` makes storages ``a`` and ``a/b``)."""
    root = _tree(streams)
    entries = _number(root)
    small = [e for e in entries if e.kind == _STREAM and 0 < len(e.data) < CUTOFF]
    mini, minifat = _mini_stream(small)
    big = [e for e in entries if e.kind == _STREAM and len(e.data) >= CUTOFF]
    n_minifat = _sectors(len(minifat) * 4)
    n_dir = _sectors(len(entries) * 128)
    n_mini = _sectors(len(mini))
    n_big = [_sectors(len(e.data)) for e in big]
    rest = n_minifat + n_dir + n_mini + sum(n_big)
    n_fat = 1
    while n_fat * SECTOR // 4 < n_fat + rest:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("too much data for a test compound file without DIFAT")
    fat: list[int] = [FATSECT] * n_fat
    first_minifat = _chain(fat, n_minifat)
    first_dir = _chain(fat, n_dir)
    root.start, root.data = _chain(fat, n_mini), mini
    for entry, count in zip(big, n_big, strict=True):
        entry.start = _chain(fat, count)
    fat += [FREE] * (n_fat * SECTOR // 4 - len(fat))
    body = b"".join([
        struct.pack(f"<{len(fat)}I", *fat),
        _pad(struct.pack(f"<{len(minifat)}I", *minifat), FREE),
        _pad(b"".join(_dir_entry(e, len(mini) if e.kind == _ROOT else len(e.data))
                      for e in entries), None),
        _pad(mini, 0),
        *(_pad(e.data, 0) for e in big),
    ])
    return _header(n_fat, first_dir, first_minifat, n_minifat) + body


def _tree(streams: dict[str, bytes]) -> _Entry:
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        node = root
        *storages, leaf = path.split("/")
        for name in storages:
            found = next((c for c in node.children if c.name == name), None)
            if found is None:
                found = _Entry(name, _STORAGE)
                node.children.append(found)
            node = found
        node.children.append(_Entry(leaf, _STREAM, data))
    return root


def _number(root: _Entry) -> list[_Entry]:
    out, todo = [], [root]
    while todo:
        entry = todo.pop(0)
        entry.sid = len(out)
        out.append(entry)
        entry.children.sort(key=lambda e: (len(e.name), e.name.upper()))
        todo.extend(entry.children)
    for entry in out:
        for left, right in zip(entry.children, entry.children[1:], strict=False):
            left.right = right.sid
    return out


def _mini_stream(small: list[_Entry]) -> tuple[bytes, list[int]]:
    mini, minifat = bytearray(), []
    for entry in small:
        count = -(-len(entry.data) // MINI)
        entry.start = len(minifat)
        minifat += [len(minifat) + i + 1 for i in range(count - 1)] + [END]
        mini += entry.data.ljust(count * MINI, b"\x00")
    return bytes(mini), minifat


def _sectors(nbytes: int) -> int:
    return -(-nbytes // SECTOR)


def _chain(fat: list[int], count: int) -> int:
    if count == 0:
        return END
    first = len(fat)
    fat += [first + i + 1 for i in range(count - 1)] + [END]
    return first


def _pad(data: bytes, fill: int | None) -> bytes:
    if not data:
        return b""
    size = _sectors(len(data)) * SECTOR
    if fill == FREE:
        return data + b"\xff" * (size - len(data))
    if fill is None:  # unused directory entries: empty, no siblings
        blank = b"\x00" * 68 + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\x00" * 48
        return data + blank * ((size - len(data)) // 128)
    return data.ljust(size, b"\x00")


def _dir_entry(entry: _Entry, size: int) -> bytes:
    name = entry.name.encode("utf-16-le")[:62] + b"\x00\x00"
    child = entry.children[0].sid if entry.children else NOSTREAM
    return b"".join([
        name.ljust(64, b"\x00"),
        struct.pack("<HBB", len(name), entry.kind, 1),  # 1 = black
        struct.pack("<III", NOSTREAM, entry.right, child),
        b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16,  # CLSID, state bits, times
        struct.pack("<IQ", entry.start if size else END, size),
    ])


def _header(n_fat: int, first_dir: int, first_minifat: int, n_minifat: int) -> bytes:
    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    return b"".join([
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16,
        struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6), b"\x00" * 6,
        struct.pack("<IIIIIIIII", 0, n_fat, first_dir, 0, CUTOFF, first_minifat, n_minifat,
                    END, 0),
        struct.pack("<109I", *difat),
    ])
