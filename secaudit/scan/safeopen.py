"""Opening files of untrusted trees as root without following any link, and reading them capped.

The agent runs as root over folders that ordinary users and USB sticks control. Every open of a
scanned file goes through here:

- ``open_top(path)`` opens a scan's top path one component at a time from ``/`` with
  ``O_NOFOLLOW``: the top itself must not be a link (a watch event on a link, ``~/Desktop``
  replaced by a link → :class:`Refused`); a link in a parent component is followed only when
  root made it in a folder only root can write, on the root filesystem (``/var/run`` → ``/run``).
- ``open_beneath(dir_fd, rel)`` opens a path below an open folder with ``openat2``
  ``RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`` where the kernel has it
  (Linux ≥ 5.6), else component by component with ``O_NOFOLLOW | O_DIRECTORY``.
- Objects are first opened ``O_PATH`` (opening a device or a FIFO has effects; ``O_PATH`` has
  none), checked with ``fstat`` (regular file, and the device/inode/size the walk saw), and only
  then reopened for reading, ``O_NONBLOCK``.
- ``read_capped(fd, cap)`` never reads more than ``cap`` bytes (``/dev/zero`` behind a swapped
  folder, a sparse 2 GB file).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import stat
from dataclasses import dataclass

from secaudit.model import ErrorReason

_SYS_OPENAT2 = 437  # the same number on every Linux architecture (new-style syscall table)
_RESOLVE_NO_MAGICLINKS = 0x02
_RESOLVE_NO_SYMLINKS = 0x04
_RESOLVE_BENEATH = 0x08
_O_PATH = getattr(os, "O_PATH", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC
_PATH_FLAGS = (_O_PATH or os.O_RDONLY) | os.O_NOFOLLOW | _CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_NOCTTY", 0) | _CLOEXEC
MAX_LINK_HOPS = 8


class Refused(Exception):
    """A path that must not (or cannot) be opened; ``reason`` is the error record's reason."""

    def __init__(self, reason: ErrorReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Identity:
    """What the walk saw of a file; the opened object must be the same one."""

    dev: int
    ino: int
    size: int
    """-1: not checked (a slice of a growing mbox)."""


class _OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64),
                ("resolve", ctypes.c_uint64)]


_libc: ctypes.CDLL | None = None
_has_openat2: bool | None = None


def _openat2(dir_fd: int, rel: str, flags: int) -> int | None:
    """``openat2`` beneath ``dir_fd`` with no link at all; None where the kernel lacks it."""
    global _libc, _has_openat2
    if _has_openat2 is False:
        return None
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            _has_openat2 = False
            return None
    how = _OpenHow(flags, 0, _RESOLVE_BENEATH | _RESOLVE_NO_SYMLINKS | _RESOLVE_NO_MAGICLINKS)
    fd = _libc.syscall(_SYS_OPENAT2, dir_fd, os.fsencode(rel), ctypes.byref(how),
                       ctypes.sizeof(how))
    if fd >= 0:
        _has_openat2 = True
        return int(fd)
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EPERM) and not _has_openat2:
        _has_openat2 = False  # no openat2 here (old kernel, or seccomp forbids it): walk instead
        return None
    if err == errno.EXDEV:
        raise Refused(ErrorReason.LIMIT, f"{rel}: leads outside the scanned folder")
    if err == errno.ELOOP:
        raise Refused(ErrorReason.LIMIT, f"{rel}: symbolic link on the way, not followed")
    raise OSError(err, os.strerror(err), rel)


def _walk_beneath(dir_fd: int, rel: str, flags: int) -> int:
    """Fallback of :func:`_openat2`: one component at a time, never through a link."""
    parts = [p for p in rel.split("/") if p and p != "."]
    if not parts or ".." in parts:
        raise Refused(ErrorReason.LIMIT, f"{rel}: not a path below the scanned folder")
    cur = dir_fd
    try:
        for part in parts[:-1]:
            try:
                nxt = os.open(part, _O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC,
                              dir_fd=cur)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise Refused(ErrorReason.LIMIT,
                                  f"{rel}: {part} is no longer a folder (link?)") from exc
                raise
            if cur != dir_fd:
                os.close(cur)
            cur = nxt
        return os.open(parts[-1], flags, dir_fd=cur)
    finally:
        if cur != dir_fd:
            os.close(cur)


def open_beneath(dir_fd: int, rel: str, flags: int = _PATH_FLAGS) -> int:
    """Open ``rel`` below the folder ``dir_fd`` without following any link on the way."""
    if rel.startswith("/") or ".." in rel.split("/"):
        raise Refused(ErrorReason.LIMIT, f"{rel}: not a path below the scanned folder")
    fd = _openat2(dir_fd, rel, flags)
    return fd if fd is not None else _walk_beneath(dir_fd, rel, flags)


def _trusted_link(parent_fd: int, name: str, root_dev: int) -> bool:
    """A link root made, in a folder only root writes, on the root filesystem (``/var/run``)."""
    try:
        link = os.lstat(name, dir_fd=parent_fd)
        parent = os.fstat(parent_fd)
    except OSError:
        return False
    return (link.st_uid == 0 and link.st_dev == root_dev and parent.st_uid == 0
            and not parent.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _top_parent(path: str) -> tuple[int, str]:
    """An ``O_PATH`` fd of the folder holding ``path``'s last component, and that name."""
    root_dev = os.stat("/").st_dev
    parts = [p for p in os.path.normpath(path).split("/") if p]
    fd, hops = os.open("/", _O_PATH | os.O_DIRECTORY | _CLOEXEC), 0
    try:
        while len(parts) > 1:
            part = parts.pop(0)
            try:
                nxt = os.open(part, _O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC, dir_fd=fd)
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR) or hops >= MAX_LINK_HOPS:
                    raise
                if not _trusted_link(fd, part, root_dev):
                    raise Refused(ErrorReason.LIMIT, f"{part}: symbolic link in the path, "
                                  "not made by root: not followed") from exc
                target, hops = os.readlink(part, dir_fd=fd), hops + 1
                parts = [p for p in target.split("/") if p] + parts
                if target.startswith("/"):
                    os.close(fd)
                    fd = os.open("/", _O_PATH | os.O_DIRECTORY | _CLOEXEC)
                continue
            os.close(fd)
            fd = nxt
        return fd, (parts[0] if parts else ".")
    except BaseException:
        os.close(fd)
        raise


