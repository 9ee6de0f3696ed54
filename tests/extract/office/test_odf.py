"""OpenDocument (odt/ods/odp, flat fodt) on hand-made packages, as LibreOffice/Yozo write them:
zip with ``mimetype`` first and stored, ``content.xml``, ``styles.xml``, ``meta.xml``, manifest.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from secaudit.config import load_config
from secaudit.context import ScanContext
from secaudit.detect.registry import build_detectors, detect
from secaudit.extract.registry import extract_bytes
from secaudit.extract.sniff import sniff
from secaudit.model import ErrorReason, HostRole, Location
from secaudit.policy import load_policy
from secaudit.scan.scanner import Scanner
from tests.corpus.numbers import resident_id

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
)
MIME = "application/vnd.oasis.opendocument."
IDS = [resident_id(random.Random(seed)) for seed in range(3)]


def doc(root: str, body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><office:{root} {NS}>{body}</office:{root}>'


def package(kind: str, content: str, *, styles: str = "", meta: str = "",
            encrypted: bool = False) -> bytes:
    entry = ('<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
             + ('<manifest:encryption-data manifest:checksum="x"/>' if encrypted else "")
             + "</manifest:file-entry>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), MIME + kind)  # first and stored, as ODF says
        z.writestr("content.xml", doc("document-content", f"<office:body>{content}</office:body>"))
        if styles:
            z.writestr("styles.xml", doc("document-styles", styles))
        if meta:
            z.writestr("meta.xml", doc("document-meta", f"<office:meta>{meta}</office:meta>"))
        z.writestr("META-INF/manifest.xml", doc("manifest", "").replace(
            "office:manifest", "manifest:manifest").replace("</manifest:manifest>",
                                                            entry + "</manifest:manifest>"))
    return buf.getvalue()


ODT_BODY = (
    "<office:text>"
    '<text:p>机<text:span text:style-name="T1">密★</text:span>10年</text:p>'
    '<text:h text:outline-level="1">关于<text:s text:c="2"/>存款客户信息核对的通知</text:h>'
    "<text:p>请各支行核对附表。<text:note><text:note-citation>1</text:note-citation>"
    f"<text:note-body><text:p>样例证件号 {IDS[0]}</text:p></text:note-body></text:note>"
    "<office:annotation><dc:creator>王审核</dc:creator><text:p>此件按机密管理</text:p>"
    "</office:annotation></text:p>"
    "<text:list><text:list-item><text:p>第一条 列表中的正文</text:p></text:list-item></text:list>"
    '<text:p><draw:frame draw:name="框1"><draw:text-box><text:p>文本框里的内容</text:p>'
    "</draw:text-box></draw:frame></text:p>"
    "<table:table table:name=\"表1\"><table:table-row>"
    "<table:table-cell><text:p>姓名</text:p></table:table-cell>"
    "<table:table-cell><text:p>身份证号</text:p></table:table-cell></table:table-row>"
    + "".join(
        f"<table:table-row><table:table-cell><text:p>客户{i}</text:p></table:table-cell>"
        f"<table:table-cell><text:p>{n}</text:p></table:table-cell></table:table-row>"
        for i, n in enumerate(IDS)
    )
    + "</table:table></office:text>"
)
ODT_STYLES = (
    "<office:master-styles><style:master-page style:name=\"Standard\">"
    "<style:header><text:p>内部资料  注意保存</text:p></style:header>"
    "<style:footer><text:p>第 1 页</text:p></style:footer></style:master-page>"
    "</office:master-styles>"
)
ODT_META = ("<dc:title>存款客户信息核对</dc:title><meta:keyword>核对</meta:keyword>"
            '<meta:user-defined meta:name="密级">机密</meta:user-defined>')


def chunks_of(data: bytes, name: str) -> list[tuple[str, str, str | None]]:
    ext = extract_bytes(data, name)
    assert ext.errors == (), ext.errors
    return [(c.location.value, c.text, c.key) for c in ext.chunks]


def test_odt_body_tables_notes_comments_headers_meta() -> None:
    data = package("text", ODT_BODY, styles=ODT_STYLES, meta=ODT_META)
    assert sniff(data, "通知.odt") == "odf"
    got = chunks_of(data, "通知.odt")
    body = [t for loc, t, _k in got if loc == "body"]
    assert body[0] == "机密★10年"  # runs across spans joined
    assert "关于  存款客户信息核对的通知" in body  # text:s c=2 → two spaces
    assert f"样例证件号 {IDS[0]}" in body  # footnote body
    assert "第一条 列表中的正文" in body and "文本框里的内容" in body
    assert "请各支行核对附表。" in body  # paragraph text without its note or comment
    assert "姓名\t身份证号" in body and f"客户0\t{IDS[0]}" in body  # row lines, then cells
    assert body.index("姓名\t身份证号") + 1 == body.index("姓名")
    assert ("comment", "此件按机密管理", None) in got
    assert ("header", "内部资料  注意保存", None) in got and ("footer", "第 1 页", None) in got
    assert ("property", "机密", "密级") in got and ("property", "存款客户信息核对", "title") in got


def test_odt_findings_mark_and_ids() -> None:
    data = package("text", ODT_BODY, styles=ODT_STYLES, meta=ODT_META)
    findings = detect(list(extract_bytes(data, "a.odt").chunks), build_detectors())
    marks = {(f.location.value, f.text) for f in findings if f.kind == "marking"}
    assert ("body", "机密★10年") in marks and ("property", "机密") in marks
    assert ("header", "内部资料  注意保存") in marks or ("header", "内部资料") in marks
    ids = [f for f in findings if f.kind == "info_type" and f.type == "cn_resident_id"]
    assert ids and sum(f.count or 0 for f in ids) >= 3


def test_ods_sheet_names_rows_repeats_and_comments() -> None:
    rows = "".join(
        f"<table:table-row><table:table-cell><text:p>客户{i}</text:p></table:table-cell>"
        '<table:table-cell table:number-columns-repeated="2"/>'
        f"<table:table-cell><text:p>{n}</text:p></table:table-cell></table:table-row>"
        for i, n in enumerate(IDS)
    )
    content = (
        '<office:spreadsheet><table:table table:name="客户明细（内部）">'
        "<table:table-row><table:table-cell><text:p>机密</text:p>"
        "<office:annotation><text:p>请勿外传</text:p></office:annotation></table:table-cell>"
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="5"><table:table-cell/></table:table-row>'
        f"{rows}"
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet>"
    )
    data = package("spreadsheet", content)
    assert sniff(data, "x.ods") == "odf"
    ext = extract_bytes(data, "x.ods")
    assert ext.errors == ()
    names = [c.text for c in ext.chunks if c.location is Location.SHEET_NAME]
    rows_ = [(c.index, c.text) for c in ext.chunks if c.location is Location.BODY]
    assert names == ["客户明细（内部）"]
    assert rows_[0] == (0, "机密")
    assert rows_[1] == (6, f"客户0\t\t\t{IDS[0]}")  # repeated empty rows keep the numbering
    assert all(c.key == "客户明细（内部）" for c in ext.chunks if c.location is Location.BODY)
    assert any(c.location is Location.COMMENT and c.text == "请勿外传" for c in ext.chunks)
    findings = detect(list(ext.chunks), build_detectors())
    assert "secret" in {f.level.value for f in findings if f.kind == "marking"}  # 机密
    assert any(f.type == "cn_resident_id" and f.count == 3 for f in findings)


def test_odp_pages_and_notes() -> None:
    content = (
        '<office:presentation><draw:page draw:name="p1"><draw:frame><draw:text-box>'
        "<text:p>秘密★5年</text:p><text:p>年度信贷投放计划</text:p></draw:text-box></draw:frame>"
        "<presentation:notes><draw:frame><draw:text-box><text:p>讲稿：只在内部会议使用</text:p>"
        "</draw:text-box></draw:frame></presentation:notes></draw:page>"
        '<draw:page draw:name="p2"><draw:frame><draw:text-box><text:p>第二页</text:p>'
        "</draw:text-box></draw:frame></draw:page></office:presentation>"
    )
    got = [(c.location.value, c.index, c.text) for c in
           extract_bytes(package("presentation", content), "p.odp").chunks]
    assert ("body", 0, "秘密★5年") in got and ("body", 1, "第二页") in got
    assert ("comment", 0, "讲稿：只在内部会议使用") in got


def test_flat_odt_is_read() -> None:
    flat = doc("document", f"<office:meta><dc:title>标题</dc:title></office:meta>"
               f"<office:body>{ODT_BODY}</office:body>").encode()
    assert sniff(flat, "a.fodt") == "fodf"
    got = chunks_of(flat, "a.fodt")
    assert ("body", "机密★10年", None) in got and ("property", "标题", "title") in got


def test_encrypted_and_damaged_packages() -> None:
    enc = extract_bytes(package("text", ODT_BODY, encrypted=True), "e.odt")
    assert [e.reason for e in enc.errors] == [ErrorReason.ENCRYPTED]
    assert [c.location for c in enc.chunks] == [Location.FILENAME]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", MIME + "text")
        z.writestr("styles.xml", "<x/>")
    broken = extract_bytes(buf.getvalue(), "b.odt")
    assert [e.reason for e in broken.errors] == [ErrorReason.CORRUPT]
    garbage = package("text", "<office:text><text:p>机密★10年</text:p>").replace(b"", b"")
    assert extract_bytes(garbage[:-40], "g.odt").errors  # truncated zip: an error, no crash


def test_marked_odt_on_internet_host_is_a_violation(tmp_path: Path) -> None:
    path = tmp_path / "工作方案.odt"
    path.write_bytes(package("text", ODT_BODY, styles=ODT_STYLES, meta=ODT_META))
    config = load_config(tmp_path / "home")
    with Scanner(config, load_policy(), workers=1, use_cache=False) as scanner:
        run = scanner.scan([path], ScanContext(host_role=HostRole.INTERNET))
    [result] = run.files
    assert result.format == "odf" and result.classification.value == "secret"  # 机密
    assert any(v.severity.rank >= 3 for v in run.violations), run.violations


def test_text_box_on_a_presentation_master_page_is_a_header() -> None:
    styles = (
        '<office:master-styles><style:master-page style:name="Default">'
        '<draw:frame presentation:class="title"><draw:text-box><text:p>单击此处编辑标题</text:p>'
        "</draw:text-box></draw:frame>"
        "<draw:frame><draw:text-box><text:p>内部资料  注意保存</text:p></draw:text-box>"
        "</draw:frame>"
        "</style:master-page></office:master-styles>"
    )
    content = ('<office:presentation><draw:page draw:name="p1"><draw:frame><draw:text-box>'
               "<text:p>年度工作总结</text:p></draw:text-box></draw:frame></draw:page>"
               "</office:presentation>")
    got = chunks_of(package("presentation", content, styles=styles), "总结.odp")
    assert ("header", "内部资料  注意保存", None) in got
    assert not any(text == "单击此处编辑标题" for _loc, text, _key in got)
