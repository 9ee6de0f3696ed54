"""XPS / OpenXPS packages made by hand as the XPS Document Writer lays them out."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from secaudit.detect.registry import build_detectors, detect
from secaudit.extract.registry import extract_bytes
from secaudit.extract.sniff import sniff
from secaudit.model import ErrorReason, Location
from tests.corpus.numbers import resident_id

XPS_NS = "http://schemas.microsoft.com/xps/2005/06"
OXPS_NS = "http://schemas.openxps.org/oxps/v1.0"
RID = resident_id(random.Random(9))


def glyphs(x: float, y: float, text: str, size: float = 16.0) -> str:
    return (f'<Glyphs OriginX="{x}" OriginY="{y}" FontRenderingEmSize="{size}" '
            f'FontUri="/Resources/f.odttf" Fill="#ff000000" UnicodeString="{text}"/>')


def xps(pages: list[str], *, ns: str = XPS_NS, sequence: bool = True, title: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if sequence:
            z.writestr("FixedDocumentSequence.fdseq",
                       f'<FixedDocumentSequence xmlns="{ns}"><DocumentReference '
                       'Source="Documents/1/FixedDocument.fdoc"/></FixedDocumentSequence>')
            refs = "".join(f'<PageContent Source="Pages/{n}.fpage"/>'
                           for n in reversed(range(1, len(pages) + 1)))  # the order counts
            z.writestr("Documents/1/FixedDocument.fdoc",
                       f'<FixedDocument xmlns="{ns}">{refs}</FixedDocument>')
        for n, body in enumerate(pages, start=1):
            z.writestr(f"Documents/1/Pages/{n}.fpage",
                       f'<FixedPage xmlns="{ns}" Width="816" Height="1056"><Canvas>{body}'
                       "</Canvas></FixedPage>")
        if title:
            z.writestr("docProps/core.xml",
                       '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
                       '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                       f"<dc:title>{title}</dc:title></cp:coreProperties>")
    return out.getvalue()


NOTICE = "".join([
    glyphs(96, 80, "机密★10年"),
    glyphs(250, 140, "关于客户信息核对的通知", 22),
    glyphs(96, 200, "客户身份证号码："),
    glyphs(240, 200.4, RID),  # the same baseline, a second run
])


@pytest.mark.parametrize("ns", [XPS_NS, OXPS_NS], ids=["xps", "openxps"])
def test_xps_lines_in_reading_order_properties_and_findings(ns: str) -> None:
    data = xps(["".join(reversed([glyphs(96, 80, "第二页正文")])), NOTICE], ns=ns,
               title="核对通知")
    assert sniff(data, "打印件.xps") == "xps"
    result = extract_bytes(data, "打印件.xps")
    assert result.format == "xps" and result.errors == ()
    body = [(c.index, c.text) for c in result.chunks if c.location is Location.BODY]
    # the document lists page 2 first: its own order is kept
    assert body == [(0, "机密★10年"), (0, "关于客户信息核对的通知"), (0, f"客户身份证号码：{RID}"),
                    (1, "第二页正文")]
    assert ("title", "核对通知") in [(c.key, c.text) for c in result.chunks
                                     if c.location is Location.PROPERTY]
    findings = detect(list(result.chunks), build_detectors())
    assert {f.level.value for f in findings if f.kind == "marking"} == {"secret"}
    assert [f.type for f in findings if f.kind == "info_type"] == ["cn_resident_id"]


def test_pages_are_read_in_name_order_when_the_sequence_names_none() -> None:
    """A writer that leaves the sequence without references: pages in natural name order."""
    pages = [NOTICE] + [glyphs(96, 80, f"第{n}页") for n in range(2, 11)]
    buf = io.BytesIO(xps(pages, sequence=False))
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("FixedDocumentSequence.fdseq", f'<FixedDocumentSequence xmlns="{XPS_NS}"/>')
    data = buf.getvalue()
    assert sniff(data, "x.xps") == "xps"
    result = extract_bytes(data, "x.xps")
    body = [c.text for c in result.chunks if c.location is Location.BODY]
    assert body[0] == "机密★10年" and body[-2:] == ["第9页", "第10页"]  # 10 after 9, not after 1


def test_damaged_page_is_an_error_and_the_other_pages_are_read() -> None:
    data = xps([NOTICE, "<Glyphs OriginX='1' "])  # page 2: broken XML
    result = extract_bytes(data, "坏页.xps")
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]
    assert "机密★10年" in [c.text for c in result.chunks]
