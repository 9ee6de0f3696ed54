"""Archive extractors: zip, tar (plain or compressed), single-file gzip/bzip2/xz, 7z, rar and
ISO 9660 disc images.

Members are read into memory only (nothing is ever written to disk), through
:mod:`secaudit.extract.members`, which applies the size, ratio and member-count limits and keeps
member names from escaping their container. Each member goes to ``ctx.recurse`` so nested
archives, documents and mails are read as well. 7z, rar and ISO live in their own modules (their
libraries are imported only when such a file turns up). To add an archive format: list its
members, call ``admit_member`` + ``read_bounded`` per member, then ``ctx.recurse``.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator

from secaudit.errors import CorruptError, LimitError, UnsupportedError
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
from secaudit.extract.sniff import open_zip
from secaudit.model import ErrorReason, TextChunk

_ZIP_UTF8_FLAG = 0x800
_ZIP_ENCRYPTED_FLAG = 0x1
_ZIP_AES_METHOD = 99
_ZIP_UNICODE_PATH_EXTRA = 0x7075
_S_IFLNK = 0o120000
_STREAM_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError)


# --------------------------------------------------------------------------------------- zip


def extract_zip(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Every member of a zip file; overlapping entries (zip bombs) stop the whole file."""
    try:
        zf = open_zip(data)
    except (zipfile.BadZipFile, NotImplementedError, *_STREAM_ERRORS) as exc:
        if is_volume_name(ctx.name):
            raise UnsupportedError(VOLUME_DETAIL) from exc
        raise CorruptError(f"not a readable zip file: {exc}") from exc
    with zf:
        infos = zf.infolist()
        if _has_overlapping_entries(data, infos):
            raise LimitError("overlapping zip entries (zip bomb); not unpacked")
        counter = MemberCounter(ctx)
        for info in infos:
            if info.is_dir():
                continue
            if not counter.admit():
                return
            yield from _zip_member(zf, info, ctx)


def _has_overlapping_entries(data: bytes, infos: list[zipfile.ZipInfo]) -> bool:
    """True when two entries' local ranges overlap (David Fifield's non-recursive zip bomb)."""
    spans = []
    for info in infos:
        start = info.header_offset
        header = data[start : start + 30]
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            continue  # damaged entry: reported when it is read
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        spans.append((start, start + 30 + name_len + extra_len + info.compress_size))
    spans.sort()
    return any(nxt[0] < cur[1] for cur, nxt in zip(spans, spans[1:], strict=False))


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: Info-ZIP Unicode path, UTF-8 flag, else GBK/CP437 bytes."""
    unicode_path = _zip_unicode_path_extra(info.extra)
    if unicode_path:
        return unicode_path
    if info.flag_bits & _ZIP_UTF8_FLAG:
        return info.orig_filename
    try:
        raw = info.orig_filename.encode("cp437")
    except UnicodeEncodeError:
        return info.orig_filename
    return decode_legacy_name(raw)


def _zip_unicode_path_extra(extra: bytes) -> str | None:
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[pos : pos + 4])
        body = extra[pos + 4 : pos + 4 + size]
        if tag == _ZIP_UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        pos += 4 + size
    return None


def _zip_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: ExtractContext
) -> Iterator[TextChunk]:
    raw_name = zip_member_name(info)
    name, unsafe = safe_member_name(raw_name)
    if unsafe:
        flag_unsafe_name(ctx, raw_name, name)
    path = ctx.member_path(name)
    if info.flag_bits & _ZIP_ENCRYPTED_FLAG or info.compress_type == _ZIP_AES_METHOD:
        yield name_chunk(ctx, name)
        ctx.error(ErrorReason.ENCRYPTED, "zip member is encrypted (password needed)", member=path)
        return
    if (info.external_attr >> 16) & 0o170000 == _S_IFLNK:
        yield name_chunk(ctx, name)  # a symlink's target is never followed
        return
    if not admit_member(ctx, name, info.file_size, info.compress_size):
        yield name_chunk(ctx, name)
        return
    content = _read_zip_member(zf, info, ctx, name)
    if content is None:
        yield name_chunk(ctx, name)
        return
    yield from ctx.recurse(name, content)


def _read_zip_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: ExtractContext, name: str
) -> bytes | None:
    path = ctx.member_path(name)
    try:
        with zf.open(info) as fh:
            return read_bounded(
                fh.read, ctx, name, declared=info.file_size, compressed=info.compress_size
            )
    except NotImplementedError as exc:
        ctx.error(ErrorReason.UNSUPPORTED, f"zip compression method: {exc}", member=path)
    except (zipfile.BadZipFile, RuntimeError, *_STREAM_ERRORS) as exc:
        ctx.error(ErrorReason.CORRUPT, f"damaged zip member: {exc}"[:300], member=path)
    return None


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


# --------------------------------------------------------------------------------- 7z / rar


def extract_7z(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """7z archives through py7zr (see :mod:`secaudit.extract.archive_7z`)."""
    from secaudit.extract.archive_7z import extract_7z_members

    try:
        yield from extract_7z_members(data, ctx)
    except CorruptError as exc:
        if is_volume_name(ctx.name):
            raise UnsupportedError(VOLUME_DETAIL) from exc
        raise


_VOLUME_NAME = re.compile(r"\.(?:z\d{2}|\d{3}|zip\.\d{3}|7z\.\d{3})$", re.IGNORECASE)
VOLUME_DETAIL = (
    "one volume of a multi-volume archive (.001/.z01 …): it cannot be unpacked without the "
    "other volumes; content not examined"
)


def is_volume_name(name: str | None) -> bool:
    """``name`` is that of a split archive's volume (``资料.7z.001``, ``资料.z01``)."""
    return bool(name) and _VOLUME_NAME.search(name or "") is not None


def extract_rar(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """RAR archives through rarfile (see :mod:`secaudit.extract.archive_rar`)."""
    from secaudit.extract.archive_rar import extract_rar_members

    yield from extract_rar_members(data, ctx)


def extract_iso(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """ISO 9660 disc images through pycdlib (see :mod:`secaudit.extract.archive_iso`)."""
    from secaudit.extract.archive_iso import extract_iso_members

    yield from extract_iso_members(data, ctx)
