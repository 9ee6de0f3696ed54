"""7z archives read in memory with py7zr.

Encrypted headers make the whole file ``encrypted``; encrypted content with readable headers
gives one ``encrypted`` error per member (names still listed). Members are decompressed in
batches of bounded declared size into memory writers that refuse more than the limits allow.
7z does not record per-member compressed sizes in solid archives, so the ratio limit is applied
to the whole archive before anything is decompressed.
"""

from __future__ import annotations

import io
import lzma
import zlib
from collections.abc import Iterator
from typing import Any

from secaudit.errors import CorruptError, EncryptedError, LimitError, UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.members import (
    RATIO_MIN_BYTES,
    MemberCounter,
    admit_member,
    name_chunk,
    safe_member_name,
)
from secaudit.limits import MiB
from secaudit.model import ErrorReason, TextChunk

BATCH_BYTES = 64 * MiB
"""Declared bytes decompressed per py7zr call (bounds memory held at once)."""


def extract_7z_members(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    import py7zr

    try:
        archive = py7zr.SevenZipFile(io.BytesIO(data), mode="r")
    except py7zr.PasswordRequired as exc:
        raise EncryptedError("7z archive with encrypted headers (password needed)") from exc
    except (py7zr.Bad7zFile, EOFError, OSError, ValueError, KeyError, IndexError,
            lzma.LZMAError, zlib.error) as exc:
        raise CorruptError(f"not a readable 7z archive: {exc}"[:300]) from exc
    except py7zr.UnsupportedCompressionMethodError as exc:
        raise UnsupportedError(f"7z compression method not supported: {exc}"[:300]) from exc
    with archive:
        files = [f for f in archive.list() if not f.is_directory]
        encrypted = archive.needs_password()
        targets = yield from _admitted_members(ctx, files, encrypted, len(data))
        for batch in _batches(targets):
            yield from _extract_batch(archive, batch, ctx)
            archive.reset()


def _admitted_members(
    ctx: ExtractContext, files: list[Any], encrypted: bool, archive_size: int
) -> Iterator[TextChunk]:
    """Yield name chunks of refused members; return ``[(archive_name, display, size)]`` to read."""
    total = sum(f.uncompressed or 0 for f in files)
    ratio_breach = total > RATIO_MIN_BYTES and total > ctx.limits.max_ratio * archive_size
    counter = MemberCounter(ctx)
    admitted: list[tuple[str, str, int]] = []
    for info in files:
        if not counter.admit():
            break
        display, unsafe = safe_member_name(info.filename)
        path = ctx.member_path(display)
        size = info.uncompressed or 0
        if encrypted:
            ctx.error(ErrorReason.ENCRYPTED, "7z member is encrypted (password needed)", path)
        elif ratio_breach:
            ctx.error(ErrorReason.LIMIT, f"7z archive expands {total} bytes from "
                      f"{archive_size}: ratio above max_ratio", path)
        elif unsafe:
            ctx.error(ErrorReason.UNSUPPORTED, "unsafe member name; content not read", path)
        elif getattr(info, "is_symlink", False):
            pass  # a symlink's target is never followed
        elif admit_member(ctx, display, size):
            admitted.append((info.filename, display, size))
            continue
        yield name_chunk(ctx, display)
    return admitted


def _batches(targets: list[tuple[str, str, int]]) -> Iterator[list[tuple[str, str, int]]]:
    batch: list[tuple[str, str, int]] = []
    size = 0
    for target in targets:
        if batch and size + target[2] > BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(target)
        size += target[2]
    if batch:
        yield batch


def _extract_batch(
    archive: Any, batch: list[tuple[str, str, int]], ctx: ExtractContext
) -> Iterator[TextChunk]:
    import py7zr

    factory = _MemoryFactory(ctx)
    try:
        archive.extract(targets=[t[0] for t in batch], factory=factory)
    except LimitError:
        raise
    except (py7zr.exceptions.ArchiveError, EOFError, OSError, ValueError, KeyError,
            py7zr.exceptions.CrcError, lzma.LZMAError, zlib.error) as exc:
        failed = f"damaged 7z data: {type(exc).__name__}: {exc}"[:300]
    else:
        failed = ""
    for archive_name, display, _size in batch:
        content = factory.content(archive_name)
        if content is None:
            yield name_chunk(ctx, display)
            ctx.error(ErrorReason.CORRUPT, failed or "member not produced by the 7z decoder",
                      ctx.member_path(display))
            continue
        yield from ctx.recurse(display, content)


class _MemoryFactory:
    """py7zr writer factory keeping each member in memory, charging the file's budget."""

    def __init__(self, ctx: ExtractContext) -> None:
        self.ctx = ctx
        self.writers: dict[str, _MemoryWriter] = {}

    def create(self, filename: str) -> _MemoryWriter:
        writer = _MemoryWriter(self.ctx)
        self.writers[filename] = writer
        return writer

    def content(self, archive_name: str) -> bytes | None:
        writer = self.writers.get(archive_name) or self.writers.get(archive_name.lstrip("/"))
        if writer is None or not writer.complete:
            return None
        return bytes(writer.buffer)


class _MemoryWriter:
    def __init__(self, ctx: ExtractContext) -> None:
        self.ctx = ctx
        self.buffer = bytearray()
        self.complete = False

    def write(self, block: bytes | bytearray) -> int:
        self.buffer += block
        self.ctx.charge(len(block))
        self.ctx.check_time()
        if len(self.buffer) > self.ctx.limits.max_member_size:
            raise LimitError("7z member larger than max_member_size", reason="too_large")
        return len(block)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return len(self.buffer)

    def close(self) -> None:
        self.complete = True
