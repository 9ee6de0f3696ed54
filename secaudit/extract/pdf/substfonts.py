"""System fonts PDFium substitutes for fonts a PDF does not embed: loaded once per process.

A bank statement whose Chinese font is not embedded (``STSong-Light`` with ``UniGB-UCS2-H``) is
read through a system font PDFium substitutes (WenQuanYi Micro Hei, Noto CJK: collections of
5–27 MB). PDFium caches a loaded font only while a document using it is open, and with its own
font list it cannot look a collection (``.ttc``) up before reading it: every such PDF read the
whole file again and built a new FreeType face (~0.75 of ~6.6 ms per statement PDF here).

Two things make it load once, without changing a character of the text or a character box:

- :func:`install` wraps PDFium's default system font list (``FPDF_SYSFONTINFO``) and hands a
  face of a collection over as a plain font file: the same bytes, face 0. PDFium's default list
  reports a collection face with a font size of 0, so PDFium loads face 0 of the collection
  whichever face it mapped (the index it derives, ``ttc_size - 0``, matches no face); handed over
  as a plain font, it loads face 0 as well, but looks the font up in its cache by face name,
  weight and style *before* reading it. Faces with a size of their own (a plain ``.ttf``, or any
  face on Windows) are passed through untouched.
- :func:`release` keeps open, after it was read, a small PDF that made PDFium read a font
  (at most :data:`MAX_KEPT` PDFs of at most :data:`KEEP_MAX_BYTES`, holding at most
  :data:`MAX_FONT_BYTES` of fonts they read), so the font stays in the cache for the next PDF.
  The cost is the kept fonts' memory in each worker (5.2 MB for WenQuanYi Micro Hei) — memory
  PDFium takes anyway while it reads such a PDF, now also between PDFs.

Where pypdfium2 lacks the font-list API, :func:`install` does nothing and PDFium works as before.
"""

from __future__ import annotations

import atexit
import ctypes
from collections import deque
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MAX_KEPT = 2
"""PDFs kept open for the substituted fonts they hold."""
KEEP_MAX_BYTES = 1 << 20
"""Only a PDF of at most this size is kept (its bytes and objects stay in memory)."""
MAX_FONT_BYTES = 48 << 20
"""Font bytes the kept PDFs made PDFium read, at most (Noto Serif CJK Bold is 27 MB)."""
TTCF = 0x74746366
"""``ttcf``: the table id PDFium asks for a whole font collection with."""


class _FontList:
    """An ``FPDF_SYSFONTINFO`` that forwards every call to PDFium's default list, handing a
    collection face whose own size is 0 over as a plain font (module docstring)."""

    def __init__(self, default: Any) -> None:
        self.default = default  # pointer to PDFium's default FPDF_SYSFONTINFO
        self.read = 0  # bytes of font data PDFium read through this list
        base = default.contents
        self.raw = pdfium_c.FPDF_SYSFONTINFO()
        self.raw.version = base.version
        kinds = dict(pdfium_c.FPDF_SYSFONTINFO._fields_)
        calls = {
            "MapFont": lambda _, *args: base.MapFont(default, *args),
            "GetFont": lambda _, face: base.GetFont(default, face),
            "GetFontData": self._font_data,
            "GetFaceName": lambda _, *args: base.GetFaceName(default, *args),
            "GetFontCharset": lambda _, font: base.GetFontCharset(default, font),
            "DeleteFont": lambda _, font: base.DeleteFont(default, font),
        }
        if base.version == 1:
            calls["EnumFonts"] = lambda _, mapper: base.EnumFonts(default, mapper)
        self._callbacks = {name: kinds[name](fn) for name, fn in calls.items()}  # kept alive
        for name, callback in self._callbacks.items():
            setattr(self.raw, name, callback)

    def _font_data(self, _: object, font: int | None, table: int, buf: Any, size: int) -> int:
        get = self.default.contents.GetFontData
        try:
            if table in (0, TTCF) and self._collection_face(font):
                if table == TTCF:
                    return 0
                table = TTCF
        except Exception:  # noqa: BLE001 - never let a font lookup fail because of this wrapper
            pass
        got = get(self.default, font, table, buf, size)
        if buf and 0 < got <= size:
            self.read += got
        return got

    def _collection_face(self, font: int | None) -> bool:
        """A face of a collection that PDFium's default list gives no size of its own."""
        get = self.default.contents.GetFontData
        return (
            get(self.default, font, 0, None, 0) == 0 and get(self.default, font, TTCF, None, 0) > 0
        )


_list: _FontList | None = None
_tried = False
_kept: deque[tuple[pdfium.PdfDocument, int]] = deque()


def install() -> bool:
    """Put the wrapped font list in place (once per process); False where it cannot be."""
    global _list, _tried
    if not _tried:
        _tried = True
        try:
            default = pdfium_c.FPDF_GetDefaultSystemFontInfo()
            if default:
                wrapped = _FontList(default)
                pdfium_c.FPDF_SetSystemFontInfo(ctypes.pointer(wrapped.raw))
                _list = wrapped
                atexit.register(_close_kept)
        except (AttributeError, TypeError, ValueError):  # an older pypdfium2 or PDFium build
            _list = None
    return _list is not None


def fonts_read() -> int:
    """Bytes of substituted fonts PDFium has read in this process so far."""
    return _list.read if _list is not None else 0


def release(doc: pdfium.PdfDocument, size: int, read: int) -> None:
    """Close ``doc`` (``size`` bytes) — or keep it open when reading it made PDFium read
    ``read`` bytes of substituted fonts, within the limits above."""
    if not read or size > KEEP_MAX_BYTES or read > MAX_FONT_BYTES:
        doc.close()
        return
    _kept.append((doc, read))
    while len(_kept) > MAX_KEPT or sum(n for _, n in _kept) > MAX_FONT_BYTES:
        _kept.popleft()[0].close()


def _close_kept() -> None:
    while _kept:
        _kept.popleft()[0].close()
