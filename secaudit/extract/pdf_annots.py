"""Text of PDF annotations: stamps and text boxes drawn on a page, and review comments.

A PDF editor adds a marking as a *stamp* or a *free-text box* (``机密★10年`` typed on the first
page), and reviewers leave *comments*; neither is part of the page's content stream, so PDFium's
text page does not return them. Their ``/Contents`` strings are read here: free text, stamps and
watermarks stand on the page (body lines of that page), every other kind with text is a comment.
A *file attachment* annotation carries a whole file, handed back for recursion like the
document's own attachments. At most :data:`MAX_ANNOTS` annotations per page and
:data:`MAX_CHARS` characters each are read.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MAX_ANNOTS = 500
MAX_CHARS = 20_000
ON_PAGE = frozenset(
    {pdfium_c.FPDF_ANNOT_FREETEXT, pdfium_c.FPDF_ANNOT_STAMP, pdfium_c.FPDF_ANNOT_WATERMARK}
)
"""Free text, stamp and watermark annotations show on the page."""
_SKIP = frozenset(
    {pdfium_c.FPDF_ANNOT_LINK, pdfium_c.FPDF_ANNOT_POPUP, pdfium_c.FPDF_ANNOT_WIDGET}
)
"""Links, pop-ups (they repeat their parent's text) and form widgets carry no text of theirs."""


@dataclass
class Annotations:
    on_page: list[str] = field(default_factory=list)
    """Lines of stamps, text boxes and watermarks."""
    comments: list[str] = field(default_factory=list)
    files: list[pdfium.PdfAttachment] = field(default_factory=list)
    """Files attached by annotation (read them before the document closes)."""


def page_annotations(page: pdfium.PdfPage, doc: pdfium.PdfDocument) -> Annotations:
    """Text and attached files of ``page``'s annotations."""
    found = Annotations()
    count = min(pdfium_c.FPDFPage_GetAnnotCount(page.raw), MAX_ANNOTS)
    for i in range(max(count, 0)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype in _SKIP:
                continue
            if subtype == pdfium_c.FPDF_ANNOT_FILEATTACHMENT:
                handle = pdfium_c.FPDFAnnot_GetFileAttachment(annot)
                if handle:
                    found.files.append(pdfium.PdfAttachment(handle, doc))
            text = _contents(annot)
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
        if not text:
            continue
        if subtype in ON_PAGE:
            found.on_page.extend(line.strip() for line in text.splitlines() if line.strip())
        else:
            found.comments.append(text)
    return found


def _contents(annot: pdfium_c.FPDF_ANNOTATION) -> str:
    size = pdfium_c.FPDFAnnot_GetStringValue(annot, b"Contents", None, 0)
    if size <= 2:
        return ""
    size = min(size, (MAX_CHARS + 1) * 2)
    buf = ctypes.create_string_buffer(size)
    pdfium_c.FPDFAnnot_GetStringValue(
        annot, b"Contents", ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size
    )
    return buf.raw[: size - 2].decode("utf-16-le", "replace").strip("\x00").strip()
