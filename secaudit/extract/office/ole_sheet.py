"""Excel 97-2003 / Kingsoft ET workbooks (BIFF8 in OLE, raw BIFF2-4) through xlrd.

Sheet names are ``sheet_name`` chunks (``index`` = sheet ordinal); each non-empty row is one
standalone chunk of tab-joined cell values with ``key`` = sheet name and ``index`` = row number.
Integral numbers are written without ``.0`` (``6222021234567890``), as Excel shows them.
Encryption (``FILEPASS`` record, RC4 or XOR) is detected before xlrd runs.

xlrd does not read the printed page header/footer (``HEADER``/``FOOTER`` records of a BIFF8 sheet
substream), where a bank often puts ``秘密★2年``: :func:`page_header_chunks` walks the records
itself and yields one ``header``/``footer`` chunk per section (``&L``/``&C``/``&R``) with the
format codes (``&P``, ``&"宋体,加粗"``, ``&12``) removed and ``key`` = sheet name. Nor does it
read drawing objects: :func:`text_box_chunks` reads text boxes, shapes and cell notes.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator

import xlrd
from xlrd.compdoc import CompDocError

from secaudit.errors import CorruptError, EncryptedError
from secaudit.extract.base import ExtractContext
from secaudit.model import Location, TextChunk

_FILEPASS, _EOF, _BOF, _BOUNDSHEET = 0x002F, 0x000A, 0x0809, 0x0085
_HEADER, _FOOTER = 0x0014, 0x0015
_OBJ, _TXO, _CONTINUE, _OT_NOTE = 0x005D, 0x01B6, 0x003C, 0x19
_HF_SECTION = re.compile(r"&[LCR]")
_HF_CODES = re.compile(r'&"[^"]*"|&\d{1,3}|&[PNDTFAZGBIUSXYEKH]|&[+-]', re.IGNORECASE)


def check_not_encrypted(book: bytes) -> None:
    """Raise :class:`EncryptedError` when the workbook globals hold a FILEPASS record."""
    pos = 0
    while pos + 4 <= len(book):
        rtype, size = struct.unpack_from("<HH", book, pos)
        if rtype == _FILEPASS:
            kind = "XOR-obfuscated" if size >= 2 and book[pos + 4] == 0 else "RC4-encrypted"
            raise EncryptedError(f"Excel workbook is {kind} (password); content not examined")
        if rtype == _EOF:
            return
        pos += 4 + size


def workbook_chunks(
    data: bytes, ctx: ExtractContext, stream: bytes | None = None
) -> Iterator[TextChunk]:
    """Sheet names and rows of a workbook: ``data`` is a compound file or a bare BIFF stream.

    ``stream`` is the file's ``Workbook`` stream as olefile read it: when xlrd's stricter
    compound-file reader rejects the container (a FAT sector listed twice, as some writers leave
    it), the sheets are read from the stream instead of being lost.
    """
    try:
        book = _open_book(data)
    except CompDocError as exc:
        if stream is None:
            raise CorruptError(f"Excel workbook is damaged: CompDocError: {exc}") from exc
        try:
            book = _open_book(stream)
        except CompDocError as again:
            raise CorruptError(f"Excel workbook is damaged: CompDocError: {again}") from again
    try:
        for ordinal, name in enumerate(book.sheet_names()):
            yield ctx.chunk(name, Location.SHEET_NAME, index=ordinal, standalone=True)
            try:
                sheet = book.sheet_by_index(ordinal)
            except (xlrd.XLRDError, struct.error, IndexError, ValueError, KeyError,
                    AssertionError, TypeError) as exc:
                ctx.error("corrupt", f"sheet {name!r} cannot be read: {exc}")
                continue
            yield from _rows(sheet, name, ctx)
            book.unload_sheet(ordinal)
    finally:
        book.release_resources()


def _open_book(data: bytes) -> xlrd.book.Book:
    """xlrd's book over ``data``; raises CompDocError (the container) or an extraction error."""
    try:
        return xlrd.open_workbook(file_contents=data, logfile=io.StringIO(), on_demand=True)
    except CompDocError:
        raise
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise EncryptedError(f"Excel workbook is encrypted: {exc}") from exc
        raise CorruptError(f"Excel workbook cannot be read: {exc}") from exc
    except (struct.error, IndexError, KeyError, ValueError, AssertionError, TypeError) as exc:
        raise CorruptError(f"Excel workbook is damaged: {type(exc).__name__}: {exc}") from exc


