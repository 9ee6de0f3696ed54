"""PowerPoint 97-2003 / Kingsoft DPS text from the ``PowerPoint Document`` record tree.

Records are an 8-byte header (version/instance, type, length); version ``0xF`` marks a container
whose body is more records. Text lives in ``TextCharsAtom`` (0x0FA0, UTF-16LE), ``TextBytesAtom``
(0x0FA8, 8-bit: the low bytes of UTF-16 code units) and ``CString`` (0x0FBA, UTF-16LE). Master
slides and handouts hold only template prompts and are skipped; text inside ``Notes`` containers
is speaker notes (``comment``). A ``CryptSession10Container`` (0x2F14) means the presentation is
encrypted. Each paragraph (``\\r``) is one standalone chunk; ``index`` counts them. Incremental
saves can leave old copies of a text, so repeats are reported once.

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
_SKIPPED = frozenset({0x03F8, 0x0FC9})  # MainMaster, Handout
_NOTES = 0x03F0
_MAX_DEPTH = 32
_CSTRING_NOISE = frozenset({"___PPT10", "___PPT9", "___PPT12", "Default Design", "Office Theme"})


def slide_chunks(stream: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    seen: set[tuple[Location, str]] = set()
    index = {Location.BODY: 0, Location.COMMENT: 0}
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
            if rtype in _SKIPPED or depth >= _MAX_DEPTH:
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
