"""Real-format document builders for the layout tests of issue 17 (``test_layout_marks.py``).

Each builder writes a real file (python-docx, python-pptx, openpyxl, reportlab, hand-written RTF,
HTML, Markdown) and returns the chunks the real extractor reads from it, so a test exercises the
whole extract → detect path. Numbers are generated with valid check digits, never real.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from secaudit.extract.registry import extract_bytes
from secaudit.model import TextChunk

FILLER = [
    "关于做好2024年度信贷资产质量管理工作的通知",
    "各支行、总行各部室：",
    "为进一步加强信贷资产质量管理，防范化解信用风险，现就有关事项通知如下。",
    "一、强化贷后管理，按季开展风险排查。",
    "二、严格五级分类，真实反映资产质量。",
    "三、落实责任追究，对违规发放贷款的严肃问责。",
]


def extracted(data: bytes, name: str) -> list[TextChunk]:
    return list(extract_bytes(data, name).chunks)


def docx_with_table(
    rows: Sequence[Sequence[str]],
    *,
    before: Sequence[str] = (),
    after: Sequence[str] = FILLER,
    name: str = "方案.docx",
) -> list[TextChunk]:
    """A Word document: paragraphs ``before``, a table of ``rows``, paragraphs ``after``."""
    import docx as python_docx

    doc = python_docx.Document()
    for line in before:
        doc.add_paragraph(line)
    table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for line in after:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return extracted(buf.getvalue(), name)


def docx_lines(lines: Sequence[str], name: str = "文档.docx") -> list[TextChunk]:
    import docx as python_docx

    doc = python_docx.Document()
    for line in lines:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return extracted(buf.getvalue(), name)


def pptx_with_table(
    rows: Sequence[Sequence[str]], title: str = "2024年经营汇报"
) -> list[TextChunk]:
    from pptx import Presentation
    from pptx.util import Cm

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.shapes.add_textbox(Cm(2), Cm(1), Cm(20), Cm(2)).text_frame.text = title
    shape = slide.shapes.add_table(len(rows), len(rows[0]), Cm(2), Cm(4), Cm(20), Cm(6))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            shape.table.cell(r, c).text = value
    buf = io.BytesIO()
    prs.save(buf)
    return extracted(buf.getvalue(), "汇报.pptx")


def pptx_with_footer(footer: str, slides: int = 3) -> list[TextChunk]:
    """Slides whose footer text box (bottom of every slide) holds ``footer``."""
    from pptx import Presentation
    from pptx.util import Cm

    prs = Presentation()
    for n in range(slides):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        box = slide.shapes.add_textbox(Cm(2), Cm(1), Cm(20), Cm(2))
        box.text_frame.text = f"第{n + 1}部分 {FILLER[n % len(FILLER)]}"
        slide.shapes.add_textbox(Cm(2), Cm(17.5), Cm(20), Cm(1)).text_frame.text = footer
    buf = io.BytesIO()
    prs.save(buf)
    return extracted(buf.getvalue(), "培训.pptx")


def xlsx_sheets(sheets: dict[str, Sequence[Sequence[object]]]) -> list[TextChunk]:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return extracted(buf.getvalue(), "台账.xlsx")


def pdf_pages(
    pages: Sequence[Sequence[tuple[str, float, float]]], name: str = "报告.pdf"
) -> list[TextChunk]:
    """A4 pages with strings at ``(x_mm, y_mm from the top)`` in STSong-Light."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for placed in pages:
        c.setFont("STSong-Light", 12)
        for text, x, y in placed:
            c.drawString(x * mm, A4[1] - y * mm, text)
        c.showPage()
    c.save()
    return extracted(buf.getvalue(), name)


def pdf_body(n: int) -> list[tuple[str, float, float]]:
    """Body lines of page ``n`` (different on every page)."""
    return [(f"{FILLER[(n + k) % len(FILLER)]}（第{n + 1}页）", 25, 40 + 10 * k) for k in range(4)]


def pdf_with_running(text: str, *, foot: bool = True, pages: int = 3) -> list[TextChunk]:
    """Pages whose head or foot repeats ``text`` at the same place, with a page number."""
    y = 285 if foot else 12
    number_y = 292 if foot else 20
    return pdf_pages(
        [[*pdf_body(n), (text, 90, y), (f"- {n + 1} -", 100, number_y)] for n in range(pages)]
    )


def rtf(body: Sequence[str], *, header: str = "", footer: str = "") -> list[TextChunk]:
    """A hand-written RTF document (\\ansicpg936, GBK bytes) with optional header/footer."""

    def enc(text: str) -> str:
        return "".join(
            ch if ord(ch) < 128 else "".join(f"\\'{b:02x}" for b in ch.encode("gbk"))
            for ch in text
        )

    parts = ["{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fcharset134 SimSun;}}"]
    if header:
        parts.append("{\\header\\pard\\qr\\f0 " + enc(header) + "\\par}")
    if footer:
        parts.append("{\\footer\\pard\\qc\\f0 " + enc(footer) + "\\par}")
    parts.extend("\\pard\\f0 " + enc(line) + "\\par" for line in body)
    parts.append("}")
    return extracted("\n".join(parts).encode("ascii"), "通知.rtf")


def html(body: Sequence[str], *, footer: str = "", header: str = "") -> list[TextChunk]:
    head = f"<header><p>{header}</p></header>" if header else ""
    foot = f"<footer><p>{footer}</p></footer>" if footer else ""
    paras = "".join(f"<p>{line}</p>" for line in body)
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知</title></head>'
        f"<body>{head}<main>{paras}</main>{foot}</body></html>"
    )
    return extracted(page.encode("utf-8"), "通知.html")


def markdown(text: str) -> list[TextChunk]:
    return extracted(text.encode("utf-8"), "纪要.md")


def odt_with_table(rows: Sequence[Sequence[str]], before: Sequence[str] = ()) -> list[TextChunk]:
    """A hand-made OpenDocument text (as LibreOffice/Yozo write it) with one table."""
    from tests.extract.office.test_odf import package

    def p(text: str) -> str:
        return f"<text:p>{text}</text:p>"

    cells = "".join(
        "<table:table-row>"
        + "".join(f"<table:table-cell>{p(v)}</table:table-cell>" for v in row)
        + "</table:table-row>"
        for row in rows
    )
    body = (
        "<office:text>" + "".join(p(t) for t in before)
        + f'<table:table table:name="表1">{cells}</table:table>'
        + "".join(p(t) for t in FILLER) + "</office:text>"
    )
    return extracted(package("text", body), "方案.odt")


def ofd_with_running(text: str, pages: int = 3, *, foot: bool = True) -> list[TextChunk]:
    """A hand-made OFD whose pages each draw ``text`` at the same place (no template)."""
    import zipfile

    from tests.extract.pdf.test_ofd import NS, page, text_object, xml

    y = 280 if foot else 8
    page_xml = {
        f"Doc_0/Pages/Page_{n}/Content.xml": page(
            "".join(text_object(10 * n + k, 20, 30 + 12 * k, f"{line}（第{n + 1}页）")
                    for k, line in enumerate(FILLER[n % 3 : n % 3 + 3]))
            + text_object(10 * n + 9, 60, y, text)
        )
        for n in range(pages)
    }
    refs = "".join(
        f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(pages)
    )
    parts = {
        "OFD.xml": f'<ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
        "<ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "</ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f"<ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>99"
        f"</ofd:MaxUnitID></ofd:CommonData><ofd:Pages>{refs}</ofd:Pages></ofd:Document>",
        **page_xml,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, xml(body, True).encode("utf-8"))
    return extracted(buf.getvalue(), "通知.ofd")
