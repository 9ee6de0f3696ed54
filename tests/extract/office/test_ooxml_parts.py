"""OOXML side parts: shapes on sheets, SmartArt, charts and Word's alternative-format chunks."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pptx
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from secaudit.detect.registry import build_detectors, detect
from secaudit.detect.vocabulary import Vocabulary
from secaudit.extract.registry import extract_bytes
from secaudit.model import Location

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
AF_CHUNK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk"


def rewrite(data: bytes, extra: dict[str, bytes], edit: dict[str, bytes] | None = None) -> bytes:
    """The package with parts added (``extra``) and replaced (``edit``)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = (edit or {}).get(item.filename, src.read(item.filename))
            dst.writestr(item, body)
        for name, body in extra.items():
            dst.writestr(name, body)
    return out.getvalue()


def shape(text_lines: list[str], shape_id: int) -> str:
    paras = "".join(f"<a:p><a:r><a:t>{t}</a:t></a:r></a:p>" for t in text_lines)
    return (
        '<xdr:twoCellAnchor><xdr:from><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff>'
        "<xdr:row>0</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>8</xdr:col>"
        "<xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        f'<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="{shape_id}" name="文本框"/>'
        '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr/>'
        f"<xdr:txBody><a:bodyPr/><a:lstStyle/>{paras}</xdr:txBody></xdr:sp>"
        "<xdr:clientData/></xdr:twoCellAnchor>"
    )


def xlsx_with_text_box(*boxes: list[str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户名单"
    sheet.append(["姓名", "开户行", "余额"])
    sheet.append(["张三", "城关支行", 1200])
    buf = io.BytesIO()
    book.save(buf)
    return add_text_boxes(buf.getvalue(), *boxes)


def add_text_boxes(xlsx: bytes, *boxes: list[str]) -> bytes:
    """``xlsx`` with a drawing of text boxes over its first sheet (openpyxl cannot write one);
    the sheet's relationships (a comment's, say) are kept."""
    drawing = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xdr:wsDr xmlns:xdr="{XDR}" '
        f'xmlns:a="{A}">' + "".join(shape(b, i + 2) for i, b in enumerate(boxes)) + "</xdr:wsDr>"
    )
    link = (
        '<Relationship Id="rIdBox" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/drawing" Target="../drawings/drawing1.xml"/>'
    )
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    rels_name = "xl/worksheets/_rels/sheet1.xml.rels"
    if rels_name in src.namelist():
        rels = src.read(rels_name).replace(b"</Relationships>", link.encode() + b"</Relationships>")
    else:
        rels = (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxml'
            f'formats.org/package/2006/relationships">{link}</Relationships>'
        ).encode()
    sheet_xml = src.read("xl/worksheets/sheet1.xml").replace(
        b"</worksheet>", f'<drawing xmlns:r="{R}" r:id="rIdBox"/></worksheet>'.encode()
    )
    types = src.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    )
    edits = {"xl/worksheets/sheet1.xml": sheet_xml, "[Content_Types].xml": types}
    extra = {"xl/drawings/drawing1.xml": drawing.encode()}
    if rels_name in src.namelist():
        edits[rels_name] = rels
    else:
        extra[rels_name] = rels
    return rewrite(xlsx, extra, edits)


def marks(data: bytes, name: str) -> list[tuple[str, str | None]]:
    result = extract_bytes(data, name)
    found = detect(result.chunks, build_detectors(Vocabulary.default()))
    return sorted((f.level.value, f.member) for f in found if f.kind == "marking" and f.level)


def test_text_box_over_a_sheet_is_read_and_marks_the_workbook() -> None:
    data = xlsx_with_text_box(["内部资料", "注意保存"], ["制表：城关支行"])
    result = extract_bytes(data, "客户名单.xlsx")
    boxes = [c.text for c in result.chunks if c.location is Location.BODY and c.key is None]
    assert boxes == ["内部资料\n注意保存", "制表：城关支行"]
    assert marks(data, "客户名单.xlsx") == [("internal", None)]


def test_a_sheet_without_shapes_gains_no_chunk() -> None:
    assert marks(xlsx_with_text_box(["制表：城关支行"]), "a.xlsx") == []


