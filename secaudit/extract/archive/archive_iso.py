"""ISO 9660 disc images (``.iso``: a burned CD/DVD or a "光盘镜像" copied to a USB stick).

Read with pycdlib, in memory. Names come from the richest directory tree the image has: Joliet
(UCS-2, the Chinese names Windows burning tools write), else Rock Ridge, else UDF, else plain
ISO 9660 (``NAME.TXT;1`` shown as ``NAME.TXT``). Every file is a member: its declared size is
checked before reading, the bytes read are charged to the file's budget (overlapping extents
cannot multiply the work) and the data goes to ``ctx.recurse``.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Iterator
from typing import Any

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext
from secaudit.extract.members import (
    MemberCounter,
    admit_member,
    flag_unsafe_name,
    name_chunk,
    read_bounded,
    safe_member_name,
)
from secaudit.model import TextChunk

_TREES = (("joliet_path", "has_joliet"), ("rr_path", "has_rock_ridge"), ("udf_path", "has_udf"))


def extract_iso_members(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    import pycdlib
    from pycdlib.pycdlibexception import PyCdlibException

    iso = pycdlib.PyCdlib()
    try:
        iso.open_fp(io.BytesIO(data))
    except (PyCdlibException, ValueError, IndexError, KeyError, OSError) as exc:
        raise CorruptError(f"not a readable ISO 9660 image: {exc}") from exc
    try:
        tree = next((key for key, has in _TREES if getattr(iso, has)()), "iso_path")
        counter = MemberCounter(ctx)
        try:
            for folder, _dirs, files in iso.walk(**{tree: "/"}):
                ctx.check_time()
                for leaf in files:
                    if not counter.admit():
                        return
                    yield from _member(iso, tree, posixpath.join(folder, leaf), ctx)
        except (PyCdlibException, ValueError, IndexError, KeyError, OSError) as exc:
            raise CorruptError(f"ISO image damaged after {counter.count} files: {exc}") from exc
    finally:
        iso.close()


def _member(iso: Any, tree: str, path: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    raw = path.lstrip("/")
    if tree == "iso_path":
        raw = "/".join(part.split(";", 1)[0].rstrip(".") for part in raw.split("/"))
    name, unsafe = safe_member_name(raw)
    if unsafe:
        flag_unsafe_name(ctx, raw, name)
    size = iso.get_record(**{tree: path}).get_data_length()
    if not admit_member(ctx, name, size):
        yield name_chunk(ctx, name)
        return
    with iso.open_file_from_iso(**{tree: path}) as fh:
        content = read_bounded(fh.read, ctx, name, declared=size)
    if content is None:
        yield name_chunk(ctx, name)
        return
    yield from ctx.recurse(name, content)
