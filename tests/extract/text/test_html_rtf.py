"""HTML and RTF extraction: encodings, properties, one line per block/paragraph."""

from __future__ import annotations

import codecs

import pytest

from secaudit.extract.registry import extract_bytes
from secaudit.model import Location

PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>关于2024年信贷计划的通知</title>
<meta name="keywords" content="信贷,计划">
<meta name="密级" content="机密">
<meta name="classification" content="核心商密">
<style>p {{ color: red }} .机密 {{}}</style>
<script>var s = "绝密";</script>
</head><body>
<p><span>机</span><b>密★</b>10年</p>
<div>各支行：<br>现将有关事项通知如下。</div>
<table><tr><td>客户名称</td><td>张三</td></tr></table>
<!-- 注释里的秘密不显示 -->
<ul><li>第一条</li><li>第二条</li></ul>
</body></html>"""


def run(data: bytes, name: str):
    return extract_bytes(data, name)


def body_lines(result) -> list[str]:
    return [c.text for c in result.chunks if c.location is Location.BODY]


@pytest.mark.parametrize(("charset", "codec"), [("gb2312", "gbk"), ("utf-8", "utf-8"),
                                                 ("gbk", "gb18030")])
def test_html_body_lines_and_properties(charset: str, codec: str) -> None:
    result = run(PAGE.format(charset=charset).encode(codec), "通知.htm")
    assert result.format == "html"
    assert result.errors == ()
    assert body_lines(result) == [
        "机密★10年", "各支行：", "现将有关事项通知如下。", "客户名称\t张三", "客户名称", "张三",
        "第一条", "第二条",
    ]
    body = [c for c in result.chunks if c.location is Location.BODY]
    assert [c.index for c in body] == list(range(8))
    assert all(c.standalone for c in body)
    props = {c.key: c.text for c in result.chunks if c.location is Location.PROPERTY}
    assert props == {"title": "关于2024年信贷计划的通知", "keywords": "信贷,计划", "密级": "机密",
                     "classification": "核心商密"}
    assert not any("绝密" in c.text or "注释" in c.text for c in result.chunks)


def test_html_without_declaration_is_guessed_from_bytes() -> None:
    page = "<html><body><p>秘密★5年</p><p>内部资料，注意保管。</p></body></html>"
    result = run(page.encode("gbk"), "a.html")
    assert body_lines(result) == ["秘密★5年", "内部资料，注意保管。"]


def test_html_utf16_with_bom() -> None:
    page = "<html><head><title>标题</title></head><body><p>绝密</p></body></html>"
    result = run(codecs.BOM_UTF16_LE + page.encode("utf-16-le"), "a.htm")
    assert result.format == "html"
    assert body_lines(result) == ["绝密"]


def test_html_declared_charset_that_lies_is_not_believed() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>机密文件</p></body></html>'
    result = run(page.encode("gbk"), "a.html")
    assert body_lines(result) == ["机密文件"]


def test_blank_html_is_corrupt() -> None:
    from secaudit.errors import CorruptError
    from secaudit.extract.base import ExtractContext
    from secaudit.extract.text.html import extract_html

    with pytest.raises(CorruptError):
        list(extract_html(b"  \n ", ExtractContext()))


def gbk_escape(text: str, codec: str = "gbk") -> str:
    """RTF text with every non-ASCII character written as \\'hh bytes of ``codec``."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
        else:
            out.extend(f"\\'{b:02x}" for b in ch.encode(codec))
    return "".join(out)


def rtf_document(codepage: str = "936", charset: str = "134", codec: str = "gbk") -> bytes:
    e = lambda s: gbk_escape(s, codec)  # noqa: E731 - short local alias
    rtf = (
        "{\\rtf1\\ansi\\ansicpg" + codepage + "\\deff0"
        "{\\fonttbl{\\f0\\fnil\\fcharset" + charset + " SimSun;}{\\f1\\fswiss Arial;}}"
        "{\\colortbl;\\red255\\green0\\blue0;}"
        "{\\info{\\title " + e("年度信贷计划") + "}{\\subject " + e("计划") + "}"
        "{\\keywords " + e("信贷;计划") + "}{\\doccomm " + e("内部讨论稿") + "}}"
        "{\\*\\userprops {\\propname " + e("密级") + "}\\proptype30{\\staticval " + e("机密")
        + "}}\n"
        "\\pard\\f0 " + e("机") + "{\\b " + e("密") + "}\\u9733?10" + e("年") + "\\par\n"
        "\\pard " + e("关于2024年工作的通知") + "\\par\n"
        "\\pard\\f1 Plain ASCII line\\par\n"
        "\\trowd\\cellx2000\\cellx4000\\pard\\intbl\\f0 " + e("客户") + "\\cell "
        + e("张三") + "\\cell\\row\n"
        "\\pard \\u23494?\\u32423? unicode escapes\\par\n"
        "}"
    )
    return rtf.encode("ascii")


@pytest.mark.parametrize(("codepage", "charset"), [("936", "134"), ("1252", "134"),
                                                    ("936", "0")])
def test_rtf_gbk_hex_escapes_and_unicode(codepage: str, charset: str) -> None:
    result = run(rtf_document(codepage, charset), "计划.rtf")
    assert result.format == "rtf"
    assert result.errors == ()
    lines = body_lines(result)
    assert lines == [
        "机密★10年", "关于2024年工作的通知", "Plain ASCII line", "客户\t张三", "客户", "张三",
        "密级 unicode escapes",
    ]
    props = {c.key: c.text for c in result.chunks if c.location is Location.PROPERTY}
    assert props == {"title": "年度信贷计划", "subject": "计划", "keywords": "信贷;计划",
                     "comments": "内部讨论稿", "密级": "机密"}
    body = [c for c in result.chunks if c.location is Location.BODY]
    assert [c.index for c in body] == list(range(7))


def test_rtf_big5_codepage() -> None:
    rtf = ("{\\rtf1\\ansi\\ansicpg950{\\fonttbl{\\f0\\fcharset136 MingLiU;}}\\f0 "
           + gbk_escape("機密文件", "big5") + "\\par}")
    result = run(rtf.encode("ascii"), "a.rtf")
    assert body_lines(result) == ["機密文件"]


def test_rtf_without_header_is_not_rtf() -> None:
    from secaudit.errors import CorruptError
    from secaudit.extract.base import ExtractContext
    from secaudit.extract.office.rtf import extract_rtf

    with pytest.raises(CorruptError):
        list(extract_rtf(b"plain text", ExtractContext()))
