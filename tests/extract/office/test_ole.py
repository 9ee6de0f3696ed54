"""Legacy OLE documents: real .doc/.xls/.ppt samples, encryption, property sets, packages.

Legacy binary Office files cannot be written by a Python library, so content tests use the real
samples; the property-set and Packager parsers are also fed bytes built here to the spec.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from secaudit.extract.office.ole_native import parse_ole10native
from secaudit.extract.office.ole_props import DOC_SUMMARY_NAMES, read_property_set
from secaudit.extract.office.ole_word import paragraphs
from secaudit.extract.registry import extract_bytes
from secaudit.model import ErrorReason, Location

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"


def run(name: str, as_name: str | None = None):
    return extract_bytes((SAMPLES / name).read_bytes(), as_name or Path(name).name)


def texts(result, location: Location) -> list[str]:
    return [c.text for c in result.chunks if c.location is location and c.member is None]


def test_doc_body_header_footer_unicode() -> None:
    result = run("doc_header_footer_unicode.doc")
    assert result.format == "doc"
    assert result.errors == ()
    body = [c for c in result.chunks if c.location is Location.BODY]
    assert body[0].text.startswith("This is a fairly simple word document")
    assert [c.index for c in body] == list(range(len(body)))
    assert all(c.standalone for c in body)
    assert "EUR - €" in [c.text for c in body]
    assert "Molière" in [c.text for c in body]
    header = "This is a simple header, with a € euro symbol in it."
    assert texts(result, Location.HEADER) == [header]
    assert texts(result, Location.FOOTER) == ["The footer, with Molière, has Unicode in it."]


def test_doc_chinese_text_and_properties() -> None:
    result = run("doc_chinese_properties.doc")
    assert result.errors == ()
    props = {c.key: c.text for c in result.chunks if c.location is Location.PROPERTY}
    assert props["title"] == "參考資料"
    assert props["subject"] == "新聞與媒體"
    assert props["author"] == "雅虎"
    assert props["keywords"] == "中文"
    assert props["category"] == "科學"
    assert "世界雅虎" in texts(result, Location.BODY)


def test_kingsoft_wps_extension_reads_like_doc() -> None:
    result = run("doc_header_footer_unicode.doc", "公文.wps")
    assert result.format == "wps"
    assert "Molière" in texts(result, Location.BODY)


@pytest.mark.parametrize("name", ["doc_encrypted_rc4_cryptoapi_pw-password.doc",
                                  "doc_encrypted_rc4_pw-tika.doc", "doc_password_protected.doc"])
def test_encrypted_doc(name: str) -> None:
    result = run(name)
    assert [e.reason for e in result.errors] == [ErrorReason.ENCRYPTED]
    assert "Word document" in result.errors[0].detail
    assert texts(result, Location.BODY) == []


def test_xls_sheet_and_rows() -> None:
    result = run("xls_chinese_provinces.xls")
    assert result.format == "xls"
    assert result.errors == ()
    assert texts(result, Location.SHEET_NAME) == ["provinces"]
    rows = [(c.key, c.index, c.text) for c in result.chunks if c.location is Location.BODY]
    assert rows[0] == ("provinces", 0, "Provinces in China\tChinese Name")
    assert ("provinces", 1, "Anhui\t安徽省") in rows
    assert any(text == "Beijing\t北京市" for _k, _i, text in rows)


def test_et_extension_and_raw_biff4() -> None:
    assert run("xls_chinese_provinces.xls", "报表.et").format == "et"
    result = run("public/biff4_no_format_no_window2.xls")
    assert result.format == "xls"
    assert result.errors == ()
    assert texts(result, Location.SHEET_NAME) == ["Sheet 1"]
    assert "A\tDOG & CAT PRODUCTS\tDog & Cat Product" in texts(result, Location.BODY)


def test_integral_numbers_have_no_decimal_point() -> None:
    result = run("public/profiles.xls")
    assert "P8.2\t100\t101\t102\t103\t104\t105\t106\t107\t108\t109\t110\t111" in texts(
        result, Location.BODY)


@pytest.mark.parametrize(("name", "kind"), [("xls_encrypted_pw-password.xls", "RC4"),
                                            ("xls_xor_encrypted_pw-abc.xls", "XOR")])
def test_encrypted_xls(name: str, kind: str) -> None:
    result = run(name)
    assert [e.reason for e in result.errors] == [ErrorReason.ENCRYPTED]
    assert kind in result.errors[0].detail


def test_xls_with_a_damaged_fat_is_read_from_its_workbook_stream() -> None:
    """xlrd's compound-file reader rejects this real file (a FAT sector listed twice); olefile
    reads its Workbook stream, and xlrd reads the sheets from that stream."""
    result = run("public/corrupted_error.xls")
    assert result.errors == ()
    assert len(texts(result, Location.SHEET_NAME)) == 9
    assert len(texts(result, Location.BODY)) > 100


def test_damaged_xls_is_corrupt() -> None:
    data = (SAMPLES / "public" / "corrupted_error.xls").read_bytes()
    result = extract_bytes(data[:4096], "cut.xls")
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]


@pytest.mark.parametrize("name", ["ppt_chinese_mixed.ppt", "ppt_mixed_font_chinese.ppt"])
def test_ppt_text(name: str) -> None:
    result = run(name)
    assert result.format == "ppt"
    assert result.errors == ()
    body = texts(result, Location.BODY)
    assert body[:3] == ["Single byte", "複数の文字", "カタカナ"]
    assert "表Mixパﾋﾟ𠮟" in body
    assert len(body) == len(set(body))


def test_dps_extension() -> None:
    assert run("ppt_chinese_mixed.ppt", "汇报.dps").format == "dps"


def test_encrypted_ppt() -> None:
    result = run("ppt_encrypted_pw-hello.ppt")
    assert [e.reason for e in result.errors] == [ErrorReason.ENCRYPTED]


@pytest.mark.parametrize("name", ["docx_encrypted_agile_default_pw.docx",
                                  "docx_encrypted_standard_pw-pass.docx",
                                  "xlsx_encrypted_sha512.xlsx", "public/encryptAES.xlsx",
                                  "public/encryptSHA1.xlsx"])
def test_encrypted_ooxml(name: str) -> None:
    result = run(name)
    assert result.format == "ooxml_encrypted"
    assert [e.reason for e in result.errors] == [ErrorReason.ENCRYPTED]


def test_ms_works_wps_is_unsupported_with_reason() -> None:
    result = run("msworks_ShortLastBlock.wps")
    assert result.format == "ole"
    assert [e.reason for e in result.errors] == [ErrorReason.UNSUPPORTED]
    assert "Microsoft Works" in result.errors[0].detail


def test_damaged_ole_is_corrupt() -> None:
    data = (SAMPLES / "doc_header_footer_unicode.doc").read_bytes()[:1536]
    result = extract_bytes(data, "cut.doc")
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]


def lpwstr(text: str) -> bytes:
    raw = (text + "\x00").encode("utf-16-le")
    raw += b"\x00" * ((4 - len(raw) % 4) % 4)
    return struct.pack("<HHI", 31, 0, len(text) + 1) + raw


def lpstr(text: str, codec: str) -> bytes:
    raw = text.encode(codec) + b"\x00"
    raw += b"\x00" * ((4 - len(raw) % 4) % 4)
    return struct.pack("<HHI", 30, 0, len(raw)) + raw


def section(props: list[tuple[int, bytes]]) -> bytes:
    header = 8 + 8 * len(props)
    offsets, body = [], b""
    for prop_id, value in props:
        offsets.append(struct.pack("<II", prop_id, header + len(body)))
        body += value
    return struct.pack("<II", header + len(body), len(props)) + b"".join(offsets) + body


def test_property_set_user_defined_section_with_dictionary() -> None:
    """DocumentSummaryInformation with a GBK category and a user-defined 密级 = 机密."""
    codepage = struct.pack("<HHh", 2, 0, 936) + b"\x00\x00"
    first = section([(1, codepage), (2, lpstr("计划类", "gbk"))])
    name = "密级".encode("gbk") + b"\x00"
    dictionary = struct.pack("<III", 1, 5, len(name)) + name
    dictionary += b"\x00" * ((4 - len(dictionary) % 4) % 4)
    second = section([(0, dictionary), (1, codepage), (5, lpwstr("机密"))])
    header = struct.pack("<HHI16sI", 0xFFFE, 0, 0x00020006, b"\x00" * 16, 2)
    first_at = len(header) + 40
    data = (header + b"\x02" * 16 + struct.pack("<I", first_at)
            + b"\x05" * 16 + struct.pack("<I", first_at + len(first)) + first + second)
    assert read_property_set(data, DOC_SUMMARY_NAMES) == {"category": "计划类", "密级": "机密"}


def test_truncated_property_set_yields_nothing() -> None:
    assert read_property_set(b"\xfe\xff\x00\x00" + b"\x00" * 10, DOC_SUMMARY_NAMES) == {}


def test_ole10native_package_parse() -> None:
    payload = "机密★10年 附件正文".encode()
    label, path, temp = "清单.txt".encode("gbk"), b"C:\\tmp\\x.txt", b"C:\\tmp\\x.txt\x00"
    body = (b"\x02\x00" + label + b"\x00" + path + b"\x00" + struct.pack("<I", 0x00030000)
            + struct.pack("<I", len(temp)) + temp + struct.pack("<I", len(payload)) + payload)
    raw = struct.pack("<I", len(body)) + body
    assert parse_ole10native(raw) == ("清单.txt", payload)
    assert parse_ole10native(raw[:20]) is None


def test_word_field_codes_and_control_characters() -> None:
    story = ("机密\x0b★10年\r\x13 PAGE \x14页码3\x15\r"
             "单元格一\x07单元格二\x07\x07\x0c下一节\x13 HYPERLINK \x13 X \x14y\x15 \x14链接\x15\r")
    assert paragraphs(story) == [
        "机密", "★10年", "页码3", "单元格一\t单元格二", "单元格一", "单元格二", "下一节链接"
    ]