def test_smartart_node_text_is_read() -> None:
    data_part = (
        f'<?xml version="1.0" encoding="UTF-8"?><dgm:dataModel xmlns:dgm="{DGM}" xmlns:a="{A}">'
        '<dgm:ptLst><dgm:pt modelId="{0}" type="doc"><dgm:t><a:bodyPr/><a:p/></dgm:t></dgm:pt>'
        '<dgm:pt modelId="{1}"><dgm:t><a:bodyPr/><a:p><a:r><a:t>客户经理</a:t></a:r></a:p>'
        '</dgm:t></dgm:pt><dgm:pt modelId="{2}"><dgm:t><a:bodyPr/><a:p><a:r><a:t>联系电话 '
        "13812345678</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>"
    )
    document = docx.Document()
    document.add_paragraph("组织架构")
    buf = io.BytesIO()
    document.save(buf)
    data = rewrite(buf.getvalue(), {"word/diagrams/data1.xml": data_part.encode()})
    texts = [c.text for c in extract_bytes(data, "架构.docx").chunks]
    assert "客户经理" in texts and "联系电话 13812345678" in texts
    found = detect(extract_bytes(data, "架构.docx").chunks, build_detectors(Vocabulary.default()))
    assert [f.type for f in found if f.kind == "info_type"] == ["cn_mobile"]


def test_chart_title_and_cached_categories_are_read() -> None:
    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    chart_data = CategoryChartData()
    chart_data.categories = ["城关支行", "新区支行"]
    chart_data.add_series("存款余额", (120.0, 80.0))
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(6), Inches(4), chart_data
    )
    frame.chart.has_title = True
    frame.chart.chart_title.text_frame.text = "各支行存款（内部资料）"
    buf = io.BytesIO()
    deck.save(buf)
    result = extract_bytes(buf.getvalue(), "汇报.pptx")
    charts = [c.text for c in result.chunks if "存款余额" in c.text and c.member is None]
    assert len(charts) == 1
    assert charts[0].splitlines()[0] == "各支行存款（内部资料）"
    assert {"城关支行", "新区支行"} <= set(charts[0].splitlines())


def _docx_with_alt_chunk(name: str, body: bytes, content_type: str) -> bytes:
    document = docx.Document()
    document.add_paragraph("以下为系统导出内容：")
    buf = io.BytesIO()
    document.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    doc_xml = src.read("word/document.xml").replace(
        b"<w:sectPr", f'<w:altChunk xmlns:r="{R}" r:id="rIdAlt1"/><w:sectPr'.encode(), 1
    )
    rels = src.read("word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        f'<Relationship Id="rIdAlt1" Type="{AF_CHUNK}" Target="{name}"/></Relationships>'.encode(),
    )
    ext = name.rsplit(".", 1)[-1]
    types = src.read("[Content_Types].xml").replace(
        b"</Types>", f'<Default Extension="{ext}" ContentType="{content_type}"/></Types>'.encode()
    )
    return rewrite(
        buf.getvalue(),
        {f"word/{name}": body},
        {
            "word/document.xml": doc_xml,
            "word/_rels/document.xml.rels": rels,
            "[Content_Types].xml": types,
        },
    )


def test_alt_chunk_html_is_read_as_a_member() -> None:
    html = (
        "<html><head><meta charset='gb2312'></head><body><p>秘密★5年</p>"
        "<p>关于调整授信额度的请示</p></body></html>"
    ).encode("gb2312")
    data = _docx_with_alt_chunk("afchunk.htm", html, "text/html")
    result = extract_bytes(data, "请示.docx")
    assert "word/afchunk.htm" in result.members
    assert any(c.text == "秘密★5年" and c.member == "word/afchunk.htm" for c in result.chunks)
    assert marks(data, "请示.docx") == [("confidential", "word/afchunk.htm")]


def test_alt_chunk_whose_part_is_missing_is_no_error() -> None:
    data = _docx_with_alt_chunk("afchunk.htm", b"", "text/html")
    pruned = io.BytesIO()
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(pruned, "w") as dst:
        for item in src.infolist():
            if item.filename != "word/afchunk.htm":
                dst.writestr(item, src.read(item.filename))
    result = extract_bytes(pruned.getvalue(), "请示.docx")
    assert result.errors == ()
    assert any(c.text == "以下为系统导出内容：" for c in result.chunks)
