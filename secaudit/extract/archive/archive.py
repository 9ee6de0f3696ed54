"""Archive extractors: zip, 7z, rar and ISO 9660 disc images (tar and single compressed streams
live in :mod:`secaudit.extract.archive.archive_stream`).

Members are read into memory only (nothing is ever written to disk), through
:mod:`secaudit.extract.members`, which applies the size, ratio and member-count limits and keeps
member names from escaping their container. Each member goes to ``ctx.recurse`` so nested
archives, documents and mails are read as well. 7z, rar and ISO live in their own modules (their
libraries are imported only when such a file turns up). To add an archive format: list its
members, call ``admit_member`` + ``read_bounded`` per member, then ``ctx.recurse``.
"""

from __future__ import annotations

import lzma
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from secaudit.errors import CorruptError, LimitError, UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.members import (
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


# --------------------------------------------------------------------------------- 7z / rar


def extract_7z(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """7z archives through py7zr (see :mod:`secaudit.extract.archive.archive_7z`)."""
    from secaudit.extract.archive.archive_7z import extract_7z_members

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
    """RAR archives through rarfile (see :mod:`secaudit.extract.archive.archive_rar`)."""
    from secaudit.extract.archive.archive_rar import extract_rar_members

    yield from extract_rar_members(data, ctx)


def extract_iso(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """ISO 9660 disc images through pycdlib (see :mod:`secaudit.extract.archive.archive_iso`)."""
    from secaudit.extract.archive.archive_iso import extract_iso_members

    yield from extract_iso_members(data, ctx)
