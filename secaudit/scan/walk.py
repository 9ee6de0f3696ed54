"""Walking the paths of a scan: which files to read, and which could not be reached (and why).

The walk never follows a symbolic link (the agent runs as root among users and sticks that make
links): each folder is opened below the scan's top folder with no link on the way
(:mod:`secaudit.scan.safeopen`) and checked to be the folder the listing showed. A link whose
target lies inside the scanned folder adds nothing (the target is walked at its real path); a
link leading outside, a broken or looping link, and a top path that is itself a link are
reported (reason ``limit``), never followed. FIFOs, sockets and devices are reported
``unsupported`` and never opened; pseudo-filesystems (``/proc``, ``/sys``, ``/dev`` …) are not
entered. Unreadable folders become ``permission`` records, files that disappear ``vanished``.

The walk is iterative (a stack of folders, no recursion): 1,300 nested folders cost a list, not
the interpreter's stack; only folders and hard-linked files are remembered (loops through bind
mounts, a hard link met twice).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from secaudit.model import ErrorReason
from secaudit.scan.safeopen import Refused, close_quietly, kind_of, open_beneath, open_top

PSEUDO_FSTYPES = frozenset({
    "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs",
    "securityfs", "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "efivarfs",
    "binfmt_misc", "autofs", "rpc_pipefs", "nsfs", "selinuxfs",
})
"""Kernel pseudo-filesystems: their "files" are kernel state (reading may block or never end)."""


@dataclass(frozen=True, slots=True)
class WalkEntry:
    """A regular file to scan."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    dev: int
    ctime_ns: int = 0
    top: str = ""
    """The scan's top folder the file is opened below (``rel == ""``: the top is the file)."""
    rel: str = ""


