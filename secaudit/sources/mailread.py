"""Reading mail stores as the scanner reads any file: no link followed, bounded, streamed.

A mail store lies in a user's home: its owner controls it. So a store is opened with
:func:`secaudit.scan.safeopen.open_top` (no link on any component made by a user, regular file
only, ``O_NONBLOCK``: ``Sent`` → ``/proc/kmsg`` is refused, never opened for reading), an mbox is
cut into messages by a streaming pass over 1 MiB blocks (a 2 GB sparse mbox costs 1 MiB of
memory), and a message is never held here: a :class:`MailItem` names the file, offset and length
that a scan worker reads itself, with ``max_file_size`` and the per-file time limit. Only the
headers (at most :data:`HEADERS_MAX` bytes) are read here, for the message's metadata.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secaudit.scan.safeopen import Refused, open_top, read_capped

MAIL_SUFFIXES = (".eml", ".msg")
BLOCK = 1024 * 1024
HEADERS_MAX = 256 * 1024
"""Bytes of a message read by the agent itself (its headers); the body is read by a worker."""
_SEP = b"\nFrom "


@dataclass(frozen=True, slots=True)
class MailItem:
    """One message of a store: where its bytes lie (never the bytes)."""

    file: str
    """The mbox or message file."""
    offset: int
    length: int
    ident: tuple[int, int]
    """(device, inode) of ``file`` when it was listed: the worker must open that one."""
    name: str
    """File name handed to the scanner (``message.eml`` for mbox entries)."""
    display: str
    """Where it lies, for evidence (``…/Sent#offset`` or the file path)."""
    folder: str
    key: str
    """What ``MailState`` remembers once it is done (offset or file name)."""


def is_maildir(path: Path) -> bool:
    return _is_dir(path / "cur") and _is_dir(path / "new")


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)  # a link to a folder is not one
    except OSError:
        return False


def is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _open_store(path: Path) -> tuple[int, os.stat_result]:
    fd, st = open_top(str(path))
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise Refused(_unsupported(), f"{path}: not a regular file")
    return fd, st


def _unsupported() -> Any:
    from secaudit.model import ErrorReason

    return ErrorReason.UNSUPPORTED


def _boundaries(fd: int, start: int, end: int) -> Iterator[int]:
    """Offsets in ``[start, end)`` where an mbox entry begins (``From `` at a line start)."""
    if os.pread(fd, 5, start) == b"From " and (start == 0 or os.pread(fd, 1, start - 1) == b"\n"):
        yield start
    pos, carry = start, b""
    while pos < end:
        block = os.pread(fd, min(BLOCK, end - pos), pos)
        if not block:
            return
        data = carry + block
        base = pos - len(carry)
        hit = data.find(_SEP)
        while hit >= 0:
            yield base + hit + 1
            hit = data.find(_SEP, hit + 1)
        carry = data[-(len(_SEP) - 1):]
        pos += len(block)


def mbox_messages(path: Path, st: dict[str, Any]) -> Iterator[MailItem]:
    """New entries of an mbox since the offset remembered in ``st`` (advanced by ``commit``).

    Bytes that belong to no entry (a file that is no mbox, zeros of a sparse file) are handed
    on as one message too, so they get a record (``too_large`` …) instead of passing unseen.
    """
    fd, info = _open_store(path)
    try:
        offset = st.get("offset", 0)
        if st.get("inode") != info.st_ino or info.st_size < offset:
            offset = 0  # rewritten (compacted) or new: digests keep old messages from repeating
        st["inode"] = info.st_ino
        size, ident = info.st_size, (info.st_dev, info.st_ino)
        starts = list(_limited(_boundaries(fd, offset, size)))
        if len(starts) >= MOST_PER_PASS:
            size = starts.pop()  # the rest at the next pass (memory stays bounded)
        elif starts and os.pread(fd, 2, size - 2) != b"\n\n" and _recent(info):
            size = starts.pop()  # last entry still being written: read at its next change
        if offset < size and (not starts or starts[0] > offset):
            starts.insert(0, offset)  # bytes before the first entry
        for i, start in enumerate(starts):
            stop = starts[i + 1] if i + 1 < len(starts) else size
            line = os.pread(fd, min(1024, stop - start), start)
            skip = line.find(b"\n") + 1 if line.startswith(b"From ") and b"\n" in line else 0
            yield MailItem(str(path), start + skip, stop - start - skip, ident,
                           "message.eml", f"{path}#{start}", path.name, str(stop))
    finally:
        os.close(fd)


WRITING_S = 60.0
"""An mbox changed this recently whose last entry does not end with a blank line is still being
written (that entry waits); older, its last entry is taken as it is."""


def _recent(info: os.stat_result) -> bool:
    return time.time() - info.st_mtime < WRITING_S


MOST_PER_PASS = 100_000
"""Most mbox entries listed in one pass over a store."""


def _limited(starts: Iterator[int]) -> Iterator[int]:
    for i, s in enumerate(starts):
        if i >= MOST_PER_PASS:
            return
        yield s


def file_messages(store: Path, st: dict[str, Any]) -> Iterator[MailItem]:
    """New message files of a Maildir or of a folder of ``.eml``/``.msg`` files."""
    seen = set(st.get("seen", []))
    maildir = is_maildir(store)
    if maildir:
        files = [f for sub in ("new", "cur") for f in sorted((store / sub).iterdir())]
    else:
        files = sorted(f for f in store.iterdir() if f.name.lower().endswith(MAIL_SUFFIXES))
    for f in files:
        try:
            info = os.lstat(f)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue  # links, FIFOs, devices: never opened (and never a message)
        base = f.name.split(":2,", 1)[0]
        key = base if maildir else f"{f.name}:{info.st_size}:{info.st_mtime_ns}"
        if key in seen:
            continue
        name = f.name if f.name.lower().endswith(".msg") else "message.eml"
        yield MailItem(str(f), 0, info.st_size, (info.st_dev, info.st_ino), name, str(f),
                       store.name, key)


def read_headers(item: MailItem) -> bytes:
    """The first bytes of a message (its headers), read safely; b"" when unreadable."""
    try:
        fd, info = _open_store(Path(item.file))
    except (OSError, Refused):
        return b""
    try:
        if (info.st_dev, info.st_ino) != item.ident:
            return b""
        want = min(item.length, HEADERS_MAX)
        return read_capped(fd, HEADERS_MAX, offset=item.offset, length=want)
    except (OSError, Refused):
        return b""
    finally:
        os.close(fd)


def read_item(item: MailItem, cap: int) -> bytes:
    """A whole message (at most ``cap`` bytes, else :class:`Refused`), as a worker reads it."""
    fd, info = _open_store(Path(item.file))
    try:
        return read_capped(fd, cap, offset=item.offset, length=item.length)
    finally:
        os.close(fd)


def header_digest(item: MailItem, head: bytes) -> str:
    """What identifies a message across mbox compaction: its length and headers (without the
    ``X-Mozilla-*`` status lines Thunderbird rewrites when a message is read or flagged)."""
    block = head.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    lines = [ln for ln in block.split(b"\n") if not ln.lower().startswith(b"x-mozilla-")]
    return hashlib.sha256(str(item.length).encode() + b"\n".join(lines)).hexdigest()
