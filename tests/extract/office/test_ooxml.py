"""OOXML extraction on documents built here (python-docx, openpyxl, python-pptx, raw XML)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pptx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from secaudit.extract.registry import extract_bytes
from secaudit.limits import Limits
from secaudit.model import ErrorReason, Location

PUBLIC = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples" / "public"

CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="密级">'
    "<vt:lpwstr>机密</vt:lpwstr></property>"
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="保密期限">'
    "<vt:lpwstr>10年</vt:lpwstr></property></Properties>"
)
VML = 'xmlns:v="urn:schemas-microsoft-com:vml" style="width:100pt;height:50pt"'
TEXTBOX_RUN = (
    "<w:r {}><w:pict><v:shape " + VML + "><v:textbox>"
    "<w:txbxContent><w:p><w:r><w:t>文本框里的秘密★5年</w:t></w:r></w:p></w:txbxContent>"
    "</v:textbox></v:shape></w:pict></w:r>"
)
WATERMARK_RUN = (
    "<w:r {}><w:pict><v:shape " + VML + ">"
    '<v:textpath style="font-family:SimSun" string="绝密"/></v:shape></w:pict></w:r>'
)


def add_custom_properties(data: bytes) -> bytes:
    """Rewrite a package adding docProps/custom.xml (python-docx/openpyxl cannot write it)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            dst.writestr(item, body)
        dst.writestr("docProps/custom.xml", CUSTOM_XML.encode("utf-8"))
    return out.getvalue()


def build_docx(embed: bytes | None = None) -> bytes:
    document = docx.Document()
    first = document.add_paragraph()
    for piece in ("机", "密★", "10年"):
        first.add_run(piece).font.size = Pt(16)
    document.add_paragraph("关于2024年信贷计划的通知")
    document.add_paragraph("")  # empty paragraphs do not count
    document.add_paragraph("本文讨论保守国家秘密的要求。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "客户名称"
    table.cell(0, 1).text = "张三"
    table.cell(1, 0).paragraphs[0].add_run("核心")
    table.cell(1, 0).paragraphs[0].add_run("商密")
    box_paragraph = document.add_paragraph("正文尾")
    box_paragraph._p.append(parse_xml(TEXTBOX_RUN.format(nsdecls("w"))))
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：内部资料"
    section.header.paragraphs[0]._p.append(
        parse_xml(WATERMARK_RUN.format(nsdecls("w")))
    )
    section.footer.paragraphs[0].text = "页脚：普通商密"
    document.add_comment(first.runs, text="批注：请核定密级", author="审核人")
    core = document.core_properties
    core.title, core.subject, core.keywords = "信贷计划", "年度计划", "机密;信贷"
    core.category, core.comments = "计划类", "仅供内部"
    buf = io.BytesIO()
    document.save(buf)
    data = add_custom_properties(buf.getvalue())
    if embed is not None:
        data = add_part(data, "word/embeddings/Microsoft_Excel_Worksheet.xlsx", embed)
    return data


def add_part(data: bytes, name: str, body: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(name, body)
    return out.getvalue()


def build_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "机密-客户名单"
    sheet.append(["姓名", "证件号码", "卡号"])
    sheet.append(["张三", "11010519491231002X", 6222021234567890])
    sheet["A5"] = "合计"
    sheet["B5"] = 2
    sheet.oddHeader.center.text = "内部资料"
    sheet.oddFooter.right.text = "第&P页"
    other = book.create_sheet("汇总")
    other["C1"] = "核心商密★5年"
    other["A2"] = True
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def by_location(result, location: Location) -> list:
    return [c for c in result.chunks if c.location is location and c.member is None]


def test_docx_paragraphs_tables_boxes_headers_comments_properties() -> None:
    result = extract_bytes(build_docx(), "通知.docx")
    assert result.format == "docx"
    assert result.errors == ()
    body = by_location(result, Location.BODY)
    assert [c.text for c in body] == [
        "机密★10年", "关于2024年信贷计划的通知", "本文讨论保守国家秘密的要求。",
        "客户名称\t张三", "客户名称", "张三", "核心商密", "正文尾", "文本框里的秘密★5年",
    ]  # a table row: its row line (tab-separated, for column headers), then each cell
    assert [c.index for c in body] == list(range(9))
    assert all(c.standalone for c in body)
    assert [c.text for c in by_location(result, Location.HEADER)] == ["页眉：内部资料", "绝密"]
    assert [c.text for c in by_location(result, Location.FOOTER)] == ["页脚：普通商密"]
    assert [c.text for c in by_location(result, Location.COMMENT)] == ["批注：请核定密级"]
    props = {c.key: c.text for c in by_location(result, Location.PROPERTY)}
    assert props == {
        "title": "信贷计划", "subject": "年度计划", "keywords": "机密;信贷",
        "category": "计划类", "description": "仅供内部", "密级": "机密", "保密期限": "10年",
    }


def test_xlsx_sheet_names_rows_headers() -> None:
    result = extract_bytes(build_xlsx(), "名单.xlsx")
    assert result.format == "xlsx"
    assert result.errors == ()
    names = by_location(result, Location.SHEET_NAME)
    assert [(c.text, c.index) for c in names] == [("机密-客户名单", 0), ("汇总", 1)]
    rows = [(c.key, c.index, c.text) for c in by_location(result, Location.BODY)]
    assert rows == [
        ("机密-客户名单", 0, "姓名\t证件号码\t卡号"),
        ("机密-客户名单", 1, "张三\t11010519491231002X\t6222021234567890"),
        ("机密-客户名单", 4, "合计\t2"),
        ("汇总", 0, "\t\t核心商密★5年"),  # column C: cells keep their columns
        ("汇总", 1, "TRUE"),
    ]
    assert [c.text for c in by_location(result, Location.HEADER)] == ["内部资料"]
    assert [c.text for c in by_location(result, Location.FOOTER)] == ["第 页"]


def test_xlsx_inline_strings_and_exponent_numbers() -> None:
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="3"><c r="A3" t="inlineStr"><is><r><t>机</t></r><r><t>密</t></r></is></c>'
        '<c r="B3"><v>1.10105194912310E+17</v></c><c r="C3" t="str"><v>公式结果</v></c></row>'
        "</sheetData></worksheet>"
    )
    data = minimal_xlsx(sheet)
    result = extract_bytes(data, "inline.xlsx")
    rows = by_location(result, Location.BODY)
    assert [(c.index, c.text) for c in rows] == [(2, "机密\t110105194912310000\t公式结果")]


def minimal_xlsx(sheet_xml: str) -> bytes:
    out = io.BytesIO()
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="r1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{rel}"><sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def test_xlsx_damaged_sheet_keeps_rows_before_damage() -> None:
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c t="inlineStr"><is><t>第一行</t></is></c></row>'
        '<row r="2"><c t="inlineStr"><is><t>断'
    )
    result = extract_bytes(minimal_xlsx(sheet), "broken.xlsx")
    assert [c.text for c in by_location(result, Location.BODY)] == ["第一行"]
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]


