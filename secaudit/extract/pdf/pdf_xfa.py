"""XFA forms (Adobe LiveCycle Designer): the form's text and its filled-in values.

An XFA form keeps its layout in a ``template`` packet and the values typed into it in a
``datasets`` packet (XML streams listed under the AcroForm's ``/XFA``). A *dynamic* XFA form has no
page content at all — PDFium, built without XFA, shows only a "please wait" page — so without
these packets a 涉密 approval form or a 客户信息表 made with LiveCycle would read as empty. A
*static* one also draws its pages, but the values still live in ``datasets``.

:func:`xfa_lines` returns the template's visible texts (text and rich-text values of ``draw``
elements and field captions, in document order, for dynamic forms only) and every filled leaf of
the data, labelled with its element name when that is Chinese (``身份证号码：…``). Packets are
parsed with the same safe XML parser as OOXML parts (no entities, no network); a packet larger than
``max_member_size`` is not read (``too_large``).
"""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree

from secaudit.extract.base import ExtractContext
from secaudit.extract.zipparts import local, parse_xml
from secaudit.model import ErrorReason

_TEXT_HOLDERS = frozenset({"text", "exData"})
"""Elements of a template ``value`` whose text is shown (plain and rich text)."""
_SHOWN = frozenset({"draw", "caption"})
"""Template elements whose value is printed on the form (boilerplate and field labels)."""


def xfa_lines(doc: pdfium.PdfDocument, ctx: ExtractContext) -> tuple[list[str], list[str]]:
    """``(before, after)`` the pages: a dynamic form's template text and values stand in for
    its (empty) pages, so they come first; a static form's values follow its drawn pages."""
    packets = _packets(doc, ctx)
    if not packets:
        return [], []
    texts: list[str] = []
    values: list[str] = []
    dynamic = pdfium_c.FPDF_GetFormType(doc.raw) == pdfium_c.FORMTYPE_XFA_FULL
    for name, data in packets:
        root = parse_xml(data, ctx, f"XFA packet {name or 'xdp'}")
        if root is None:
            continue
        if dynamic and name in ("template", ""):
            texts += _template_texts(root)
        if name in ("datasets", ""):
            values += _data_values(root)
    return (texts + values, []) if dynamic else ([], values)


def _packets(doc: pdfium.PdfDocument, ctx: ExtractContext) -> list[tuple[str, bytes]]:
    count = pdfium_c.FPDF_GetXFAPacketCount(doc.raw)
    out: list[tuple[str, bytes]] = []
    for i in range(max(count, 0)):
        ctx.check_time()
        size = pdfium_c.FPDF_GetXFAPacketName(doc.raw, i, None, 0)
        name_buf = ctypes.create_string_buffer(max(size, 1))
        pdfium_c.FPDF_GetXFAPacketName(doc.raw, i, name_buf, size)
        name = name_buf.value.decode("latin-1", "replace")
        if name not in ("template", "datasets", ""):
            continue  # config, localeSet, xmpmeta …: no content of the form
        needed = ctypes.c_ulong(0)
        pdfium_c.FPDF_GetXFAPacketContent(doc.raw, i, None, 0, ctypes.byref(needed))
        if needed.value > ctx.limits.max_member_size:
            ctx.error(
                ErrorReason.TOO_LARGE,
                f"XFA packet {name}: {needed.value} bytes > max_member_size; not examined",
            )
            continue
        buf = ctypes.create_string_buffer(max(needed.value, 1))
        got = ctypes.c_ulong(0)
        if pdfium_c.FPDF_GetXFAPacketContent(doc.raw, i, buf, needed.value, ctypes.byref(got)):
            ctx.charge(got.value)
            out.append((name, buf.raw[: got.value]))
    return out


def _template_texts(root: etree._Element) -> list[str]:
    lines: list[str] = []
    for el in root.iter():
        if local(el) not in _SHOWN:
            continue
        for holder in el.iter():
            if local(holder) in _TEXT_HOLDERS:
                text = " ".join("".join(holder.itertext()).split())
                if text:
                    lines.append(text)
    return lines


def _data_values(root: etree._Element) -> list[str]:
    data = next((el for el in root.iter() if local(el) == "data"), root)
    lines: list[str] = []
    for el in data.iter():
        if not isinstance(el.tag, str) or len(el):
            continue  # containers (subforms, groups) and comments
        value = (el.text or "").strip()
        if not value:
            continue
        label = local(el)
        first, *rest = [line.strip() for line in value.splitlines() if line.strip()]
        lines.append(f"{label}：{first}" if label and not label.isascii() else first)
        lines += rest
    return lines