def open_top(path: str) -> tuple[int, os.stat_result]:
    """Open a scan's top path (folder: for listing; file: for reading) never through a link.

    Raises :class:`Refused` for a link, a special file, or a pseudo file; ``OSError`` as is.
    """
    if not os.path.isabs(path):
        raise Refused(ErrorReason.LIMIT, f"{path}: not an absolute path")
    parent, name = _top_parent(path)
    try:
        if name == ".":
            return reopen(parent, os.fstat(parent), directory=True), os.fstat(parent)
        fd = os.open(name, _PATH_FLAGS, dir_fd=parent)
    finally:
        os.close(parent)
    try:
        st = os.fstat(fd)
        if stat.S_ISLNK(st.st_mode):
            raise Refused(ErrorReason.LIMIT, "symbolic link: not followed (the agent never "
                          "follows links out of a watched folder)")
        if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
            raise Refused(ErrorReason.UNSUPPORTED, f"not a regular file ({kind_of(st.st_mode)})")
        return reopen(fd, st, directory=stat.S_ISDIR(st.st_mode)), st
    finally:
        os.close(fd)


def reopen(path_fd: int, st: os.stat_result, *, directory: bool) -> int:
    """Reopen an ``O_PATH`` fd for reading; the object must stay the one ``st`` describes."""
    flags = _DIR_FLAGS if directory else _READ_FLAGS
    if not _O_PATH:
        return os.dup(path_fd)
    try:
        fd = os.open(f"/proc/self/fd/{path_fd}", (flags | getattr(os, "O_NOATIME", 0))
                     & ~os.O_NOFOLLOW)
    except PermissionError:
        fd = os.open(f"/proc/self/fd/{path_fd}", flags & ~os.O_NOFOLLOW)
    now = os.fstat(fd)
    if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
        os.close(fd)
        raise Refused(ErrorReason.VANISHED, "replaced while being opened")
    return fd


def open_regular(dir_fd: int | None, rel: str, expect: Identity | None, top: str = "") -> int:
    """A read fd of the regular file ``rel`` below ``dir_fd`` (``rel == ""``: the top itself,
    ``top``), checked against what the walk saw."""
    if not rel:
        fd, st = open_top(top)
        if stat.S_ISDIR(st.st_mode):
            os.close(fd)
            raise Refused(ErrorReason.UNSUPPORTED, "a folder, not a file")
        _check(st, expect)
        return fd
    if dir_fd is None:
        raise Refused(ErrorReason.LIMIT, f"{rel}: no folder to open it below")
    pfd = open_beneath(dir_fd, rel, _PATH_FLAGS)
    try:
        st = os.fstat(pfd)
        if stat.S_ISLNK(st.st_mode):
            raise Refused(ErrorReason.LIMIT, "symbolic link: not followed")
        if not stat.S_ISREG(st.st_mode):
            raise Refused(ErrorReason.UNSUPPORTED, f"not a regular file ({kind_of(st.st_mode)})")
        _check(st, expect)
        return reopen(pfd, st, directory=False)
    finally:
        os.close(pfd)


def _check(st: os.stat_result, expect: Identity | None) -> None:
    if expect is None:
        return
    if (st.st_dev, st.st_ino) != (expect.dev, expect.ino):
        raise Refused(ErrorReason.VANISHED, "replaced by another object after the walk saw it")
    if expect.size >= 0 and st.st_size != expect.size:
        raise Refused(ErrorReason.VANISHED, f"changed while being scanned ({expect.size} → "
                      f"{st.st_size} bytes); read again at its next change")


def read_capped(fd: int, cap: int, *, offset: int = 0, length: int = -1) -> bytes:
    """At most ``cap`` bytes of ``fd`` from ``offset`` (``length`` < 0: to the end of the file as
    ``fstat`` says); :class:`Refused` (``too_large``) when there is more."""
    if length < 0:
        length = max(0, os.fstat(fd).st_size - offset)
    if length > cap:
        raise Refused(ErrorReason.TOO_LARGE, f"{length} bytes > max_file_size {cap}")
    want = length + 1  # one byte more: a file that grew past its size is noticed
    chunks, got = [], 0
    while got < want:
        chunk = os.pread(fd, min(want - got, 1 << 30), offset + got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    if got > cap:
        raise Refused(ErrorReason.TOO_LARGE, f"more than {cap} bytes (max_file_size)")
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return data[:length] if got > length else data


def read_top_file(path: str, cap: int) -> bytes:
    """The bytes of one file named on the command line (``secaudit extract``), opened as a scan's
    top path is (no link on any component, regular files only) and read within ``cap``."""
    fd, st = open_top(path)
    try:
        if stat.S_ISDIR(st.st_mode):
            raise Refused(ErrorReason.UNSUPPORTED, "a folder, not a file")
        return read_capped(fd, cap)
    finally:
        os.close(fd)


def kind_of(mode: int) -> str:
    """What a non-regular file is, for the error record."""
    for test, what in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"),
                       (stat.S_ISLNK, "symbolic link"), (stat.S_ISDIR, "folder")):
        if test(mode):
            return what
    return "special file"


def close_quietly(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