def test_pptx_slides_in_order_footer_notes() -> None:
    deck = pptx.Presentation()
    layout = deck.slide_layouts[1]
    for title, body in (("机密★长期", "第一页要点"), ("第二页", "客户名单")):
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = title
        frame = slide.placeholders[1].text_frame
        frame.text = body
        frame.add_paragraph().text = "补充说明"
    deck.slides[1].notes_slide.notes_text_frame.text = "演讲备注：内部"
    rows = deck.slides[1].shapes.add_table(1, 2, 0, 0, 100, 100).table
    rows.cell(0, 0).text, rows.cell(0, 1).text = "单元格甲", "单元格乙"
    deck.core_properties.title = "汇报"
    buf = io.BytesIO()
    deck.save(buf)
    result = extract_bytes(buf.getvalue(), "汇报.pptx")
    assert result.format == "pptx"
    assert result.errors == ()
    body = [(c.index, c.text) for c in by_location(result, Location.BODY)]
    assert body == [
        (0, "机密★长期"), (0, "第一页要点"), (0, "补充说明"),
        (1, "第二页"), (1, "客户名单"), (1, "补充说明"),
        (1, "单元格甲\t单元格乙"), (1, "单元格甲"), (1, "单元格乙"),  # a row line, then its cells
    ]
    assert [(c.index, c.text) for c in by_location(result, Location.COMMENT)] == [
        (1, "演讲备注：内部")
    ]
    props = {c.key: c.text for c in by_location(result, Location.PROPERTY)}
    assert props == {"title": "汇报", "description": "generated using python-pptx"}


def test_embedded_workbook_is_recursed() -> None:
    result = extract_bytes(build_docx(embed=build_xlsx()), "带附件.docx")
    member = "word/embeddings/Microsoft_Excel_Worksheet.xlsx"
    assert member in result.members
    assert result.member_formats[member] == "xlsx"
    inner = [c.text for c in result.chunks if c.member == member and c.location is Location.BODY]
    assert "\t\t核心商密★5年" in inner  # column C keeps its place


