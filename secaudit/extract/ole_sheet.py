"""Excel 97-2003 / Kingsoft ET workbooks (BIFF8 in OLE, raw BIFF2-4) through xlrd.

Sheet names are ``sheet_name`` chunks (``index`` = sheet ordinal); each non-empty row is one
standalone chunk of tab-joined cell values with ``key`` = sheet name and ``index`` = row number.
Integral numbers are written without ``.0`` (``6222021234567890``), as Excel shows them.
Encryption (``FILEPASS`` record, RC4 or XOR) is detected before xlrd runs.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import xlrd
from xlrd.compdoc import CompDocError

from secaudit.errors import CorruptError, EncryptedError
from secaudit.extract.base import ExtractContext
from secaudit.model import Location, TextChunk

_FILEPASS, _EOF = 0x002F, 0x000A


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


def workbook_chunks(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    try:
        book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO(), on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise EncryptedError(f"Excel workbook is encrypted: {exc}") from exc
        raise CorruptError(f"Excel workbook cannot be read: {exc}") from exc
    except (CompDocError, struct.error, IndexError, KeyError, ValueError, AssertionError) as exc:
        raise CorruptError(f"Excel workbook is damaged: {type(exc).__name__}: {exc}") from exc
    try:
        for ordinal, name in enumerate(book.sheet_names()):
            yield ctx.chunk(name, Location.SHEET_NAME, index=ordinal, standalone=True)
            try:
                sheet = book.sheet_by_index(ordinal)
            except (xlrd.XLRDError, struct.error, IndexError, ValueError) as exc:
                ctx.error("corrupt", f"sheet {name!r} cannot be read: {exc}")
                continue
            yield from _rows(sheet, name, ctx)
            book.unload_sheet(ordinal)
    finally:
        book.release_resources()


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
