"""PDF extraction on PDFs built with reportlab (CID font STSong-Light) and real samples."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from secaudit.extract.registry import extract_bytes
from secaudit.model import ErrorReason, Location

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"
pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def build_pdf(pages: list[list[str]], *, encrypt=None, title: str = "", image_page: bool = False,
              ) -> bytes:
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    if title:
        pdf.setTitle(title)
        pdf.setSubject("年度计划")
        pdf.setKeywords("机密,信贷")
        pdf.setAuthor("办公室")
    for lines in pages:
        y = 800
        for line in lines:
            pdf.setFont("STSong-Light", 14)
            pdf.drawString(72, y, line)
            y -= 24
        pdf.showPage()
    if image_page:
        pdf.drawImage(ImageReader(io.BytesIO(tiny_png())), 72, 600, 100, 100)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80\x40\x20" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def body(result) -> list[tuple[int, str]]:
    return [(c.index, c.text) for c in result.chunks
            if c.location is Location.BODY and c.member is None]


def test_chinese_pages_lines_and_info() -> None:
    data = build_pdf([["机密★10年", "关于2024年信贷计划的通知"], ["第二页正文", "客户名单"]],
                     title="信贷计划")
    result = extract_bytes(data, "通知.pdf")
    assert result.format == "pdf"
    assert result.errors == ()
    assert body(result) == [(0, "机密★10年"), (0, "关于2024年信贷计划的通知"),
                            (1, "第二页正文"), (1, "客户名单")]
    assert all(c.standalone for c in result.chunks if c.location is Location.BODY)
    props = {c.key: c.text for c in result.chunks if c.location is Location.PROPERTY}
    assert props == {"title": "信贷计划", "subject": "年度计划", "keywords": "机密,信贷",
                     "author": "办公室"}


def test_password_protected_pdf_is_encrypted() -> None:
    enc = pdfencrypt.StandardEncryption("user-secret", ownerPassword="owner-secret")
    result = extract_bytes(build_pdf([["绝密"]], encrypt=enc), "x.pdf")
    assert [e.reason for e in result.errors] == [ErrorReason.ENCRYPTED]
    assert body(result) == []


def test_pdf_with_empty_user_password_is_read() -> None:
    enc = pdfencrypt.StandardEncryption("", ownerPassword="owner-secret", canCopy=0)
    result = extract_bytes(build_pdf([["秘密★5年"]], encrypt=enc), "x.pdf")
    assert result.errors == ()
    assert body(result) == [(0, "秘密★5年")]


def test_page_with_image_but_no_text_is_reported() -> None:
    result = extract_bytes(build_pdf([["内部资料"]], image_page=True), "mixed.pdf")
    assert body(result) == [(0, "内部资料")]
    assert [e.reason for e in result.errors] == [ErrorReason.UNSUPPORTED]
    assert "page(s) 2" in result.errors[0].detail


@pytest.mark.parametrize("name", ["pdf_image_only_grayscale.pdf", "pdf_image_only_lzw.pdf"])
def test_image_only_samples(name: str) -> None:
    result = extract_bytes((SAMPLES / name).read_bytes(), name)
    assert body(result) == []
    assert [(e.reason, e.detail) for e in result.errors] == [
        (ErrorReason.UNSUPPORTED, "image-only PDF: no text layer, OCR not available")
    ]


@pytest.mark.parametrize("name", ["pdf_encrypted_aes256_r6.pdf", "pdf_encrypted_rc4_40.pdf",
                                  "public/libreoffice-writer-password.pdf"])
def test_encrypted_samples(name: str) -> None:
    result = extract_bytes((SAMPLES / name).read_bytes(), name)
    assert [e.reason for e in result.errors] == [ErrorReason.ENCRYPTED]


def test_corrupted_xref_sample_is_still_read() -> None:
    result = extract_bytes((SAMPLES / "pdf_corrupted_xref.pdf").read_bytes(), "z.pdf")
    assert result.errors == ()
    assert (0, "Beautiful is better than ugly.") in body(result)


def test_unrecoverable_pdf_is_corrupt() -> None:
    result = extract_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "bad.pdf")
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]


def test_self_referencing_xobjects_terminate() -> None:
    result = extract_bytes((SAMPLES / "pdf_evil_xobjects.pdf").read_bytes(), "evil.pdf")
    assert any("Hello world" in text for _i, text in body(result))


@pytest.mark.parametrize(("name", "expected"), [
    ("pdf_cjk_einvoice_sourcehan.pdf", "旅客姓名 有效身份证件号码"),
    ("pdf_cjk_ms_print_to_pdf.pdf", "竞争性磋商文件"),
    ("pdf_cjk_word365_bad_cidrange.pdf", "甲方：中国饮料有限公司（盖章）"),
])
def test_cjk_samples(name: str, expected: str) -> None:
    result = extract_bytes((SAMPLES / name).read_bytes(), name)
    assert expected in [text for _i, text in body(result)]


def test_attachments_are_recursed() -> None:
    result = extract_bytes((SAMPLES / "public" / "with-attachment.pdf").read_bytes(), "a.pdf")
    assert result.members == ("image.png",)
    assert result.member_formats["image.png"] == "image"
    assert [(e.member, e.reason) for e in result.errors] == [
        ("image.png", ErrorReason.UNSUPPORTED)
    ]


def test_missing_chinese_system_font_is_reported(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Without a Chinese system font PDFium may drop characters of non-embedded CJK fonts: the
    officer is told, rather than shown a thinner text as if it were complete."""
    import secaudit.extract.pdf.pdf as pdf_module

    data = build_pdf([["机密★1年", "关于调整利率的通知"]])
    monkeypatch.setattr(pdf_module, "has_cjk_system_font", lambda: False)
    result = extract_bytes(data, "a.pdf")
    assert [e.reason.value for e in result.errors] == ["unsupported"]
    assert "Chinese system font" in result.errors[0].detail
    monkeypatch.setattr(pdf_module, "has_cjk_system_font", lambda: True)
    assert extract_bytes(data, "a.pdf").errors == ()