@dataclass(frozen=True, slots=True)
class WalkProblem:
    """A path the walk could not (or must not) follow."""

    path: str
    reason: ErrorReason
    detail: str


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=32)
def _exclusion(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """All exclude globs as one compiled pattern (one match per path, not one per glob)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def mount_fstypes() -> dict[int, str]:
    """Filesystem type of every mounted device number (from /proc/self/mountinfo)."""
    out: dict[int, str] = {}
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                left, _, right = line.partition(" - ")
                fields = left.split()
                if len(fields) > 2 and right and ":" in fields[2]:
                    major, minor = fields[2].split(":", 1)
                    out[os.makedev(int(major), int(minor))] = right.split()[0]
    except (OSError, ValueError):
        pass
    return out


def pseudo_fs(dev: int, fstypes: dict[int, str]) -> str | None:
    """The pseudo-filesystem type of ``dev`` (None: a real filesystem)."""
    fstype = fstypes.get(dev)
    return fstype if fstype in PSEUDO_FSTYPES else None


class WalkTick:
    """Yielded (with ``ticks``) every :data:`TICK_FOLDERS` folders: a tree of folders without
    files must not keep the files found before it from being read."""


TICK = WalkTick()
TICK_FOLDERS = 256


def walk(paths: list[str], exclude: tuple[str, ...] = (), *,
         ticks: bool = False) -> Iterator[WalkEntry | WalkProblem | WalkTick]:
    """Yield every regular file under ``paths`` (files given directly are yielded too)."""
    seen: set[int] = set()  # folders (bind-mount loops) and hard-linked files (met twice)
    fstypes = mount_fstypes()
    for raw in paths:
        top = os.path.normpath(os.path.abspath(raw))
        try:
            fd, st = open_top(top)
        except Refused as exc:
            yield WalkProblem(top, exc.reason, exc.detail)
            continue
        except FileNotFoundError:
            yield WalkProblem(top, ErrorReason.VANISHED, "path does not exist")
            continue
        except PermissionError as exc:
            yield WalkProblem(top, ErrorReason.PERMISSION, str(exc.strerror))
            continue
        except OSError as exc:
            yield WalkProblem(top, ErrorReason.CORRUPT, f"cannot open: {exc.strerror or exc}")
            continue
        try:
            kind = pseudo_fs(st.st_dev, fstypes)
            if kind:
                yield WalkProblem(top, ErrorReason.UNSUPPORTED,
                                  f"pseudo-filesystem {kind}: kernel state, not files; not scanned")
            elif stat.S_ISDIR(st.st_mode):
                seen.add(_key(st))
                yield from _walk_tree(top, fd, st, exclude, seen, fstypes, ticks)
            elif _first_time(st, seen):
                yield WalkEntry(top, st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev,
                                st.st_ctime_ns, top, "")
        finally:
            close_quietly(fd)


def _key(st: os.stat_result) -> int:
    return (st.st_dev << 64) | st.st_ino


def _first_time(st: os.stat_result, seen: set[int]) -> bool:
    if st.st_nlink <= 1:
        return True  # no other name can lead to it (links are never followed)
    key = _key(st)
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk_tree(top: str, top_fd: int, top_st: os.stat_result, exclude: tuple[str, ...],
               seen: set[int], fstypes: dict[int, str],
               ticks: bool) -> Iterator[WalkEntry | WalkProblem | WalkTick]:
    excluded = _exclusion(exclude)
    real_top = os.path.realpath(top)  # only to tell links that stay inside: never opened
    stack: list[tuple[str, int, int]] = [("", top_st.st_dev, top_st.st_ino)]
    listed = 0
    while stack:
        rel, dev, ino = stack.pop()
        listed += 1
        if ticks and listed % TICK_FOLDERS == 0:
            yield TICK
        path = f"{top}/{rel}" if rel else top
        listing = _list(top_fd, rel, path, dev, ino)
        if isinstance(listing, WalkProblem):
            yield listing
            continue
        subdirs: list[tuple[str, int, int]] = []
        for name, st in listing:
            child = f"{rel}/{name}" if rel else name
            full = f"{top}/{child}"
            if excluded is not None and excluded.match(full):
                continue
            mode = st.st_mode
            if stat.S_ISDIR(mode):
                problem = _enter(full, st, dev, seen, fstypes)
                if problem:
                    yield problem
                else:
                    subdirs.append((child, st.st_dev, st.st_ino))
            elif stat.S_ISREG(mode):
                if _first_time(st, seen):
                    yield WalkEntry(full, st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev,
                                    st.st_ctime_ns, top, child)
            elif stat.S_ISLNK(mode):
                problem = _link_problem(full, real_top)
                if problem:
                    yield problem
            else:  # FIFO, socket, device: never opened (a FIFO blocks, a device has effects)
                yield WalkProblem(full, ErrorReason.UNSUPPORTED,
                                  f"not a regular file ({kind_of(mode)}): not opened")
        stack.extend(reversed(subdirs))


def _enter(path: str, st: os.stat_result, parent_dev: int, seen: set[int],
           fstypes: dict[int, str]) -> WalkProblem | None:
    """Why the folder ``path`` is not entered (None: enter it)."""
    if st.st_dev != parent_dev:
        kind = pseudo_fs(st.st_dev, fstypes)
        if kind:
            return WalkProblem(path, ErrorReason.UNSUPPORTED,
                               f"pseudo-filesystem {kind} mounted here: not scanned")
    key = _key(st)
    if key in seen:
        return WalkProblem(path, ErrorReason.LIMIT, "folder met twice (bind-mount loop)")
    seen.add(key)
    return None


def _list(top_fd: int, rel: str, path: str, dev: int,
          ino: int) -> list[tuple[str, os.stat_result]] | WalkProblem:
    """The sorted entries of one folder (``lstat``), opened with no link on the way."""
    fd = None
    try:
        fd = top_fd if not rel else open_beneath(top_fd, rel, _LIST_FLAGS)
        st = os.fstat(fd)
        if (st.st_dev, st.st_ino) != (dev, ino):
            return WalkProblem(path, ErrorReason.LIMIT, "folder replaced during the scan "
                               "(by a link or another folder): not followed")
        out = []
        with os.scandir(fd) as it:
            for entry in it:
                try:
                    out.append((entry.name, entry.stat(follow_symlinks=False)))
                except FileNotFoundError:
                    continue  # gone between listing and lstat: nothing to read
        out.sort(key=lambda item: item[0])
        return out
    except Refused as exc:
        return WalkProblem(path, exc.reason, exc.detail)
    except FileNotFoundError:
        return WalkProblem(path, ErrorReason.VANISHED, "folder disappeared during the scan")
    except NotADirectoryError:
        return WalkProblem(path, ErrorReason.LIMIT, "folder replaced during the scan")
    except PermissionError as exc:
        return WalkProblem(path, ErrorReason.PERMISSION, f"folder not readable: {exc.strerror}")
    except OSError as exc:
        return WalkProblem(path, ErrorReason.CORRUPT, f"folder not readable: {exc}")
    finally:
        if fd is not None and fd != top_fd:
            close_quietly(fd)


_LIST_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _link_problem(path: str, real_top: str) -> WalkProblem | None:
    """A link is never followed; it is reported unless it leads to something walked anyway."""
    try:
        target = os.path.realpath(path)
        st = os.stat(path)  # metadata only: tells broken and looping links apart
    except OSError as exc:
        return WalkProblem(path, ErrorReason.LIMIT,
                           f"broken or looping symbolic link: {exc.strerror or exc}")
    if not _inside(target, real_top):
        return WalkProblem(path, ErrorReason.LIMIT,
                           "symbolic link leads outside the scanned folder: not followed")
    if stat.S_ISDIR(st.st_mode) and _inside(os.path.realpath(os.path.dirname(path)), target):
        return WalkProblem(path, ErrorReason.LIMIT, "folder loop (link back to a parent)")
    return None  # its target lies in the scanned folder and is walked at its real path


PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".heic", ".webp")
"""Files read by OCR when it is on: the scan sends them after the other files, one at a time."""


def is_picture(path: str) -> bool:
    return path.lower().endswith(PICTURE_SUFFIXES)
