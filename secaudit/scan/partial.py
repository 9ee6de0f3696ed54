"""A file too big to read whole still counts: its head and tail are read within the limits.

A 2 GB text whose first line is ``机密★10年`` used to end as ``too_large`` with no finding and no
violation. :func:`partial_findings` reads the first and last ``PART_BYTES`` of a regular file
(never through a link, never a device or FIFO), decodes them as text when they look like text
(a binary format's compressed middle is not guessed at) and runs the detectors over them. Every
finding made so carries the note :data:`PARTIAL_NOTE`; the ``too_large`` error stays on the file,
so the policy's rule for files that could not be examined (SEC-019 in the default policy) still
applies on the channels where unknown content is not allowed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from secaudit.detect.registry import detect
from secaudit.model import ErrorReason, FileResult, Finding, Location, TextChunk

if TYPE_CHECKING:
    from secaudit.detect.base import Detector

PART_BYTES = 4 * 1024 * 1024
PARTIAL_NOTE = "文件过大，仅检查了开头和结尾部分"


def needs_partial_read(result: FileResult) -> bool:
    return not result.sha256 and any(e.reason is ErrorReason.TOO_LARGE and e.member is None
                                     for e in result.errors)


def _read_parts(path: str, limit: int) -> tuple[bytes, bytes]:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"", b""
        head = os.pread(fd, limit, 0)
        tail = os.pread(fd, limit, max(limit, info.st_size - limit)) if info.st_size > limit \
            else b""
        return head, tail
    finally:
        os.close(fd)


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    return bool(sample) and sample.count(b"\x00") * 100 < len(sample)


def partial_findings(
    result: FileResult, detectors: Sequence[Detector], limit: int = PART_BYTES
) -> tuple[Finding, ...]:
    """Findings in the head and tail of a file not read whole (empty when not text)."""
    from secaudit.extract.text.text import decode_text, split_lines

    try:
        head, tail = _read_parts(result.path, limit)
    except OSError:
        return ()
    chunks: list[TextChunk] = []
    for which, part in enumerate((head, tail)):
        if _looks_like_text(part):
            # cut at line ends so no character is split (UTF-8/GB18030 stay decodable)
            if which == 0 and len(part) >= limit and b"\n" in part:
                part = part[: part.rfind(b"\n") + 1]
            if which == 1:
                part = part.split(b"\n", 1)[-1]
            text = decode_text(part)
            start = len(chunks) if which == 0 else 1_000_000  # the tail is not a first page
            chunks += [TextChunk(text=piece, location=Location.BODY, index=start + i)
                       for i, piece in enumerate(split_lines(text))]
    if not chunks:
        return ()
    return tuple(replace(f, note=f"{f.note}；{PARTIAL_NOTE}" if f.note else PARTIAL_NOTE)
                 for f in detect(chunks, detectors))