def test_this_machine_has_a_chinese_font() -> None:
    """install.sh installs one; PDF text of non-embedded Chinese fonts depends on it."""
    from secaudit.extract.pdf.cjkfonts import has_cjk_system_font

    assert has_cjk_system_font()


def annotated_pdf(notes: list[tuple[int, str]]) -> bytes:
    """A PDF (typed body text) whose page carries annotations, made with PDFium as an editor
    would: ``(subtype, /Contents)`` pairs (a free-text box, a stamp, a sticky-note comment)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(build_pdf([["关于二〇二四年信贷计划的通知", "各支行："]]))
    page = doc[0]
    for n, (subtype, text) in enumerate(notes):
        annot = raw.FPDFPage_CreateAnnot(page.raw, subtype)
        raw.FPDFAnnot_SetRect(annot, raw.FS_RECTF(50, 780 - 40 * n, 250, 810 - 40 * n))
        buf = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
        wide = ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR))
        raw.FPDFAnnot_SetStringValue(annot, b"Contents", wide)
        raw.FPDFPage_CloseAnnot(annot)
    page.close()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_stamps_and_text_boxes_stand_on_the_page_comments_are_comments() -> None:
    import pypdfium2.raw as raw

    from secaudit.detect.registry import build_detectors, detect

    data = annotated_pdf([(raw.FPDF_ANNOT_FREETEXT, "机密★10年"),
                          (raw.FPDF_ANNOT_STAMP, "已核对\n2024-05-06"),
                          (raw.FPDF_ANNOT_TEXT, "此件请按机密件管理，勿外传")])
    result = extract_bytes(data, "注释.pdf")
    assert result.errors == ()
    lines = body(result)
    assert (0, "机密★10年") in lines and (0, "已核对") in lines and (0, "2024-05-06") in lines
    comments = [c.text for c in result.chunks if c.location is Location.COMMENT]
    assert comments == ["此件请按机密件管理，勿外传"]
    levels = {f.level.value for f in detect(list(result.chunks), build_detectors())
              if f.kind == "marking"}
    assert "secret" in levels


def test_file_attached_by_annotation_is_recursed() -> None:
    """A marked file attached to a page as a comment (paper-clip icon) is read as a member."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(build_pdf([["请审阅附件。"]]))
    page = doc[0]
    annot = raw.FPDFPage_CreateAnnot(page.raw, raw.FPDF_ANNOT_FILEATTACHMENT)
    raw.FPDFAnnot_SetRect(annot, raw.FS_RECTF(50, 780, 70, 800))
    name = ctypes.create_string_buffer("方案.txt\x00".encode("utf-16-le"))
    attachment = raw.FPDFAnnot_AddFileAttachment(
        annot, ctypes.cast(name, ctypes.POINTER(raw.FPDF_WCHAR)))
    content = "秘密★5年\n存款利率调整方案".encode()
    raw.FPDFAttachment_SetFile(attachment, doc.raw, content, len(content))
    raw.FPDFPage_CloseAnnot(annot)
    page.close()
    out = io.BytesIO()
    doc.save(out)
    result = extract_bytes(out.getvalue(), "审阅.pdf")
    assert result.errors == ()
    assert "方案.txt" in result.members
    assert any(c.member == "方案.txt" and c.text.startswith("秘密★5年") for c in result.chunks)


