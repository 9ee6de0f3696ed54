"""Streamed archives: tar (plain or gzip/bzip2/xz compressed) and single compressed files.

Both are read in one pass through a decompressor wrapped in a bounded stream that charges every
byte to the file's budget and stops at the member size and compression ratio limits, so a
compressed bomb is cut off while it inflates. Tar members are named like zip members (legacy
encodings decoded, unsafe names flagged) and recursed; links inside a tar are never followed,
only their names are checked. A single ``.gz``/``.bz2``/``.xz`` file is recursed as its inner
name (gzip's stored name, else the outer name without its suffix).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import zlib
from collections.abc import Callable, Iterator

from secaudit.errors import CorruptError, LimitError
from secaudit.extract.base import ExtractContext
from secaudit.extract.members import (
    RATIO_MIN_BYTES,
    READ_BLOCK,
    MemberCounter,
    admit_member,
    decode_legacy_name,
    flag_unsafe_name,
    name_chunk,
    read_bounded,
    safe_member_name,
)
from secaudit.model import TextChunk

_STREAM_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)


# --------------------------------------------------------------------------------------- tar


def extract_tar(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Every regular member of a tar file, plain or gzip/bzip2/xz compressed (streamed once)."""
    opener = _decompressor_for(data)
    source = opener(data) if opener else io.BytesIO(data)
    stream = _BoundedStream(source, ctx, compressed=len(data) if opener else None)
    try:
        tf = tarfile.open(fileobj=stream, mode="r|", errorlevel=1)  # type: ignore[call-overload]
    except (tarfile.TarError, *_STREAM_ERRORS) as exc:
        raise CorruptError(f"not a readable tar file: {exc}") from exc
    counter = MemberCounter(ctx)
    try:
        for info in tf:
            if info.isdir() or not (info.isreg() or info.issym() or info.islnk()):
                continue
            if not counter.admit():
                return
            yield from _tar_member(tf, info, ctx)
    except (tarfile.TarError, *_STREAM_ERRORS) as exc:
        raise CorruptError(f"tar file damaged after {counter.count} members: {exc}") from exc


def _tar_member(
    tf: tarfile.TarFile, info: tarfile.TarInfo, ctx: ExtractContext
) -> Iterator[TextChunk]:
    raw = info.name.encode("utf-8", "surrogateescape")
    raw_name = decode_legacy_name(raw)
    name, unsafe = safe_member_name(raw_name)
    if unsafe:
        flag_unsafe_name(ctx, raw_name, name)
    if not info.isreg():
        yield name_chunk(ctx, name)  # symbolic and hard links are never followed
        return
    if not admit_member(ctx, name, info.size):
        yield name_chunk(ctx, name)
        return
    fh = tf.extractfile(info)
    content = read_bounded(fh.read, ctx, name, declared=info.size) if fh else None
    if content is None:
        yield name_chunk(ctx, name)
        return
    yield from ctx.recurse(name, content)


class _BoundedStream(io.RawIOBase):
    """A read-only stream that stops (``limit``) when the decompressed total gets suspicious."""

    def __init__(self, source: io.IOBase, ctx: ExtractContext, compressed: int | None) -> None:
        self._source = source
        self._ctx = ctx
        self._compressed = compressed
        self.total = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        block = self._source.read(size if size >= 0 else READ_BLOCK)
        self.total += len(block)
        self._ctx.check_time()
        ratio = self._ctx.limits.max_ratio
        if (
            self._compressed is not None
            and self.total > RATIO_MIN_BYTES
            and self.total > ratio * self._compressed
        ):
            raise LimitError(f"compressed stream expands more than max_ratio {ratio:g} times")
        return block


# ------------------------------------------------------------------------- gz / bz2 / xz


def _decompressor_for(data: bytes) -> Callable[[bytes], io.IOBase] | None:
    if data.startswith(b"\x1f\x8b"):
        return lambda d: gzip.GzipFile(fileobj=io.BytesIO(d))
    if data.startswith(b"BZh"):
        return lambda d: bz2.BZ2File(io.BytesIO(d))
    if data.startswith(b"\xfd7zXZ\x00"):
        return lambda d: lzma.LZMAFile(io.BytesIO(d))
    return None


def extract_gz(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """A gzip (or bzip2/xz) file of one file; a compressed tar becomes its members."""
    opener = _decompressor_for(data)
    if opener is None:
        raise CorruptError("not a gzip, bzip2 or xz stream")
    try:
        head = opener(data).read(1024)
    except _STREAM_ERRORS as exc:
        raise CorruptError(f"damaged compressed stream: {exc}") from exc
    if len(head) >= 262 and head[257:262] == b"ustar":
        yield from extract_tar(data, ctx)
        return
    name, _unsafe = safe_member_name(_inner_name(data, ctx))
    # No declared-size check: gzip's ISIZE is modulo 2**32 and garbage in truncated files;
    # read_bounded enforces the member size and the ratio on the real output instead.
    try:
        content = read_bounded(opener(data).read, ctx, name, compressed=len(data))
    except _STREAM_ERRORS as exc:
        raise CorruptError(f"damaged compressed stream: {exc}") from exc
    if content is None:
        yield name_chunk(ctx, name)
        return
    yield from ctx.recurse(name, content)


def _inner_name(data: bytes, ctx: ExtractContext) -> str:
    """Original name from the gzip header (FNAME), else the container's name minus its suffix."""
    stored = _gzip_fname(data)
    if stored:
        return stored.replace("\\", "/").rsplit("/", 1)[-1]
    leaf = ctx.name or (ctx.member or "").rsplit("/", 1)[-1]
    low = leaf.lower()
    for suffix, replacement in ((".tgz", ".tar"), (".gz", ""), (".bz2", ""), (".xz", "")):
        if low.endswith(suffix) and len(leaf) > len(suffix):
            return leaf[: -len(suffix)] + replacement
    return "(decompressed)"


def _gzip_fname(data: bytes) -> str | None:
    if len(data) < 10 or not data.startswith(b"\x1f\x8b") or not data[3] & 0x08:
        return None
    pos = 10
    if data[3] & 0x04:  # FEXTRA
        if len(data) < 12:
            return None
        pos += 2 + struct.unpack("<H", data[10:12])[0]
    end = data.find(b"\x00", pos, pos + 1024)
    return decode_legacy_name(data[pos:end]) if end > pos else None
