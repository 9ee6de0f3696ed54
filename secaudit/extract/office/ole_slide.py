"""PowerPoint 97-2003 / Kingsoft DPS text from the ``PowerPoint Document`` record tree.

Records are an 8-byte header (version/instance, type, length); version ``0xF`` marks a container
whose body is more records. Text lives in ``TextCharsAtom`` (0x0FA0, UTF-16LE), ``TextBytesAtom``
(0x0FA8, 8-bit: the low bytes of UTF-16 code units) and ``CString`` (0x0FBA, UTF-16LE). On a
master slide only text boxes count (``header``: a template's ``内部资料`` prints on every slide);
its placeholders hold the template's prompts and handouts are skipped; text inside ``Notes``
containers is speaker notes (``comment``). A ``CryptSession10Container`` (0x2F14) means the
presentation is encrypted. Each paragraph (``\\r``) is one standalone chunk; ``index`` counts
them. Incremental saves can leave old copies of a text, so repeats are reported once.

Embedded objects are ``ExOleObjStg`` records (0x1011) at the top level of the stream:
:func:`object_storage_records` lists them and :func:`.ole_embed.slide_objects` reads them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from secaudit.errors import EncryptedError
from secaudit.extract.base import ExtractContext
from secaudit.model import Location, TextChunk

TEXT_CHARS, TEXT_BYTES, CSTRING = 0x0FA0, 0x0FA8, 0x0FBA
CRYPT_SESSION = 0x2F14
EX_OLE_OBJ_STG = 0x1011
MAIN_MASTER, HANDOUT = 0x03F8, 0x0FC9
SHAPE, PLACEHOLDER = 0xF004, 0x0BC3  # OfficeArtSpContainer, PlaceholderAtom
_NOTES = 0x03F0
_MAX_DEPTH = 32
_CSTRING_NOISE = frozenset({"___PPT10", "___PPT9", "___PPT12", "Default Design", "Office Theme"})


def slide_chunks(stream: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    seen: set[tuple[Location, str]] = set()
    index = {Location.BODY: 0, Location.COMMENT: 0, Location.HEADER: 0}
    for where, text in _texts(stream, 0, len(stream), Location.BODY, 0, ctx):
        for paragraph in text.replace("\x0b", "\r").split("\r"):
            paragraph = paragraph.strip()
            if not paragraph or (where, paragraph) in seen:
                continue
            seen.add((where, paragraph))
            yield ctx.chunk(paragraph, where, index=index[where], standalone=True)
            index[where] += 1


def _texts(data: bytes, start: int, end: int, where: Location, depth: int,
           ctx: ExtractContext) -> Iterator[tuple[Location, str]]:
    pos = start
    while pos + 8 <= end:
        ver_inst, rtype, length = struct.unpack_from("<HHI", data, pos)
        body, pos = pos + 8, pos + 8 + length
        if pos > end:
            length = end - body
        if rtype == CRYPT_SESSION:
            raise EncryptedError("PowerPoint presentation is encrypted (password)")
        if ver_inst & 0x000F == 0x000F:
            if rtype == HANDOUT or depth >= _MAX_DEPTH:
                continue
            if rtype == MAIN_MASTER:
                ctx.check_time()
                yield from _master_texts(data, body, body + length, depth + 1)
                continue
            inner = Location.COMMENT if rtype == _NOTES else where
            ctx.check_time()
            yield from _texts(data, body, body + length, inner, depth + 1, ctx)
        elif rtype in (TEXT_CHARS, CSTRING):
            text = data[body : body + length].decode("utf-16-le", "replace")
            if rtype != CSTRING or text not in _CSTRING_NOISE:
                yield where, text
        elif rtype == TEXT_BYTES:
            yield where, data[body : body + length].decode("latin-1")


def _master_texts(data: bytes, start: int, end: int, depth: int) -> Iterator[tuple[Location, str]]:
    """Text boxes of a slide master (``内部资料`` printed on every slide) as ``header`` text;
    placeholders (shapes with a ``PlaceholderAtom``) hold only the template's prompts."""
    for rtype, body, stop in _records(data, start, end):
        if depth >= _MAX_DEPTH:
            return
        if rtype == SHAPE:
            inner = list(_atoms(data, body, stop, depth + 1))
            if not any(t == PLACEHOLDER for t, _ in inner):
                for t, text in inner:
                    if t in (TEXT_CHARS, TEXT_BYTES) and text.strip():
                        yield Location.HEADER, text
        elif data[body - 8] & 0x0F == 0x0F:
            yield from _master_texts(data, body, stop, depth + 1)


def _atoms(data: bytes, start: int, end: int, depth: int) -> Iterator[tuple[int, str]]:
    """``(record type, text)`` of every atom under a container (text decoded, others empty)."""
    for rtype, body, stop in _records(data, start, end):
        if data[body - 8] & 0x0F == 0x0F:
            if depth < _MAX_DEPTH:
                yield from _atoms(data, body, stop, depth + 1)
        elif rtype == TEXT_CHARS:
            yield rtype, data[body:stop].decode("utf-16-le", "replace")
        elif rtype == TEXT_BYTES:
            yield rtype, data[body:stop].decode("latin-1")
        else:
            yield rtype, ""


def _records(data: bytes, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """``(type, body start, body end)`` of the records between ``start`` and ``end``."""
    pos = start
    while pos + 8 <= end:
        _ver_inst, rtype, length = struct.unpack_from("<HHI", data, pos)
        body, pos = pos + 8, pos + 8 + length
        yield rtype, body, min(pos, end)


def object_storage_records(stream: bytes) -> Iterator[tuple[int, bytes]]:
    """``(record instance, body)`` of each top-level ``ExOleObjStg`` record (embedded objects).

    Such records are persist objects, so they stand at the top level of the stream, not inside
    the document container; :mod:`.ole_embed` inflates and reads them.
    """
    pos = 0
    while pos + 8 <= len(stream):
        ver_inst, rtype, length = struct.unpack_from("<HHI", stream, pos)
        body, pos = pos + 8, pos + 8 + length
        if rtype == EX_OLE_OBJ_STG and ver_inst & 0x000F != 0x000F:
            yield ver_inst >> 4, stream[body : min(pos, len(stream))]
