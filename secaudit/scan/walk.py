"""Walking the paths of a scan: which files to read, and which could not be reached (and why).

Symlinks are followed only while they stay inside the scanned root; a link pointing outside it
and a directory loop are reported (reason ``limit``), never silently dropped. What a link leads to
is reported at its real path, and once: links are walked after the real entries of a folder.
Unreadable folders and files become ``permission`` records, files that disappear during the walk
``vanished``.
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


@dataclass(frozen=True, slots=True)
class WalkEntry:
    """A regular file to scan."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    dev: int


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


def walk(paths: list[str], exclude: tuple[str, ...] = ()) -> Iterator[WalkEntry | WalkProblem]:
    """Yield every regular file under ``paths`` (files given directly are yielded too)."""
    seen_files: set[tuple[int, int]] = set()
    for raw in paths:
        top = os.path.abspath(raw)
        try:
            st = os.stat(top)
        except FileNotFoundError:
            yield WalkProblem(top, ErrorReason.VANISHED, "path does not exist")
            continue
        except PermissionError as exc:
            yield WalkProblem(top, ErrorReason.PERMISSION, str(exc))
            continue
        except OSError as exc:
            yield WalkProblem(top, ErrorReason.CORRUPT, f"cannot stat: {exc}")
            continue
        if stat.S_ISDIR(st.st_mode):
            root = os.path.realpath(top)
            yield from _walk_dir(top, root, exclude, {(st.st_dev, st.st_ino)}, seen_files)
        elif stat.S_ISREG(st.st_mode):
            if (st.st_dev, st.st_ino) not in seen_files:
                seen_files.add((st.st_dev, st.st_ino))
                yield WalkEntry(top, st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
        else:
            yield WalkProblem(top, ErrorReason.UNSUPPORTED, "not a regular file or folder")


def _walk_dir(
    folder: str,
    root: str,
    exclude: tuple[str, ...],
    ancestors: set[tuple[int, int]],
    seen_files: set[tuple[int, int]],
) -> Iterator[WalkEntry | WalkProblem]:
    try:
        with os.scandir(folder) as it:
            # links last: a file or folder met both directly and through a link is reported
            # at its real path
            entries = sorted(it, key=lambda e: (e.is_symlink(), e.name))
    except FileNotFoundError:
        yield WalkProblem(folder, ErrorReason.VANISHED, "folder disappeared during the scan")
        return
    except PermissionError as exc:
        yield WalkProblem(folder, ErrorReason.PERMISSION, f"folder not readable: {exc.strerror}")
        return
    except OSError as exc:
        yield WalkProblem(folder, ErrorReason.CORRUPT, f"folder not readable: {exc}")
        return
    excluded = _exclusion(exclude)
    for entry in entries:
        path = entry.path
        if excluded is not None and excluded.match(path):
            continue
        try:
            is_link = entry.is_symlink()
            if is_link:
                target = os.path.realpath(path)
                if not _inside(target, root):
                    yield WalkProblem(
                        path, ErrorReason.LIMIT, "symbolic link leads outside the scanned folder"
                    )
                    continue
            st = entry.stat(follow_symlinks=True)
        except FileNotFoundError:
            reason = ErrorReason.LIMIT if entry.is_symlink() else ErrorReason.VANISHED
            detail = "broken or looping symbolic link" if entry.is_symlink() else "vanished"
            yield WalkProblem(path, reason, detail)
            continue
        except PermissionError as exc:
            yield WalkProblem(path, ErrorReason.PERMISSION, str(exc.strerror))
            continue
        except OSError as exc:  # ELOOP and friends
            yield WalkProblem(path, ErrorReason.LIMIT, f"cannot follow: {exc.strerror or exc}")
            continue
        key = (st.st_dev, st.st_ino)
        if stat.S_ISDIR(st.st_mode):
            if key in ancestors:
                yield WalkProblem(path, ErrorReason.LIMIT, "folder loop (link back to a parent)")
                continue
            if is_link and key in seen_files:
                continue
            seen_files.add(key)
            inner = target if is_link else path  # files under a linked folder: real paths
            yield from _walk_dir(inner, root, exclude, ancestors | {key}, seen_files)
        elif stat.S_ISREG(st.st_mode):
            if key in seen_files:
                continue  # hard link or symlink to a file already scanned
            seen_files.add(key)
            # a linked file is read (O_NOFOLLOW) and reported at the real path it leads to
            real = target if is_link else path
            yield WalkEntry(real, st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
        # sockets, fifos, devices: nothing to read (a fifo would block the scan)
