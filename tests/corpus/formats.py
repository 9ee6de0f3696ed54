"""Writers that build real files of every format the extractors read, from a small document spec.

A :class:`Doc` says what text stands where (lines of the body, header/footer, a table, a text box,
properties); each ``write_*`` renders it with the library a real producer would use (python-docx,
openpyxl, python-pptx, reportlab with the CID font STSong-Light), or by hand where no library
exists (OFD zip, RTF, e-mail via the stdlib). ``render(doc, fmt)`` returns the file's bytes.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from dataclasses import dataclass, field
from email.header import Header
from email.message import EmailMessage
from xml.sax.saxutils import escape

FORMATS = ("txt", "txt_gbk", "txt_utf16", "docx", "xlsx", "pptx", "pdf", "ofd", "rtf", "html")


@dataclass
class Doc:
    """What a generated document says, and where."""

    lines: list[str] = field(default_factory=list)
    header: str = ""
    footer: str = ""
    table: list[list[str]] = field(default_factory=list)
    textbox: str = ""
    split_first: bool = False
    """docx: write the first line as three runs (``机`` ``密★`` ``10年``)."""
    props: dict[str, str] = field(default_factory=dict)
    """Custom properties (docx/xlsx/ofd)."""
    core: dict[str, str] = field(default_factory=dict)
    """Core properties: title, subject, keywords, category."""
    sheet_name: str = "Sheet1"
    table_first: bool = False
    """The table stands before the paragraphs (a heading table)."""


def render(doc: Doc, fmt: str) -> bytes:
    return _WRITERS[fmt](doc)


def _all_lines(doc: Doc) -> list[str]:
    rows = ["\t".join(r) for r in doc.table]
    return [*rows, *doc.lines] if doc.table_first else [*doc.lines, *rows]


def write_txt(doc: Doc, encoding: str = "utf-8") -> bytes:
    text = "\n".join(_all_lines(doc)) + "\n"
    if encoding == "utf-16":
        return text.encode("utf-16")  # with BOM
    return text.encode(encoding)


def write_docx(doc: Doc) -> bytes:
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    if doc.table_first:
        _docx_table(d, doc.table)
    for i, line in enumerate(doc.lines):
        p = d.add_paragraph()
        if i == 0 and doc.split_first and len(line) >= 4:
            for part in (line[:1], line[1:3], line[3:]):
                p.add_run(part)
        else:
            p.add_run(line)
        if i == 1 and doc.textbox:
            p._p.append(parse_xml(_TEXTBOX.format(text=escape(doc.textbox))))
    if doc.table and not doc.table_first:
        _docx_table(d, doc.table)
    sec = d.sections[0]
    if doc.header:
        sec.header.paragraphs[0].text = doc.header
    if doc.footer:
        sec.footer.paragraphs[0].text = doc.footer
    for k, v in doc.core.items():
        setattr(d.core_properties, k, v)
    buf = io.BytesIO()
    d.save(buf)
    return add_custom_props(buf.getvalue(), doc.props) if doc.props else buf.getvalue()


def _docx_table(d: object, table: list[list[str]]) -> None:
    t = d.add_table(rows=len(table), cols=max(len(r) for r in table))  # type: ignore[attr-defined]
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            t.cell(r, c).text = value


_TEXTBOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="position:absolute;'
    'margin-left:380pt;margin-top:-60pt;width:100pt;height:24pt"><v:textbox><w:txbxContent>'
    "<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
)
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def add_custom_props(ooxml: bytes, props: dict[str, str]) -> bytes:
    """Add ``docProps/custom.xml`` (content type + package relationship) to an OOXML zip."""
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{i + 2}" name="{escape(k)}">'
        f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>"
        for i, (k, v) in enumerate(props.items())
    )
    custom = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{items}</Properties>'
    )
    src = zipfile.ZipFile(io.BytesIO(ooxml))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>',
                )
            elif info.filename == "_rels/.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCustom1" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>',
                )
            dst.writestr(info.filename, data)
        dst.writestr("docProps/custom.xml", custom.encode())
    return out.getvalue()


def write_xlsx(doc: Doc) -> bytes:
    import openpyxl
    from openpyxl.packaging.custom import StringProperty

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = doc.sheet_name
    for row in [[line] for line in doc.lines] if not doc.table_first else []:
        ws.append(row)
    for row in doc.table:
        ws.append(row)
    for row in [[line] for line in doc.lines] if doc.table_first else []:
        ws.append(row)
    if doc.header:
        ws.oddHeader.center.text = doc.header
    if doc.footer:
        ws.oddFooter.center.text = doc.footer
    for k, v in doc.props.items():
        wb.custom_doc_props.append(StringProperty(name=k, value=v))
    for k, v in doc.core.items():
        setattr(wb.properties, k, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_pptx(doc: Doc) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches, Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    if doc.textbox:
        box = slide.shapes.add_textbox(Inches(7.5), Inches(0.2), Inches(2), Inches(0.5))
        box.text_frame.text = doc.textbox
    body = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(6))
    tf = body.text_frame
    for i, line in enumerate(_all_lines(doc)):
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.text = line
        para.font.size = Pt(12)
    for k, v in doc.core.items():
        setattr(prs.core_properties, k, v)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def write_pdf(doc: Doc) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for k, v in doc.core.items():
        getattr(c, f"set{k.capitalize()}", lambda _v: None)(v)
    lines = _all_lines(doc)
    for page_start in range(0, max(len(lines), 1), 40):
        c.setFont("STSong-Light", 11)
        y = 800
        for line in lines[page_start : page_start + 40]:
            c.drawString(60, y, line.replace("\t", "    "))
            y -= 19
        c.showPage()
    c.save()
    return buf.getvalue()


_OFD_NS = "http://www.ofdspec.org/2016"


def write_ofd(doc: Doc) -> bytes:
    custom = "".join(
        f'<ofd:CustomData Name="{escape(k)}">{escape(v)}</ofd:CustomData>'
        for k, v in doc.props.items()
    )
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" '
        f'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>a1b2c3</ofd:DocID>'
        f"<ofd:Title>{escape(doc.core.get('title', ''))}</ofd:Title>"
        f"{'<ofd:CustomDatas>' + custom + '</ofd:CustomDatas>' if custom else ''}"
        f"</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}">'
        f"<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>"
        f"<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
        f'<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
        f"</ofd:Document>"
    )
    objs = "".join(
        f'<ofd:TextObject ID="{i + 10}" Boundary="20 {20 + i * 8} 170 8" Font="3" Size="4">'
        f'<ofd:TextCode X="0" Y="6">{escape(line)}</ofd:TextCode></ofd:TextObject>'
        for i, line in enumerate(_all_lines(doc))
    )
    page = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content>'
        f'<ofd:Layer ID="2">{objs}</ofd:Layer></ofd:Content></ofd:Page>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", ofd_xml)
        z.writestr("Doc_0/Document.xml", document)
        z.writestr("Doc_0/Pages/Page_0/Content.xml", page)
    return buf.getvalue()


def write_rtf(doc: Doc) -> bytes:
    def enc(s: str) -> str:
        return "".join(
            c if ord(c) < 128 else f"\\u{ord(c) if ord(c) < 32768 else ord(c) - 65536}?"
            for c in s.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
        )

    body = "\\par\n".join(enc(line) for line in _all_lines(doc))
    return (
        "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0 SimSun;}}\\f0 " + body + "\\par}"
    ).encode()


def write_html(doc: Doc, charset: str = "utf-8") -> bytes:
    paras = "".join(f"<p>{escape(line)}</p>" for line in doc.lines)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in doc.table
    )
    table = f"<table>{rows}</table>" if rows else ""
    title = escape(doc.core.get("title", "文档"))
    html = (
        f'<html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body>{paras}{table}</body></html>"
    )
    return html.encode("gbk" if charset == "gbk" else "utf-8")


def write_eml(
    subject: str, body: str, attachments: list[tuple[str, bytes]], charset: str = "utf-8"
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "zhangsan@bank.example"
    msg["To"] = "lisi@bank.example"
    msg["Subject"] = Header(subject, charset).encode() if charset != "utf-8" else subject
    msg.set_content(body, charset=charset if charset != "utf-8" else "utf-8")
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


def write_zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def write_targz(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


_WRITERS = {
    "txt": write_txt,
    "txt_gbk": lambda d: write_txt(d, "gbk"),
    "txt_utf16": lambda d: write_txt(d, "utf-16"),
    "docx": write_docx,
    "xlsx": write_xlsx,
    "pptx": write_pptx,
    "pdf": write_pdf,
    "ofd": write_ofd,
    "rtf": write_rtf,
    "html": write_html,
}
EXTENSION = {"txt_gbk": "txt", "txt_utf16": "txt"}
