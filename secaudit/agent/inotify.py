"""The Linux inotify calls (ctypes), and the parse of the event records read from its fd.

Only what :mod:`.treewatch` needs: one inotify instance per watched tree, directory watches
added one at a time (``IN_ONLYDIR | IN_DONT_FOLLOW``: a link is never watched through), events
read in blocks and cut into :class:`InotifyEvent` records.
"""

from __future__ import annotations

import ctypes
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass

IN_MODIFY = 0x00000002
IN_ATTRIB = 0x00000004
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_FROM = 0x00000040
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE_SELF = 0x00000400
IN_MOVE_SELF = 0x00000800
IN_UNMOUNT = 0x00002000
IN_Q_OVERFLOW = 0x00004000
IN_IGNORED = 0x00008000
IN_ONLYDIR = 0x01000000
IN_DONT_FOLLOW = 0x02000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = getattr(os, "O_CLOEXEC", 0o2000000)

WATCH_MASK = (IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF
              | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
_HEADER = struct.Struct("iIII")


class InotifyUnavailable(OSError):
    """No inotify here (not Linux, or the calls are refused)."""


@dataclass(frozen=True, slots=True)
class InotifyEvent:
    wd: int
    mask: int
    name: str


_libc: ctypes.CDLL | None = None


def _lib() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None, use_errno=True)
            _libc.inotify_init1  # noqa: B018 - raises AttributeError where there is none
        except (OSError, AttributeError) as exc:
            raise InotifyUnavailable(f"no inotify: {exc}") from exc
    return _libc


def init() -> int:
    fd = int(_lib().inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
    if fd < 0:
        err = ctypes.get_errno()
        raise InotifyUnavailable(err, os.strerror(err))
    return fd


def add_watch(fd: int, path: str, mask: int = WATCH_MASK) -> int:
    """Watch the folder ``path`` (never through a link); the watch descriptor."""
    wd = int(_lib().inotify_add_watch(fd, os.fsencode(path), ctypes.c_uint32(mask)))
    if wd < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), path)
    return wd


def rm_watch(fd: int, wd: int) -> None:
    _lib().inotify_rm_watch(fd, wd)


def read_events(fd: int, size: int = 64 * 1024) -> Iterator[InotifyEvent]:
    """The events waiting on ``fd`` (none when there are none: the fd is non-blocking)."""
    try:
        buf = os.read(fd, size)
    except BlockingIOError:
        return
    pos = 0
    while pos + _HEADER.size <= len(buf):
        wd, mask, _cookie, length = _HEADER.unpack_from(buf, pos)
        raw = buf[pos + _HEADER.size : pos + _HEADER.size + length].rstrip(b"\0")
        pos += _HEADER.size + length
        yield InotifyEvent(wd, mask, os.fsdecode(raw))
