"""Legacy OLE2 (Compound File) documents: Word/WPS, Excel/ET, PowerPoint/DPS, others.

Every OLE extractor first yields the summary properties (:mod:`.ole_props`: title, subject,
author, keywords, comments, category, user-defined such as ``密级``), then checks for encryption
(Word FIB ``fEncrypted``, Excel ``FILEPASS``, PowerPoint ``CryptSession10Container`` /
``EncryptedSummary``) and raises :class:`EncryptedError`, else reads the content:

* Word / Kingsoft WPS: FIB + piece table (:mod:`.ole_word`); one standalone chunk per paragraph.
* Excel / Kingsoft ET (BIFF8, raw BIFF2-4 too): xlrd; sheet names and tab-joined rows, plus the
  BIFF8 page headers/footers that xlrd skips (:mod:`.ole_sheet`).
* PowerPoint / Kingsoft DPS: text atoms of the ``PowerPoint Document`` record tree
  (:mod:`.ole_slide`), then the embedded objects stored as ``ExOleObjStg`` records
  (:func:`.ole_embed.slide_objects`).
* Encrypted OOXML (``EncryptionInfo`` + ``EncryptedPackage``): :class:`EncryptedError`.
* Anything else (e.g. Microsoft Works ``.wps``): properties, embedded objects, then
  :class:`UnsupportedError`.

After its own content each document yields its **embedded objects** (:func:`embedded_objects`):
packages stored as streams (``Ole10Native``, ``Package``, ``CONTENTS``: :mod:`.ole_native`) and
Word/Excel/PowerPoint objects stored as sub-storages (``ObjectPool/_1234/``, ``MBD…/``:
:mod:`.ole_embed`). The content readers below take the ``storage`` that holds the streams (``""``
for the file itself), so a new kind of embedded object only needs an entry in
:data:`STORAGE_KINDS` pointing at its reader here.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator

import olefile

from secaudit.errors import CorruptError, EncryptedError, UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.office import ole_word
from secaudit.extract.office.ole_embed import storage_objects
from secaudit.extract.office.ole_streams import (
    ContentReader,
    open_ole,
    properties,
    read_stream,
    stream_path,
)
from secaudit.model import ErrorReason, Location, TextChunk


def word_content(
    ole: olefile.OleFileIO, ctx: ExtractContext, storage: str = ""
) -> Iterator[TextChunk]:
    """Paragraph chunks of the Word document whose streams are in ``storage``."""
    word = read_stream(ole, stream_path(storage, "WordDocument"), ctx)
    try:
        fib = ole_word.parse_fib(word)
    except (struct.error, IndexError, ValueError) as exc:
        raise CorruptError(f"Word document header (FIB) is damaged: {exc}"[:300]) from exc
    table_path = stream_path(storage, fib.table_stream)
    if not ole.exists(table_path):
        raise CorruptError(f"Word document without its {fib.table_stream} stream")
    table = read_stream(ole, table_path, ctx)
    try:
        text = ole_word.document_text(word, table, fib)
        stories = ole_word.stories(text, fib, table)
    except (struct.error, IndexError, ValueError) as exc:
        raise CorruptError(f"Word document structures are damaged: {exc}"[:300]) from exc
    counters: dict[Location, int] = {}
    for where, story in stories:
        for paragraph in ole_word.paragraphs(story):
            ctx.check_time()
            index = counters.get(where, 0)
            counters[where] = index + 1
            yield ctx.chunk(paragraph, where, index=index, standalone=True)
    yield from pictures(ole, ctx, stream_path(storage, "Data"))


def workbook_content(
    ole: olefile.OleFileIO, ctx: ExtractContext, storage: str = "", whole_file: bytes = b""
) -> Iterator[TextChunk]:
    """Sheets, rows and page headers of the BIFF workbook whose stream is in ``storage``.

    xlrd reads a bare BIFF ``Workbook`` stream as well as a compound file; a top-level file is
    given to it whole (``whole_file``) so that xlrd's own compound-file checks apply as before.
    """
    from secaudit.extract.office import ole_sheet

    name = "Workbook" if ole.exists(stream_path(storage, "Workbook")) else "Book"
    book = read_stream(ole, stream_path(storage, name), ctx)
    ole_sheet.check_not_encrypted(book)
    yield from ole_sheet.workbook_chunks(whole_file or book, ctx, stream=book)
    yield from ole_sheet.page_header_chunks(book, ctx)
    yield from ole_sheet.text_box_chunks(book, ctx)
    if ctx.limits.ocr != "off":
        from secaudit.extract.office.ole_pictures import drawing_group

        yield from picture_members(drawing_group(book), name, ctx)


def slides_content(
    ole: olefile.OleFileIO, ctx: ExtractContext, storage: str = ""
) -> Iterator[TextChunk]:
    """Slide text, then ``ExOleObjStg`` objects, of the presentation in ``storage``."""
    from secaudit.extract.office import ole_embed, ole_slide

    if ole.exists(stream_path(storage, "EncryptedSummary")):
        raise EncryptedError("PowerPoint presentation is encrypted (password)")
    stream = read_stream(ole, stream_path(storage, "PowerPoint Document"), ctx)
    yield from ole_slide.slide_chunks(stream, ctx)
    yield from ole_embed.slide_objects(stream, ctx)
    yield from pictures(ole, ctx, stream_path(storage, "Pictures"))



STORAGE_KINDS: tuple[tuple[str, str, ContentReader], ...] = (
    ("WordDocument", "doc", word_content),
    ("Workbook", "xls", workbook_content),
    ("Book", "xls", workbook_content),
    ("PowerPoint Document", "ppt", slides_content),
)
"""Documents embedded as sub-storages: ``(main stream, format id, reader)``, first match wins
(the order of :func:`.sniff`); :mod:`.ole_embed` is handed this table."""


def pictures(ole: olefile.OleFileIO, ctx: ExtractContext, stream: str) -> Iterator[TextChunk]:
    """Scans pasted into the document, kept in ``stream`` (``Data``, ``Pictures``), OCR'd as
    members when OCR is on."""
    if ctx.limits.ocr == "off" or not ole.exists(stream):
        return
    try:
        data = read_stream(ole, stream, ctx)
    except CorruptError as exc:
        ctx.error(ErrorReason.CORRUPT, f"pictures not read: {exc}")
        return
    yield from picture_members(data, stream.rsplit("/", 1)[-1], ctx)


def picture_members(data: bytes, leaf: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    """The whole pictures in ``data`` (:mod:`.ole_pictures`) as members ``leaf/picture-N.ext``;
    pictures under ``ocr_min_pixels`` (logos, icons) are passed over."""
    from secaudit.extract.image.imagesize import pixels
    from secaudit.extract.office.ole_pictures import pictures_in

    for n, (ext, image) in enumerate(pictures_in(data), start=1):
        if (pixels(image) or 0) >= ctx.limits.ocr_min_pixels:
            yield from ctx.recurse(f"{leaf}/picture-{n}.{ext}", image)


def _extract_with(data: bytes, ctx: ExtractContext, content: ContentReader) -> Iterator[TextChunk]:
    ole = open_ole(data)
    try:
        yield from properties(ole, ctx)
        yield from content(ole, ctx, "")
        yield from embedded_objects(ole, ctx)
    finally:
        ole.close()


def extract_doc(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    yield from _extract_with(data, ctx, word_content)


def extract_xls(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    from secaudit.extract.office import ole_sheet

    if not data.startswith(olefile.MAGIC):  # raw BIFF2-4 worksheet, no OLE container
        yield from ole_sheet.workbook_chunks(data, ctx)
        return
    yield from _extract_with(data, ctx, functools.partial(workbook_content, whole_file=data))


def extract_ppt(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    yield from _extract_with(data, ctx, slides_content)


def extract_encrypted_ooxml(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    ole = open_ole(data)
    try:
        kind = "unknown"
        if ole.exists("EncryptionInfo"):
            head = ole.openstream("EncryptionInfo").read(8)
            major, minor = struct.unpack_from("<HH", head, 0) if len(head) >= 4 else (0, 0)
            kind = {(4, 4): "agile"}.get((major, minor), "standard" if minor == 2 else "unknown")
    finally:
        ole.close()
    raise EncryptedError(
        f"password-protected Office Open XML document ({kind} encryption); content not examined"
    )
    yield  # pragma: no cover


def extract_ole_other(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    ole = open_ole(data)
    try:
        yield from properties(ole, ctx)
        found = yield from embedded_objects(ole, ctx)
        streams = ["/".join(s) for s in ole.listdir(streams=True, storages=False)]
    finally:
        ole.close()
    if found:
        return
    if {"MM", "MN0"} <= set(streams) or "MatOST" in streams:
        what = "Microsoft Works document"
    else:
        what = "OLE compound file of unknown type"
    shown = ", ".join(s.replace("\x01", "\\x01").replace("\x05", "\\x05") for s in streams[:8])
    raise UnsupportedError(f"{what} (streams: {shown}); only its properties were examined")


def embedded_objects(ole: olefile.OleFileIO, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Embedded packages and sub-storage objects; returns how many (generator return value)."""
    from secaudit.extract.office.ole_native import embedded_payloads

    found = 0
    for name, payload in embedded_payloads(ole, ctx):
        found += 1
        yield from ctx.recurse(name, payload)
    found += yield from storage_objects(ole, ctx, STORAGE_KINDS)
    return found