def write_pdf(objects: list[str], streams: tuple[bytes, ...] | list[bytes] = ()) -> bytes:
    """A PDF file of numbered objects (dictionaries as text, then streams), with a correct
    cross-reference table; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for n, body_text in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n{body_text}\nendobj\n".encode("ascii"))
    for n, stream in enumerate(streams, start=len(objects) + 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n<< /Length {len(stream)} >>\nstream\n".encode())
        out.write(stream + b"\nendstream\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    return out.getvalue()


def _pdf_text(text: str) -> str:
    """A PDF text string in UTF-16BE with BOM, as Acrobat writes Chinese field values."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def form_pdf(fields: list[tuple[str, str]], *, with_parent: tuple[str, str] | None = None) -> bytes:
    """A hand-written one-page PDF form: AcroForm text fields ``(name, value)`` whose field and
    widget share one dictionary, plus optionally a field whose value sits on a parent dictionary
    above its widget (``/Kids``), as Acrobat stores a field shown in two places."""
    objects: list[str] = []
    widgets: list[int] = []
    field_refs: list[int] = []
    first = 4  # 1 catalog, 2 pages, 3 page
    for i, (name, value) in enumerate(fields):
        num = first + i
        widgets.append(num)
        field_refs.append(num)
        objects.append(
            f"<< /Type /Annot /Subtype /Widget /FT /Tx /T {_pdf_text(name)} /V {_pdf_text(value)}"
            f" /Rect [150 {700 - 30 * i} 400 {720 - 30 * i}] /P 3 0 R /F 4 >>"
        )
    if with_parent:
        parent, kid = first + len(objects), first + len(objects) + 1
        name, value = with_parent
        objects.append(
            f"<< /FT /Tx /T {_pdf_text(name)} /V {_pdf_text(value)} /Kids [{kid} 0 R] >>"
        )
        objects.append(
            f"<< /Type /Annot /Subtype /Widget /Parent {parent} 0 R /Rect [150 400 400 420]"
            " /P 3 0 R /F 4 >>"
        )
        widgets.append(kid)
        field_refs.append(parent)
    annots = " ".join(f"{n} 0 R" for n in widgets)
    fields_ref = " ".join(f"{n} 0 R" for n in field_refs)
    head = [
        f"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{fields_ref}] >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [{annots}] >>",
    ]
    return write_pdf([*head, *objects])


