"""PDF documents via pypdfium2 (PDFium): page text, document info, file attachments.

Each text line of a page is one standalone ``body`` chunk with ``index`` = page number (0-based),
so a marking standing alone at the top of page 1 is a line of index 0. Lines repeated in
the head or foot band of every page are running heads/feet (:mod:`.running`): given once as
``header``/``footer`` chunks before the pages, not as page lines; the other lines of a page's
head band come first among its lines (a mark drawn last but printed at the top). The text of
stamps and text boxes added as annotations follows as lines of the same page, review comments are
``comment`` chunks, and filled AcroForm fields are lines of their page
(:mod:`secaudit.extract.pdf.pdf_annots`). An XFA form's text and data come from its packets
(:mod:`secaudit.extract.pdf.pdf_xfa`): before the pages of a dynamic form, after those of a static
one. Document info (Title,
Subject, Keywords, Author) becomes ``property`` chunks keyed by the lower-cased name. Embedded
files go through ``ctx.recurse``.

Failures: a password-protected PDF raises :class:`EncryptedError` (one that opens with the empty
user password is simply read); PDFium rebuilds a damaged cross-reference table itself, and a file
it cannot open at all raises :class:`CorruptError`. Pages holding images but no text are read by
OCR when ``[scan] ocr = "auto"`` (:mod:`.pdf_ocr`, up to ``ocr_max_pages``; their
lines are that page's ``body`` chunks, and a ``property`` chunk ``ocr`` marks the file); pages not
OCR'd are reported ``unsupported`` with the reason, so the officer knows they were not examined.

PDFium is not thread-safe: secaudit runs extraction in worker processes, one document at a time;
every PDFium object is closed here before returning, except a small document kept open for the
substituted system fonts it made PDFium load (:mod:`.substfonts`).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from secaudit.errors import CorruptError, EncryptedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.image.ocr import ocr_marker
from secaudit.extract.pdf import substfonts
from secaudit.extract.pdf.cjkfonts import has_cjk_system_font, uses_chinese_cid_font
from secaudit.extract.pdf.pdf_annots import init_forms, page_annotations
from secaudit.extract.pdf.pdf_ocr import PageOcr
from secaudit.extract.pdf.pdf_xfa import xfa_lines
from secaudit.extract.pdf.running import BAND, line_key, line_keys, running_keys, top_first
from secaudit.extract.text.text import garbled_hanzi
from secaudit.model import ErrorReason, Location, TextChunk

INFO_KEYS = ("Title", "Subject", "Keywords", "Author")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SPARSE_TEXT = 40
"""Characters of text a scanned page may carry (page number, stamp) and still be OCR'd."""
SCAN_SHARE = 0.3
"""Share of a page a single image must cover for a page with sparse text to count as a scan."""
BIG_SCAN_SHARE = 0.5
"""An image covering this much of a page is OCR'd whatever text the page carries (a typed form
with a scanned ID-card copy or a scanned attachment pasted under it)."""


