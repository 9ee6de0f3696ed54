"""Embedded Word/Excel/PowerPoint objects of legacy OLE documents that are not file streams.

Legacy Office keeps an object inserted with Insert → Object (an Excel worksheet in a Word
report, a Word memo in a workbook, a worksheet in a slide) in one of two ways:

* **Sub-storage** of the compound file: Word and WPS put each object in ``ObjectPool/_<id>/``,
  Excel and ET in ``MBD<hex>/``; the storage holds the object's own streams (``Workbook`` or
  ``Book``, ``WordDocument`` + ``0Table``/``1Table``, ``PowerPoint Document``) beside
  ``\\x01CompObj`` and its ``\\x05SummaryInformation``. :func:`storage_objects` walks every
  storage (so other hosts and objects nested in objects are found too) and reads each with the
  same reader as a top-level file (:mod:`.ole`), in a child context whose member path names the
  object's main stream, e.g. ``ObjectPool/_1234/Workbook``: nothing is copied out into a fake
  file. Properties, encryption checks and limits are those of a top-level document.
* **PowerPoint ``ExOleObjStg`` record** (type 0x1011) in the ``PowerPoint Document`` stream: the
  object's storage as a complete compound file (or an OOXML zip), raw when the record instance
  is 0, else (instance 1) a 4-byte decompressed size and zlib data. :func:`slide_objects` inflates
  it in blocks under the member size, ratio and budget limits (:mod:`.members`) and hands it to
  ``ctx.recurse`` as ``ExOleObjStg_<n>`` (``n`` = record ordinal; an identical copy left by an
  incremental save is read once). VBA projects share the record type; they are not documents
  and are passed over.

A damaged or encrypted object becomes an error record of its member path; the parent's own text
has already been yielded and the next object is still read. Objects stored as *streams*
(``Ole10Native``, ``Package``, ``CONTENTS``) are :mod:`.ole_native`'s.

To read another kind of object kept in a sub-storage, add its main stream name, format id and
content reader to :data:`.ole.STORAGE_KINDS`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
import zlib
from collections.abc import Generator, Iterator, Sequence

import olefile

from secaudit.errors import ExtractionError
from secaudit.extract.base import ExtractContext
from secaudit.extract.members import MemberCounter, admit_member, read_bounded
from secaudit.extract.office import ole_slide
from secaudit.extract.office.ole_streams import ContentReader, properties, stream_path
from secaudit.model import ErrorReason, TextChunk

_UNCOMPRESSED, _COMPRESSED = 0, 1


def object_storages(
    ole_file: olefile.OleFileIO, kinds: Sequence[tuple[str, str, ContentReader]]
) -> list[tuple[str, str, str, ContentReader]]:
    """``(storage, main stream, format, reader)`` of every non-root storage holding a document."""
    by_storage: dict[str, dict[str, str]] = {}
    for path in ole_file.listdir(streams=True, storages=False):
        if len(path) > 1:  # streams of the root are the document itself
            by_storage.setdefault("/".join(path[:-1]), {})[path[-1].lower()] = path[-1]
    found = []
    for storage, names in by_storage.items():
        for main, fmt, reader in kinds:
            if main.lower() in names:
                found.append((storage, names[main.lower()], fmt, reader))
                break
    return found


def storage_objects(
    ole_file: olefile.OleFileIO,
    ctx: ExtractContext,
    kinds: Sequence[tuple[str, str, ContentReader]],
) -> Generator[TextChunk, None, int]:
    """Chunks of every object kept in a sub-storage, read by the reader ``kinds`` names for its
    main stream; returns how many objects were found."""
    counter = MemberCounter(ctx)
    found = 0
    for storage, main, fmt, reader in object_storages(ole_file, kinds):
        if not counter.admit():
            break
        found += 1
        child = _child_context(ctx, f"{storage}/{main}", fmt)
        if child is not None:
            yield from _read_storage(ole_file, child, storage, reader, fmt)
    return found


def _child_context(ctx: ExtractContext, name: str, fmt: str) -> ExtractContext | None:
    """A context for an object that is read in place (as ``recurse`` makes for member bytes)."""
    path = ctx.member_path(name)
    ctx.members.append(path)
    ctx.formats[path] = fmt
    if ctx.depth + 1 > ctx.limits.max_depth:
        ctx.error(ErrorReason.LIMIT, f"nesting deeper than {ctx.limits.max_depth}", member=path)
        return None
    return dataclasses.replace(ctx, member=path, depth=ctx.depth + 1, name=name)


def _read_storage(
    ole_file: olefile.OleFileIO,
    ctx: ExtractContext,
    storage: str,
    reader: ContentReader,
    fmt: str,
) -> Iterator[TextChunk]:
    """Properties and content of one object; its failures become its own error records."""
    what = f"embedded {fmt} object{object_type(ole_file, storage)}"
    try:
        ctx.check_time()
        yield from properties(ole_file, ctx, storage)
        yield from reader(ole_file, ctx, storage)
    except ExtractionError as exc:
        ctx.error(exc.reason, f"{what}: {exc}")
    except RecursionError:
        ctx.error(ErrorReason.LIMIT, f"{what} nested too deeply to parse")
    except MemoryError:
        ctx.error(ErrorReason.TOO_LARGE, f"not enough memory to parse the {what}")
    except Exception as exc:  # noqa: BLE001 - a hostile object must not stop its parent
        ctx.error(ErrorReason.CORRUPT, f"{what} failed: {type(exc).__name__}: {exc}"[:500])


def object_type(ole_file: olefile.OleFileIO, storage: str) -> str:
    """`` (user type)`` from the storage's ``\\x01CompObj`` (e.g. Microsoft Graph chart), or ``""``.

    Only for error details: it tells the officer what kind of object could not be read.
    """
    path = stream_path(storage, "\x01CompObj")
    try:
        if not ole_file.exists(path) or ole_file.get_size(path) > 4096:
            return ""
        raw = ole_file.openstream(path).read()
        (size,) = struct.unpack_from("<I", raw, 28)  # after the 28-byte CompObj header
    except Exception:  # noqa: BLE001 - a missing type is not worth an error of its own
        return ""
    name = raw[32 : 32 + min(size, 200)].split(b"\x00", 1)[0].decode("gb18030", "replace")
    return f" ({name.strip()})" if name.strip() else ""


def slide_objects(stream: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Recurse into the ``ExOleObjStg`` objects of a ``PowerPoint Document`` stream."""
    counter = MemberCounter(ctx)
    seen: set[bytes] = set()
    for ordinal, (instance, body) in enumerate(ole_slide.object_storage_records(stream), 1):
        digest = hashlib.sha256(body).digest()
        if digest in seen:  # an incremental save keeps the old copy of an unchanged object
            continue
        seen.add(digest)
        if not counter.admit():
            return
        name = f"ExOleObjStg_{ordinal}"
        payload = _object_payload(instance, body, ctx, name)
        if payload is not None and not is_macro_project(payload):
            yield from ctx.recurse(name, payload)