def test_filled_form_fields_are_read_with_their_chinese_names() -> None:
    """A 开户申请表 filled in Acrobat: the values live in the fields, not in the page text."""
    from secaudit.detect.registry import build_detectors, detect

    data = form_pdf(
        [("密级", "机密"), ("form1[0].客户信息[0].身份证号码[0]", "110105198503156373"),
         ("Text3", "13812345678")],
        with_parent=("备注", "客户要求\n加急办理"),
    )
    result = extract_bytes(data, "开户申请表.pdf")
    assert result.errors == ()
    lines = [t for _p, t in body(result)]
    assert lines[:3] == ["密级：机密", "身份证号码：110105198503156373", "13812345678"]
    assert lines[3:] == ["备注：客户要求", "加急办理"]
    found = detect(list(result.chunks), build_detectors())
    assert {f.type for f in found if f.kind == "info_type"} == {"cn_resident_id", "cn_mobile"}
    assert [f.level.value for f in found if f.kind == "marking"] == ["secret"]


def test_check_box_names_are_not_text() -> None:
    data = form_pdf([("同意", "x")]).replace(b"/V <FEFF0078>", b"/V /Yes /AS /Yes")
    data = data.replace(b"/FT /Tx", b"/FT /Btn")
    result = extract_bytes(data, "表.pdf")
    assert body(result) == []


XFA_TEMPLATE = """<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/">
<subform name="form1" layout="tb"><pageSet><pageArea name="Page1"/></pageSet>
<subform name="head"><draw name="mark"><value><text>机密★10年</text></value></draw>
<draw name="title"><value><exData contentType="text/html"><body xmlns="http://www.w3.org/1999/xhtml"><p>客户信息登记表</p></body></exData></value></draw></subform>
<subform name="客户信息"><field name="身份证号码">
<caption><value><text>身份证号码</text></value></caption><ui><textEdit/></ui></field>
<field name="mobile"><caption><value><text>手机</text></value></caption>
<ui><textEdit/></ui></field></subform>
</subform></template>"""
XFA_DATASETS = """<xfa:datasets xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/"><xfa:data>
<form1><客户信息><身份证号码>110105198503156373</身份证号码><mobile>13812345678</mobile></客户信息>
</form1></xfa:data></xfa:datasets>"""


def xfa_pdf(*, dynamic: bool) -> bytes:
    """A hand-written PDF carrying an XFA form (template + datasets packets), as Adobe LiveCycle
    Designer saves one; a dynamic form's only page says what a viewer without XFA shows."""
    packets = [("template", XFA_TEMPLATE.encode()), ("datasets", XFA_DATASETS.encode())]
    first_stream = 5
    xfa = " ".join(f"({n}) {first_stream + i} 0 R" for i, (n, _) in enumerate(packets))
    needs = " /NeedsRendering true" if dynamic else ""
    text = b"BT /F1 12 Tf 72 720 Td (Please wait...) Tj ET"
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R{needs} /AcroForm << /Fields [] /XFA [{xfa}] >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        " /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
        " >>",
    ]
    return write_pdf(objects, [text] + [data for _n, data in packets])


def test_dynamic_xfa_form_is_read_from_its_template_and_data() -> None:
    from secaudit.detect.registry import build_detectors, detect

    result = extract_bytes(xfa_pdf(dynamic=True), "登记表.pdf")
    assert result.errors == ()
    lines = [t for _p, t in body(result)]
    assert lines[:3] == ["机密★10年", "客户信息登记表", "身份证号码"]
    assert "身份证号码：110105198503156373" in lines and "13812345678" in lines
    found = detect(list(result.chunks), build_detectors())
    assert [f.level.value for f in found if f.kind == "marking"] == ["secret"]
    assert {f.type for f in found if f.kind == "info_type"} == {"cn_resident_id", "cn_mobile"}


def test_static_xfa_form_adds_its_values_after_the_drawn_pages() -> None:
    result = extract_bytes(xfa_pdf(dynamic=False), "登记表.pdf")
    lines = [t for _p, t in body(result)]
    assert "机密★10年" not in lines  # a static form draws its boilerplate on the page itself
    assert lines[-2:] == ["身份证号码：110105198503156373", "13812345678"]