def extract_pdf(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    substfonts.install()
    doc = _open(data)
    fonts_before = substfonts.fonts_read()
    if uses_chinese_cid_font(data) and not has_cjk_system_font():
        ctx.error(
            ErrorReason.UNSUPPORTED,
            "PDF uses Chinese fonts that may not be embedded and this machine has no Chinese "
            "system font: some text may be missing (install fonts-wqy-microhei)",
        )
    try:
        init_forms(doc)
        yield from _info(doc, ctx)
        before, after = xfa_lines(doc, ctx)
        for line in before:
            yield ctx.chunk(line, index=0, standalone=True)
        yield from _pages(doc, ctx)
        for line in after:
            yield ctx.chunk(line, index=len(doc), standalone=True)
        yield from _attachments(doc, ctx)
    finally:  # closed, or kept open for the system fonts it made PDFium load (.substfonts)
        substfonts.release(doc, len(data), substfonts.fonts_read() - fonts_before)


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise EncryptedError("PDF is password-protected; content not examined") from exc
        raise CorruptError(f"PDF cannot be opened: {message}") from exc


def _info(doc: pdfium.PdfDocument, ctx: ExtractContext) -> Iterator[TextChunk]:
    try:
        info = doc.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        return
    for key in INFO_KEYS:
        value = _clean(info.get(key) or "")
        if value:
            yield ctx.chunk(value, Location.PROPERTY, key=key.lower())


def _pages(doc: pdfium.PdfDocument, ctx: ExtractContext) -> Iterator[TextChunk]:
    count = len(doc)
    textless: list[int] = []
    ocr = PageOcr(ctx)
    pages = []
    for number in range(count):
        ctx.check_time()
        pages.append(_read_page(doc, number, ctx, ocr))
    yield from _running(pages, ctx)
    for page in pages:  # reading order: what stands at the top of a page comes first
        page.typed = top_first(page.typed, page.head)
    marked = False
    for number, page in enumerate(pages):
        if page.scanned is None:
            textless.append(number + 1)
        if page.scanned and not marked:
            marked = True
            yield ocr_marker(ctx)
        for line in page.scanned or ():
            yield ctx.chunk(line, index=number, standalone=True, ocr=True)
        for line in page.typed + page.stamped:
            yield ctx.chunk(line, index=number, standalone=True)
        for note in page.comments:
            yield ctx.chunk(note, Location.COMMENT, index=number, standalone=True)
        for n, attachment in enumerate(page.files, start=1):
            yield from _attached(attachment, f"page{number + 1}-attachment-{n}", ctx)
    _report_textless(textless, count, ocr.why_not, ctx)


def _running(pages: list[_Page], ctx: ExtractContext) -> Iterator[TextChunk]:
    """Lines repeated in the head or foot band of every page: one ``header``/``footer`` chunk
    each, dropped from the pages' typed lines (:mod:`.running`)."""
    for where, bands in ((Location.HEADER, [p.head for p in pages]),
                         (Location.FOOTER, [p.foot for p in pages])):
        keys = running_keys(bands)
        if not keys:
            continue
        emitted: set[str] = set()
        for page, band in zip(pages, bands, strict=True):
            for line in band:
                key = line_key(line)
                if key in keys and key not in emitted:
                    emitted.add(key)
                    yield ctx.chunk(line, where, standalone=True)
            page.typed = [
                ln for ln, key in zip(page.typed, line_keys(page.typed), strict=True)
                if key not in keys
            ]


def _report_textless(textless: list[int], count: int, why: str, ctx: ExtractContext) -> None:
    """One ``unsupported`` record naming the image-only pages that were not examined."""
    if textless and len(textless) == count:
        ctx.error(ErrorReason.UNSUPPORTED, f"image-only PDF: no text layer, {why}")
    elif textless:
        shown = ", ".join(str(n) for n in textless[:20]) + (" …" if len(textless) > 20 else "")
        ctx.error(
            ErrorReason.UNSUPPORTED,
            f"PDF page(s) {shown} are images without a text layer; {why}",
        )


@dataclass
class _Page:
    typed: list[str] = field(default_factory=list)
    """Lines of the page's text layer."""
    scanned: list[str] | None = field(default_factory=list)
    """Lines OCR'd from the page; ``None`` when it needed OCR and was not OCR'd."""
    stamped: list[str] = field(default_factory=list)
    """Lines of stamps and text boxes added as annotations."""
    comments: list[str] = field(default_factory=list)
    """Texts of review comments (other annotations)."""
    files: list[pdfium.PdfAttachment] = field(default_factory=list)
    """Files attached to the page by annotation."""
    head: list[str] = field(default_factory=list)
    """Typed lines in the page's top band (:data:`.running.BAND`)."""
    foot: list[str] = field(default_factory=list)
    """Typed lines in the page's bottom band."""


def _read_page(doc: pdfium.PdfDocument, number: int, ctx: ExtractContext, ocr: PageOcr) -> _Page:
    try:
        page = doc[number]
    except pdfium.PdfiumError as exc:
        ctx.error(ErrorReason.CORRUPT, f"PDF page {number + 1} cannot be loaded: {exc}")
        return _Page()
    try:
        typed, scanned, bands = _page_lines(page, number, ocr)
        notes = page_annotations(page, doc)
        return _Page(typed, scanned, notes.on_page, notes.comments, notes.files, *bands)
    finally:
        page.close()


def _page_lines(
    page: pdfium.PdfPage, number: int, ocr: PageOcr
) -> tuple[list[str], list[str] | None, tuple[list[str], list[str]]]:
    """(lines of the page's text layer, lines OCR'd from it, (head band, foot band) lines).

    A page is OCR'd when it holds images and no text, when a large image (a scan, at least
    :data:`SCAN_SHARE` of the page) carries all but a few characters (a page number or a
    stamp added to a scanned page), when one image covers :data:`BIG_SCAN_SHARE` of it, or when
    its text layer is garbled Chinese (a font with a wrong ToUnicode map).
    The OCR part is ``None`` when such a page was not OCR'd and ``[]`` for a page that needs
    no OCR.
    """
    textpage = page.get_textpage()
    try:
        lines = _split(textpage.get_text_bounded())
        bands = _bands(page, textpage) if lines else ([], [])
    finally:
        textpage.close()
    share = _image_share(page)
    if not lines and share > 0:
        return lines, ocr.read(page, number), bands
    sparse = sum(map(len, lines)) <= SPARSE_TEXT
    if share >= BIG_SCAN_SHARE or (sparse and share >= SCAN_SHARE):
        return lines, ocr.read(page, number) or [], bands
    if garbled_hanzi("".join(lines)):  # a font's ToUnicode map is wrong: read what is drawn
        return lines, ocr.read(page, number) or [], bands
    return lines, [], bands


def _split(text: str) -> list[str]:
    """Cleaned non-empty lines; a line break is ``\\r\\n``, ``\\r`` or ``\\n`` (``str.replace``
    and ``str.split`` where a regular expression walked the text again, which is slow on CJK)."""
    text = _CONTROL.sub("", text)  # removes no line break: as well before splitting as after
    parts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in (" ".join(part.split()) for part in parts) if line]