def _rows(sheet: xlrd.sheet.Sheet, name: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    for row in range(sheet.nrows):
        if row % 1000 == 0:
            ctx.check_time()
        values = [_cell_text(cell) for cell in sheet.row(row)]
        text = "\t".join(v for v in values if v)
        if text:
            yield ctx.chunk(text, key=name, index=row, standalone=True)


def _cell_text(cell: xlrd.sheet.Cell) -> str:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        value = float(cell.value)
        return str(int(value)) if value.is_integer() else repr(value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    return str(cell.value).strip()


def page_header_chunks(book: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Page header/footer text of every BIFF8 sheet in the ``Workbook`` stream."""
    counters = {Location.HEADER: 0, Location.FOOTER: 0}
    for name, offset in _sheet_offsets(book):
        ctx.check_time()
        for rtype, text in _sheet_header_records(book, offset):
            where = Location.HEADER if rtype == _HEADER else Location.FOOTER
            for section in header_sections(text):
                yield ctx.chunk(section, where, index=counters[where], key=name, standalone=True)
                counters[where] += 1


def text_box_chunks(book: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Text of the drawing objects on every BIFF8 sheet: text boxes and shapes (``body``, a
    ``内部资料`` box over a customer list) and cell notes (``comment``), as standalone chunks
    without a sheet key (a box is no row).

    Each object's text is a ``TXO`` record whose ``CONTINUE`` records carry the characters (a
    flag byte per record: 8-bit or UTF-16LE); the ``OBJ`` record before it tells a note
    (object type 0x19) from a shape."""
    counters = {Location.BODY: 0, Location.COMMENT: 0}
    for _name, offset in _sheet_offsets(book):
        ctx.check_time()
        for kind, text in _sheet_text_objects(book, offset):
            where = Location.COMMENT if kind == _OT_NOTE else Location.BODY
            yield ctx.chunk(text, where, index=counters[where], standalone=True)
            counters[where] += 1


def _sheet_text_objects(book: bytes, offset: int) -> Iterator[tuple[int, str]]:
    """``(object type, text)`` of the TXO records of one sheet substream."""
    kind, want, parts = 0, 0, []
    for rtype, body in _sheet_records(book, offset):
        if want and rtype == _CONTINUE and body:
            chunk = body[1:].decode("utf-16-le" if body[0] & 1 else "latin-1", "replace")
            parts.append(chunk[:want])
            want -= len(parts[-1])
            if want <= 0:
                text = "".join(parts).replace("\r\n", "\n").replace("\r", "\n").strip()
                if text:
                    yield kind, text
                kind = 0  # the next object names its own type
            continue
        want, parts = 0, []
        if rtype == _OBJ and len(body) >= 6:
            (kind,) = struct.unpack_from("<H", body, 4)
        elif rtype == _TXO and len(body) >= 12:
            (want,) = struct.unpack_from("<H", body, 10)


def header_sections(text: str) -> list[str]:
    """Visible text of the ``&L``/``&C``/``&R`` sections of an Excel header/footer string."""
    text = text.replace("&&", "\x00")
    out = []
    for section in _HF_SECTION.split(text):
        visible = " ".join(_HF_CODES.sub(" ", section).replace("\x00", "&").split())
        if visible:
            out.append(visible)
    return out


def _records(book: bytes, pos: int) -> Iterator[tuple[int, int, bytes]]:
    while pos + 4 <= len(book):
        rtype, size = struct.unpack_from("<HH", book, pos)
        yield pos, rtype, book[pos + 4 : pos + 4 + size]
        pos += 4 + size


def _sheet_offsets(book: bytes) -> list[tuple[str, int]]:
    """``(sheet name, substream offset)`` from the BOUNDSHEET records of the globals."""
    out: list[tuple[str, int]] = []
    for _pos, rtype, body in _records(book, 0):
        if rtype == _EOF:
            break
        if rtype == _BOUNDSHEET and len(body) >= 8:
            (offset,) = struct.unpack_from("<I", body, 0)
            cch, flags = body[6], body[7]
            raw = body[8 : 8 + (cch * 2 if flags & 1 else cch)]
            name = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
            if offset < len(book):
                out.append((name, offset))
    return out


def _sheet_records(book: bytes, offset: int) -> Iterator[tuple[int, bytes]]:
    """``(type, body)`` of the records of one sheet substream, up to its EOF; the records of
    substreams embedded in it (charts) are skipped."""
    depth = 0
    for _pos, rtype, body in _records(book, offset):
        if rtype == _BOF:
            depth += 1
        elif rtype == _EOF:
            depth -= 1
            if depth <= 0:
                return
        elif depth == 1:
            yield rtype, body


def _sheet_header_records(book: bytes, offset: int) -> Iterator[tuple[int, str]]:
    """HEADER/FOOTER strings of one sheet substream (embedded chart substreams skipped)."""
    for rtype, body in _sheet_records(book, offset):
        if rtype in (_HEADER, _FOOTER) and len(body) >= 3:
            (cch,) = struct.unpack_from("<H", body, 0)
            wide = body[2] & 1
            raw = body[3 : 3 + (cch * 2 if wide else cch)]
            yield rtype, raw.decode("utf-16-le" if wide else "latin-1", "replace")
