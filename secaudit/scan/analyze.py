"""One file read, extracted and detected: the :class:`Task` a worker is handed and :func:`analyze`.

A task is read from disk as :mod:`.safeopen` allows (below its top folder, no link on the way,
the file the walk saw, capped at ``max_file_size``) or comes as bytes (an e-mail message); the
worker processes that run it under a time limit are :mod:`.workers`.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass
from operator import attrgetter

from secaudit.limits import Limits
from secaudit.model import ErrorReason, ExtractError, FileResult
from secaudit.scan.safeopen import (
    Identity,
    Refused,
    close_quietly,
    open_regular,
    open_top,
    read_capped,
)
from secaudit.textsafe import readable_name


@dataclass(frozen=True, slots=True)
class Task:
    """One file to read: from disk (``data is None``) or bytes handed over (an e-mail message)."""

    path: str
    """Path reported in results (for a blob: its display path)."""
    size: int
    mtime_ns: int = 0
    data: bytes | None = None
    name: str | None = None
    # -- where to read it (safeopen): below the top folder ``top``, never through a link -----
    top: str = ""
    """Top folder of the scan (``rel == ""``: ``top`` or else ``path`` is the file itself)."""
    rel: str = ""
    dev: int = 0
    ino: int = 0
    """Device and inode the walk saw (0: not checked); the opened file must be that one."""
    offset: int = 0
    length: int = -1
    """A slice of the file (one message of an mbox); -1: the whole file."""

    def __reduce__(self) -> tuple[type[Task], tuple[object, ...]]:
        # tasks cross to the workers by the thousand: a constructor call with the fields in
        # order (read in C), not the dataclass state protocol (``fields()`` on every task)
        return Task, _TASK_FIELDS(self)


_TASK_FIELDS = attrgetter(*Task.__slots__)


def analyze(
    task: Task,
    limits: Limits,
    detectors: tuple,  # type: ignore[type-arg]
    tops: dict[str, int] | None = None,
) -> FileResult:
    """Read, extract and detect one file (runs inside a worker process, or inline)."""
    from secaudit.detect.registry import detect
    from secaudit.extract.registry import Extraction, extract_bytes

    name = task.name or readable_name(os.path.basename(task.path))  # GBK bytes → 机密.doc
    if task.data is None and task.size > limits.max_file_size:
        reason = ErrorReason.TOO_LARGE
        err = ExtractError(reason, f"{task.size} bytes > max_file_size {limits.max_file_size}")
        return FileResult(task.path, task.size, "", "unknown", (), (err,), task.mtime_ns)
    try:
        data = task.data if task.data is not None else read_task(task, limits, tops)
    except Refused as exc:
        return _failed(task, exc.reason, exc.detail)
    except FileNotFoundError:
        return _failed(task, ErrorReason.VANISHED, "file disappeared before it could be read")
    except PermissionError as exc:
        return _failed(task, ErrorReason.PERMISSION, f"not readable: {exc.strerror}")
    except OSError as exc:
        return _failed(task, ErrorReason.CORRUPT, f"read error: {exc}")
    digest = hashlib.sha256(data).hexdigest()
    deadline = time.monotonic() + limits.file_timeout
    ext: Extraction = extract_bytes(data, name, limits=limits, deadline=deadline)
    findings = detect(ext.chunks, detectors)
    return FileResult(
        path=task.path,
        size=len(data),
        sha256=digest,
        format=ext.format,
        findings=tuple(findings),
        errors=ext.errors,
        mtime_ns=task.mtime_ns,
        members=ext.members,
    )


def _failed(task: Task, reason: ErrorReason, detail: str) -> FileResult:
    err = ExtractError(reason, detail)
    return FileResult(task.path, task.size, "", "unknown", (), (err,), task.mtime_ns)


def read_task(task: Task, limits: Limits, tops: dict[str, int] | None = None) -> bytes:
    """The bytes of ``task`` read as :mod:`.safeopen` allows: below its top folder with no link
    on the way, a regular file that is the one the walk saw, at most ``max_file_size`` bytes.
    ``tops`` keeps the top folders opened during one batch (closed by the caller)."""
    expect = None
    if task.ino:
        size = task.size if task.length < 0 else -1
        expect = Identity(task.dev, task.ino, size)
    if task.rel:
        top_fd = (tops or {}).get(task.top)
        if top_fd is None:
            top_fd, st = open_top(task.top)
            if not stat.S_ISDIR(st.st_mode):
                close_quietly(top_fd)
                raise Refused(ErrorReason.VANISHED, "its folder was replaced during the scan")
            if tops is not None:
                tops[task.top] = top_fd
        fd = open_regular(top_fd, task.rel, expect)
        if tops is None:
            close_quietly(top_fd)
    else:
        fd = open_regular(None, "", expect, top=task.top or task.path)
    try:
        return read_capped(fd, limits.max_file_size, offset=task.offset, length=task.length)
    finally:
        os.close(fd)