def _object_payload(instance: int, body: bytes, ctx: ExtractContext, name: str) -> bytes | None:
    """The stored compound file of one record, inflated under the limits; ``None`` on failure."""
    path = ctx.member_path(name)
    if instance == _UNCOMPRESSED:
        return body
    if instance != _COMPRESSED or len(body) < 4:
        ctx.error(ErrorReason.CORRUPT, f"ExOleObjStg record of instance {instance}, "
                  f"{len(body)} bytes: not an embedded object", member=path)
        return None
    (declared,) = struct.unpack_from("<I", body, 0)
    if not admit_member(ctx, name, declared, len(body) - 4):
        return None
    try:
        return read_bounded(_Inflater(body[4:]).read, ctx, name, declared=declared,
                            compressed=len(body) - 4)
    except zlib.error as exc:
        ctx.error(ErrorReason.CORRUPT, f"compressed embedded object is damaged: {exc}",
                  member=path)
        return None


class _Inflater:
    """``read(n)`` over zlib data that never inflates more than ``n`` bytes at a time."""

    def __init__(self, data: bytes) -> None:
        self._zlib = zlib.decompressobj()
        self._tail = data

    def read(self, size: int) -> bytes:
        if self._zlib.eof:
            return b""
        out = self._zlib.decompress(self._tail, size)
        self._tail = self._zlib.unconsumed_tail
        return out


def is_macro_project(payload: bytes) -> bool:
    """True for a VBA project storage (same record type as objects, but macros, not a document)."""
    if not payload.startswith(olefile.MAGIC):
        return False
    try:
        with olefile.OleFileIO(payload) as project:
            return bool(project.exists("VBA") and project.exists("PROJECT"))
    except Exception:  # noqa: BLE001 - a damaged payload is reported by its reader
        return False
