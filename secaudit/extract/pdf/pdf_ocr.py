"""OCR of image-only pages: PDF pages rendered with PDFium in grayscale, OFD pages' images as
they are stored; read with Tesseract.

:class:`PageOcr` is used by :mod:`secaudit.extract.pdf.pdf` for each page that has images but no
text layer. It renders the page at :data:`OCR_DPI` as an 8-bit grayscale bitmap, hands it to
Tesseract as a binary PGM, and keeps count: at most ``limits.ocr_max_pages`` pages per file are
OCR'd. When a page is not OCR'd, :attr:`PageOcr.why_not` says why (OCR off, not installed, page
budget spent) for the ``unsupported`` record of the caller. A page Tesseract rejects becomes a
``corrupt`` record of its own and the next page is tried; a timeout stops the file. A page or
image that cannot hold text (blank, a photo without text: :mod:`secaudit.extract.image.textlike`)
is not OCR'd and gets an ``unsupported`` record "no text-like content" of its own.

To change resolution or page size cap, edit the constants and re-run ``benchmarks/ocr_speed.py``
(``--page`` for one page, without for a tree of scans).
"""

from __future__ import annotations

from collections.abc import Callable

import pypdfium2 as pdfium

from secaudit.errors import CorruptError, UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.image.imagesize import pixels
from secaudit.extract.image.ocr import NoTextError, ocr_lines, pgm_from_gray
from secaudit.model import ErrorReason

OCR_DPI = 200
"""Measured with ``benchmarks/ocr_speed.py --page`` (A4 notice, 9–12 pt body, scans of 100–200 dpi):
200 dpi reads the marking, the ID number and as many body lines as 300 dpi (better for a 100 dpi
scan: 3/4 lines against 1/4) in about 0.65 s/page instead of 1.0 s."""
MAX_PAGE_PIXELS = 40_000_000
"""Pages larger than about A1 at 200 dpi are rendered at a lower resolution (memory, OCR time)."""
_NOT_AVAILABLE = "OCR not available"


class PageOcr:
    """OCR of the image-only pages of one PDF or OFD, with the file's page budget."""

    def __init__(self, ctx: ExtractContext) -> None:
        self.ctx = ctx
        self.pages_read = 0
        self.why_not = "" if ctx.limits.ocr == "auto" else _NOT_AVAILABLE
        """Why pages are no longer OCR'd; empty while they are."""

    def read(self, page: pdfium.PdfPage, number: int) -> list[str] | None:
        """Lines OCR'd from ``page`` (0-based ``number``), or ``None`` if it was not OCR'd."""
        what = f"PDF page {number + 1}"
        try:
            return self._read(lambda: [render_gray_pgm(page)], what)
        except pdfium.PdfiumError as exc:
            self.ctx.error(ErrorReason.CORRUPT, f"{what} cannot be rendered for OCR: {exc}")
            return []

    def read_images(self, images: list[bytes], what: str) -> list[str] | None:
        """Lines OCR'd from the encoded images of one page (an OFD page made of scans), or
        ``None`` if it was not OCR'd. Images below ``ocr_min_pixels`` (logos, seals) are skipped."""
        floor = self.ctx.limits.ocr_min_pixels
        big = [i for i in images if (n := pixels(i)) is None or n >= floor]
        if not big:
            return None if self.why_not else []
        return self._read(lambda: big, what)

    def _read(self, images: Callable[[], list[bytes]], what: str) -> list[str] | None:
        if self.why_not:
            return None
        if self.ctx.budget.ocr_pages >= self.ctx.limits.ocr_max_pages:
            self.why_not = f"not OCR'd beyond ocr_max_pages = {self.ctx.limits.ocr_max_pages}"
            return None
        lines: list[str] = []
        read = 0
        try:
            for image in images():
                try:
                    lines += ocr_lines(image, self.ctx, what)
                    read += 1
                except NoTextError as exc:
                    self.ctx.error(ErrorReason.UNSUPPORTED, str(exc))
        except UnsupportedError as exc:
            self.why_not = str(exc)
            return None
        except CorruptError as exc:
            self.ctx.error(ErrorReason.CORRUPT, str(exc))
            return []
        if read:
            self.pages_read += 1
            self.ctx.budget.ocr_pages += 1
        return lines


def render_gray_pgm(page: pdfium.PdfPage, dpi: float = OCR_DPI) -> bytes:
    """``page`` rendered at ``dpi`` (less for huge pages) as a binary PGM image."""
    width_pt, height_pt = page.get_size()
    scale = dpi / 72
    pixels = width_pt * height_pt * scale * scale
    if pixels > MAX_PAGE_PIXELS:
        scale *= (MAX_PAGE_PIXELS / pixels) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        return pgm_from_gray(bitmap.width, bitmap.height, bitmap.stride, bitmap.buffer)
    finally:
        bitmap.close()