def _bands(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> tuple[list[str], list[str]]:
    """Lines of the top and bottom :data:`.running.BAND` of the page."""
    left, bottom, right, top = page.get_bbox()
    cut = (top - bottom) * BAND
    head = textpage.get_text_bounded(left=left, bottom=top - cut, right=right, top=top)
    foot = textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=bottom + cut)
    return _split(head), _split(foot)


def _image_share(page: pdfium.PdfPage) -> float:
    """Share of the page the largest image covers (0 when the page has no image; a tiny share
    for an image without bounds). Walks PDFium's object list directly: the wrapper objects of
    ``get_objects`` cost ~4x more on text-heavy pages, and every page is asked."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    return min(_largest_image(page.raw, area, 0), 1.0)


def _largest_image(holder: object, area: float, depth: int) -> float:
    count = (pdfium_c.FPDFFormObj_CountObjects if depth else pdfium_c.FPDFPage_CountObjects)(holder)
    best = 0.0
    for i in range(max(count, 0)):
        obj = (pdfium_c.FPDFFormObj_GetObject if depth else pdfium_c.FPDFPage_GetObject)(holder, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = (ctypes.c_float() for _ in range(4))
            if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                share = max(right.value - left.value, 0) * max(top.value - bottom.value, 0) / area
            else:
                share = 0.0
            best = max(best, share, 1e-6)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 3:
            best = max(best, _largest_image(obj, area, depth + 1))
    return best


def _attachments(doc: pdfium.PdfDocument, ctx: ExtractContext) -> Iterator[TextChunk]:
    for i in range(doc.count_attachments()):
        yield from _attached(doc.get_attachment(i), f"attachment-{i + 1}", ctx)


def _attached(
    attachment: pdfium.PdfAttachment, fallback: str, ctx: ExtractContext
) -> Iterator[TextChunk]:
    """One embedded file (of the document, or of a page's annotation), recursed as a member."""
    ctx.check_time()
    name = attachment.get_name() or fallback
    try:
        data = bytes(attachment.get_data())
    except pdfium.PdfiumError as exc:
        ctx.error(ErrorReason.CORRUPT, f"PDF attachment {name!r} cannot be read: {exc}")
        return
    if len(data) > ctx.limits.max_member_size:
        path = ctx.member_path(name)
        ctx.error(ErrorReason.TOO_LARGE, f"{len(data)} bytes > max_member_size", member=path)
        return
    ctx.charge(len(data))
    yield from ctx.recurse(name, data)


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub("", text).split()) if text else ""
