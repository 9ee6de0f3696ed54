"""OFD extraction on hand-made packages (with and without namespace) and on real samples."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from secaudit.extract.registry import extract_bytes
from secaudit.model import ErrorReason, Location

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"
NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def tag(name: str, ns: bool) -> str:
    return f"ofd:{name}" if ns else name


def xml(body: str, ns: bool) -> str:
    """Write ``<ofd:X>`` markup; without ``ns`` the prefix and declaration are dropped."""
    if not ns:
        body = body.replace("ofd:", "").replace(" " + NS, "")
    return '<?xml version="1.0" encoding="UTF-8"?>' + body


def text_object(oid: int, x: float, y: float, text: str, size: float = 5.0) -> str:
    return (f'<ofd:TextObject ID="{oid}" Boundary="{x} {y} 150 10" Font="9" Size="{size}">'
            f'<ofd:TextCode X="0" Y="{size}" DeltaX="g {max(len(text) - 1, 0)} {size}">'
            f"{text}</ofd:TextCode></ofd:TextObject>")


def page(objects: str, template: str | None = None) -> str:
    tpl = f'<ofd:Template TemplateID="{template}"/>' if template else ""
    return (f"<ofd:Page {NS}>{tpl}<ofd:Content><ofd:Layer ID=\"1\">{objects}</ofd:Layer>"
            "</ofd:Content></ofd:Page>")


def build_ofd(*, ns: bool = True, absolute: bool = True, missing_page: bool = False) -> bytes:
    root = "/Doc_0/" if absolute else ""
    parts = {
        "OFD.xml": (
            f'<ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
            "<ofd:DocID>x</ofd:DocID><ofd:Title>关于信贷计划的通知</ofd:Title>"
            "<ofd:Author>办公室</ofd:Author><ofd:Subject>计划</ofd:Subject>"
            "<ofd:Keywords><ofd:Keyword>信贷</ofd:Keyword><ofd:Keyword>机密</ofd:Keyword>"
            '</ofd:Keywords><ofd:CustomDatas><ofd:CustomData Name="密级">机密</ofd:CustomData>'
            '<ofd:CustomData Name="保密期限">10年</ofd:CustomData></ofd:CustomDatas>'
            "</ofd:DocInfo><ofd:DocRoot>" + ("/" if absolute else "") + "Doc_0/Document.xml"
            "</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ),
        "Doc_0/Document.xml": (
            f"<ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID>"
            f'<ofd:TemplatePage ID="50" BaseLoc="{root}Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
            f'<ofd:Pages><ofd:Page ID="1" BaseLoc="{root}Pages/Page_0/Content.xml"/>'
            '<ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/>'
            + ('<ofd:Page ID="3" BaseLoc="Pages/Page_9/Content.xml"/>' if missing_page else "")
            + "</ofd:Pages><ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>"
            "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments></ofd:Document>"
        ),
        "Doc_0/Pages/Page_0/Content.xml": page(
            text_object(10, 20, 20, "机密★10年")
            + text_object(11, 20, 40, "关于2024年")  # same baseline, two objects: one line
            + text_object(12, 20 + 5 * 7, 40, "信贷计划的通知")
            + text_object(13, 20, 60, "各支行："), template="50"
        ),
        "Doc_0/Pages/Page_1/Content.xml": page(text_object(20, 20, 30, "第二页正文")),
        "Doc_0/Tpls/Tpl_0/Content.xml": page(text_object(30, 20, 280, "模板页脚：内部资料")),
        "Doc_0/Annots/Annotations.xml": (
            f'<ofd:Annotations {NS}><ofd:Page PageID="2"><ofd:FileLoc>Page_1/Annotation.xml'
            "</ofd:FileLoc></ofd:Page></ofd:Annotations>"
        ),
        "Doc_0/Annots/Page_1/Annotation.xml": (
            f'<ofd:PageAnnot {NS}><ofd:Annot Type="Watermark" ID="40"><ofd:Remark>审阅意见：'
            '请核定密级</ofd:Remark><ofd:Appearance Boundary="0 0 200 200">'
            + text_object(41, 50, 150, "水印：秘密")
            + "</ofd:Appearance></ofd:Annot></ofd:PageAnnot>"
        ),
        "Doc_0/Attachs/Attachments.xml": (
            f'<ofd:Attachments {NS}><ofd:Attachment ID="60" Name="附件清单.txt">'
            "<ofd:FileLoc>list.txt</ofd:FileLoc></ofd:Attachment></ofd:Attachments>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, xml(body, ns).encode("utf-8"))
        z.writestr("Doc_0/Attachs/list.txt", "附件：核心商密★5年\n".encode("gb18030"))
        z.writestr("Doc_0/Signs/Signatures.xml", xml(f"<ofd:Signatures {NS}/>", ns))
    return out.getvalue()


@pytest.mark.parametrize(("ns", "absolute"), [(True, True), (False, False), (True, False)],
                         ids=["namespaced-absolute", "plain-relative", "namespaced-relative"])
def test_handmade_ofd(ns: bool, absolute: bool) -> None:
    result = extract_bytes(build_ofd(ns=ns, absolute=absolute), "通知.ofd")
    assert result.format == "ofd"
    assert result.errors == ()
    body = [(c.index, c.text) for c in result.chunks
            if c.location is Location.BODY and c.member is None]
    assert body == [
        (0, "机密★10年"), (0, "关于2024年信贷计划的通知"), (0, "各支行："),
        (0, "模板页脚：内部资料"), (1, "第二页正文"), (1, "水印：秘密"),
    ]
    props = {c.key: c.text for c in result.chunks if c.location is Location.PROPERTY}
    assert props == {"title": "关于信贷计划的通知", "author": "办公室", "subject": "计划",
                     "keywords": "信贷 机密", "密级": "机密", "保密期限": "10年"}
    comments = [c.text for c in result.chunks if c.location is Location.COMMENT]
    assert comments == ["审阅意见：请核定密级"]
    attached = [c.text for c in result.chunks if c.member == "附件清单.txt"]
    assert attached == ["附件清单.txt", "附件：核心商密★5年"]


def test_missing_page_is_reported_and_rest_is_read() -> None:
    result = extract_bytes(build_ofd(missing_page=True), "x.ofd")
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]
    assert "Page_9" in result.errors[0].detail
    assert "机密★10年" in [c.text for c in result.chunks]


def test_package_without_ofd_xml_root_is_corrupt() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("OFD.xml", "<OFD><NoBody/></OFD>")
    result = extract_bytes(out.getvalue(), "x.ofd")
    assert result.format == "ofd"
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]


ALL_SAMPLES = sorted(SAMPLES.glob("ofd_*.ofd")) + sorted((SAMPLES / "public").glob("*.ofd"))


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=[p.name for p in ALL_SAMPLES])
def test_every_sample_reads_text_or_reports_why_not(path: Path) -> None:
    result = extract_bytes(path.read_bytes(), path.name)
    assert result.format == "ofd"
    body = [c for c in result.chunks if c.location is Location.BODY and c.member is None]
    if not body:
        assert any(e.reason is ErrorReason.UNSUPPORTED for e in result.errors)
    assert all(c.text.strip() and c.standalone for c in body)


@pytest.mark.parametrize(("name", "line"), [
    ("ofd_suwell_convertor_letter.ofd", "关于加快南货场铁路涵洞下穿建设的函"),
    ("ofd_ofdrw_integrity.ofd", "拿来主义鲁迅"),
    ("ofd_surread_path_unstd.ofd", "立案决定书"),
    ("ofd_einvoice_no_page_container.ofd", "发票号码：04875996"),
    ("ofd_iofd_gov_doc_signed.ofd", "测试符路桥区卫生局文件"),
    ("public/chineseDir.ofd", "你好呀，OFD Reader&Writer！"),
])
def test_sample_lines(name: str, line: str) -> None:
    result = extract_bytes((SAMPLES / name).read_bytes(), name)
    pages = (Location.BODY, Location.HEADER, Location.FOOTER)  # a title on every page: a head
    assert line in [c.text for c in result.chunks if c.location in pages]


def test_sample_custom_data_properties() -> None:
    result = extract_bytes((SAMPLES / "ofd_surread_path_unstd.ofd").read_bytes(), "x.ofd")
    props = {c.key: c.text for c in result.chunks if c.location is Location.PROPERTY}
    assert props["元数据名称_2"] == "立案决定书"


def test_sample_attachment_is_recursed() -> None:
    result = extract_bytes((SAMPLES / "ofd_ofdrw_attachment.ofd").read_bytes(), "x.ofd")
    assert result.members == ("eg_tulip.jpg",)
    assert result.member_formats["eg_tulip.jpg"] == "image"


def test_image_only_sample_is_unsupported() -> None:
    result = extract_bytes((SAMPLES / "ofd_wps_containsJPEG.ofd").read_bytes(), "x.ofd")
    assert [e.reason for e in result.errors] == [ErrorReason.UNSUPPORTED]


def test_missing_resource_sample_is_corrupt_but_read() -> None:
    name = "ofd_dzzz_license_image_missing.ofd"
    result = extract_bytes((SAMPLES / name).read_bytes(), name)
    assert any(e.reason is ErrorReason.CORRUPT and "missing" in e.detail for e in result.errors)
    assert "矿产资源勘查许可证" in [c.text for c in result.chunks]