def test_zip_bomb_part_is_refused_without_reading_it() -> None:
    filler = "<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 200_000  # ~7 MB, compresses > 200:1
    data = add_part(build_docx(), "word/footnotes.xml", f"<w:footnotes>{filler}</w:footnotes>"
                    .encode())
    result = extract_bytes(data, "bomb.docx", limits=Limits(max_ratio=50))
    assert any(e.reason is ErrorReason.LIMIT and "ratio" in e.detail for e in result.errors)
    assert "机密★10年" in [c.text for c in result.chunks]


def test_oversized_part_is_too_large() -> None:
    result = extract_bytes(build_docx(), "x.docx", limits=Limits(max_member_size=2000))
    assert any(e.reason is ErrorReason.TOO_LARGE for e in result.errors)


def test_entities_are_not_resolved() -> None:
    evil = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>A&x;B</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", evil)
    result = extract_bytes(out.getvalue(), "evil.docx")
    texts = [c.text for c in result.chunks if c.location is Location.BODY]
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    assert texts == ["A&x;B"]  # the reference is left as written, never resolved
    assert not hostname or all(hostname not in t for t in texts)


def test_not_a_zip_is_corrupt() -> None:
    result = extract_bytes(b"PK\x03\x04 truncated garbage", "x.docx")
    assert result.errors and result.errors[0].reason is ErrorReason.CORRUPT


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hdr-header-footer.docx", {"header": "Header for section-1",
                                    "footer": "Footer for section 1"}),
        ("doc-coreprops.docx", {"property": "key; word; keyword"}),
        ("test.pptx", {"body": "Presentation Title Text"}),
        ("Book1.xlsx", {"sheet_name": "Sheet2", "body": "Monitor\t\tBrand\t\tinlineStr"}),
        ("shp-embedded-xlsx.xlsx", {"sheet_name": "Sheet1"}),
    ],
)
def test_public_samples(name: str, expected: dict[str, str]) -> None:
    result = extract_bytes((PUBLIC / name).read_bytes(), name)
    assert result.errors == ()
    for location, text in expected.items():
        assert text in [c.text for c in result.chunks if c.location.value == location]


def test_public_table_only_and_empty_workbook_samples_read_without_error() -> None:
    for name in ("tbl-having-tables.docx", "BadWorkbook.xlsx", "sty-having-no-styles-part.docx"):
        result = extract_bytes((PUBLIC / name).read_bytes(), name)
        assert result.errors == (), name
        assert result.format in ("docx", "xlsx")


def test_footnotes_continue_the_body_after_the_main_text() -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    notes = (f"<w:footnotes {w}><w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r>"
             "<w:separator/></w:r></w:p></w:footnote><w:footnote w:id=\"1\"><w:p><w:r>"
             "<w:t>脚注：依据内部</w:t></w:r><w:r><w:t>文件</w:t></w:r></w:p></w:footnote>"
             "</w:footnotes>")
    data = add_part(build_docx(), "word/footnotes.xml", notes.encode())
    result = extract_bytes(data, "notes.docx")
    body = by_location(result, Location.BODY)
    assert body[-1].text == "脚注：依据内部文件"
    assert body[-1].index == len(body) - 1


def test_text_box_on_the_slide_master_is_read_as_a_header() -> None:
    """A bank template puts 内部资料 on the slide master: it prints on every slide."""
    import copy

    from pptx import Presentation
    from pptx.util import Cm

    from secaudit.detect.registry import build_detectors, detect

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "年度工作总结"
    box = slide.shapes.add_textbox(Cm(1), Cm(0.5), Cm(8), Cm(1))
    box.text_frame.text = "内部资料 注意保存"
    prs.slide_master.shapes._spTree.append(copy.deepcopy(box._element))  # noqa: SLF001
    box._element.getparent().remove(box._element)  # noqa: SLF001 - only on the master now
    out = io.BytesIO()
    prs.save(out)
    result = extract_bytes(out.getvalue(), "总结.pptx")
    texts = [(c.location, c.text) for c in result.chunks]
    assert (Location.HEADER, "内部资料 注意保存") in texts
    assert not any("Master" in t for _loc, t in texts)  # the masters' placeholder prompts
    marks = [f for f in detect(list(result.chunks), build_detectors()) if f.kind == "marking"]
    assert [(f.location, f.level.value) for f in marks] == [(Location.HEADER, "internal")]
