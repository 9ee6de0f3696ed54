"""Streams of an OLE2 compound file: opening it, bounded stream reads, summary properties.

The low layer shared by the OLE document readers (:mod:`.ole`) and the embedded-object reader
(:mod:`.ole_embed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import olefile

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext
from secaudit.extract.office.ole_props import DOC_SUMMARY_NAMES, SUMMARY_NAMES, read_property_set
from secaudit.model import Location, TextChunk

_PROPERTY_STREAMS = (
    ("\x05SummaryInformation", SUMMARY_NAMES),
    ("\x05DocumentSummaryInformation", DOC_SUMMARY_NAMES),
)

ContentReader = Callable[[olefile.OleFileIO, ExtractContext, str], Iterator[TextChunk]]
"""Reads one kind of document from the streams of a storage (``""`` = the file's root)."""


def open_ole(data: bytes) -> olefile.OleFileIO:
    try:
        return olefile.OleFileIO(data)
    except Exception as exc:  # noqa: BLE001 - olefile raises many types on damage
        raise CorruptError(f"damaged OLE compound file: {exc}") from exc


def stream_path(storage: str, name: str) -> str:
    """Path of stream ``name`` inside ``storage`` (``""`` = root), as olefile accepts it."""
    return f"{storage}/{name}" if storage else name


def read_stream(ole: olefile.OleFileIO, name: str, ctx: ExtractContext) -> bytes:
    size = ole.get_size(name)
    if size > ctx.limits.max_member_size:
        raise CorruptError(f"OLE stream {name!r} claims {size} bytes")
    ctx.charge(size)
    try:
        return bytes(ole.openstream(name).read())
    except Exception as exc:  # noqa: BLE001
        raise CorruptError(f"OLE stream {name!r} cannot be read: {exc}") from exc


def properties(
    ole: olefile.OleFileIO, ctx: ExtractContext, storage: str = ""
) -> Iterator[TextChunk]:
    seen: dict[str, str] = {}
    for stream, names in _PROPERTY_STREAMS:
        path = stream_path(storage, stream)
        if ole.exists(path):
            try:
                seen.update(read_property_set(read_stream(ole, path, ctx), names))
            except CorruptError as exc:
                ctx.error("corrupt", str(exc))
    for key, value in seen.items():
        yield ctx.chunk(value, Location.PROPERTY, key=key)
