"""Text of PDF annotations: stamps and text boxes drawn on a page, and review comments.

A PDF editor adds a marking as a *stamp* or a *free-text box* (``机密★10年`` typed on the first
page), and reviewers leave *comments*; neither is part of the page's content stream, so PDFium's
text page does not return them. Their ``/Contents`` strings are read here: free text, stamps and
watermarks stand on the page (body lines of that page), every other kind with text is a comment.
A filled form's *field values* (the ``/V`` of a widget or of its parent field: a customer's
ID number typed into a 开户申请表) are drawn from appearance streams, not from the page content,
so they are read here too, as page lines; a field named in Chinese gives its name as the label
(``身份证号：…``, ``密级：机密``). Check boxes and choice names are no text.
A *file attachment* annotation carries a whole file, handed back for recursion like the
document's own attachments. At most :data:`MAX_ANNOTS` annotations per page and
:data:`MAX_CHARS` characters each are read.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MAX_ANNOTS = 500
MAX_CHARS = 20_000
ON_PAGE = frozenset(
    {pdfium_c.FPDF_ANNOT_FREETEXT, pdfium_c.FPDF_ANNOT_STAMP, pdfium_c.FPDF_ANNOT_WATERMARK}
)
"""Free text, stamp and watermark annotations show on the page."""
_SKIP = frozenset({pdfium_c.FPDF_ANNOT_LINK, pdfium_c.FPDF_ANNOT_POPUP})
"""Links and pop-ups (they repeat their parent's text) carry no text of theirs."""
_TEXT_FIELDS = frozenset(
    {
        pdfium_c.FPDF_FORMFIELD_TEXTFIELD,
        pdfium_c.FPDF_FORMFIELD_COMBOBOX,
        pdfium_c.FPDF_FORMFIELD_LISTBOX,
    }
)
_FIELD_SEGMENT = re.compile(r"\[\d+\]")


@dataclass
class Annotations:
    on_page: list[str] = field(default_factory=list)
    """Lines of stamps, text boxes and watermarks."""
    comments: list[str] = field(default_factory=list)
    files: list[pdfium.PdfAttachment] = field(default_factory=list)
    """Files attached by annotation (read them before the document closes)."""


def init_forms(doc: pdfium.PdfDocument) -> None:
    """Set up PDFium's form environment when ``doc`` has an AcroForm (before loading pages):
    it resolves a widget's value and full name through its parent fields."""
    if pdfium_c.FPDF_GetFormType(doc.raw) == pdfium_c.FORMTYPE_NONE:
        return
    try:
        doc.init_forms()
    except pdfium.PdfiumError:  # values are then read from the widgets' own dictionaries
        return


def page_annotations(page: pdfium.PdfPage, doc: pdfium.PdfDocument) -> Annotations:
    """Text and attached files of ``page``'s annotations."""
    found = Annotations()
    form = doc.formenv.raw if getattr(doc, "formenv", None) is not None else None
    count = min(pdfium_c.FPDFPage_GetAnnotCount(page.raw), MAX_ANNOTS)
    for i in range(max(count, 0)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, i)
        if not annot:
            continue
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            if subtype in _SKIP:
                continue
            if subtype == pdfium_c.FPDF_ANNOT_WIDGET:
                found.on_page.extend(_field_lines(annot, form))
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


def _field_lines(widget: pdfium_c.FPDF_ANNOTATION, form: object | None) -> list[str]:
    """Lines of a form field's text value, labelled with the field's name when it is Chinese."""
    if form is not None:
        if pdfium_c.FPDFAnnot_GetFormFieldType(form, widget) not in _TEXT_FIELDS:
            return []  # check boxes and radio buttons hold export names, buttons nothing
        value = _wide(pdfium_c.FPDFAnnot_GetFormFieldValue, form, widget)
        name = _wide(pdfium_c.FPDFAnnot_GetFormFieldName, form, widget)
    else:
        value, name = _string(widget, b"V"), _string(widget, b"T")
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    label = _FIELD_SEGMENT.sub("", (name or "").rsplit(".", 1)[-1]).strip()
    if lines and label and not label.isascii():
        lines[0] = f"{label}：{lines[0]}"
    return lines


def _wide(getter, form: object, widget: pdfium_c.FPDF_ANNOTATION) -> str:  # type: ignore[no-untyped-def]
    """A UTF-16 string of one of PDFium's form-field getters."""
    size = min(getter(form, widget, None, 0), (MAX_CHARS + 1) * 2)
    if size <= 2:
        return ""
    buf = ctypes.create_string_buffer(size)
    getter(form, widget, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return buf.raw[: size - 2].decode("utf-16-le", "replace").strip("\x00").strip()


def _string(annot: pdfium_c.FPDF_ANNOTATION, key: bytes) -> str | None:
    """A text string of the annotation's dictionary (``None``: absent or not a string)."""
    if pdfium_c.FPDFAnnot_GetValueType(annot, key) != pdfium_c.FPDF_OBJECT_STRING:
        return None
    return _contents(annot, key) or None


def _contents(annot: pdfium_c.FPDF_ANNOTATION, key: bytes = b"Contents") -> str:
    size = pdfium_c.FPDFAnnot_GetStringValue(annot, key, None, 0)
    if size <= 2:
        return ""
    size = min(size, (MAX_CHARS + 1) * 2)
    buf = ctypes.create_string_buffer(size)
    pdfium_c.FPDFAnnot_GetStringValue(
        annot, key, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size
    )
    return buf.raw[: size - 2].decode("utf-16-le", "replace").strip("\x00").strip()
