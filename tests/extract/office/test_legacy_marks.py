"""Secrecy marks in real legacy .doc/.xls/.ppt files, found where they stand.

The files in ``tests/data/legacy/`` were made by LibreOffice from documents written with
python-docx / openpyxl / python-pptx (``tests/data/legacy/make_legacy.py``, see its README); CI
reads them as committed. Each case runs the whole chain a scan runs — sniff, OLE extractor,
built-in detectors — and checks the format, the file's classification (highest marking level),
where the mark was found, and that hard negatives (secrecy rules, a register of documents,
training slides) are not classified.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from secaudit.detect.registry import build_detectors, detect
from secaudit.detect.tables import split_rows
from secaudit.extract.office.ole_sheet import header_sections
from secaudit.extract.registry import Extraction, extract_bytes
from secaudit.model import Finding, Level, Location

LEGACY = Path(__file__).resolve().parents[2] / "data" / "legacy"
DETECTORS = build_detectors()


@dataclass(frozen=True)
class Case:
    name: str
    format: str
    level: Level
    marks: frozenset[tuple[Location, Level]] = frozenset()
    """Every marking finding expected, as (location, level); empty for a hard negative."""


CASES = (
    Case("gbt9704_secret.doc", "doc", Level.SECRET,
         frozenset({(Location.BODY, Level.SECRET)})),
    Case("header_footer.doc", "doc", Level.CONFIDENTIAL,
         frozenset({(Location.HEADER, Level.CONFIDENTIAL), (Location.FOOTER, Level.INTERNAL)})),
    Case("first_page_header.doc", "doc", Level.SECRET,
         frozenset({(Location.HEADER, Level.SECRET)})),
    Case("custom_property.doc", "doc", Level.CORE_COMMERCIAL,
         frozenset({(Location.PROPERTY, Level.CORE_COMMERCIAL)})),
    Case("category_property.doc", "doc", Level.COMMERCIAL,
         frozenset({(Location.PROPERTY, Level.COMMERCIAL)})),
    Case("table_cell.doc", "doc", Level.SECRET, frozenset({(Location.BODY, Level.SECRET)})),
    Case("policy_negative.doc", "doc", Level.NONE),
    Case("ids_sheet.xls", "xls", Level.SECRET,
         frozenset({(Location.BODY, Level.SECRET), (Location.SHEET_NAME, Level.INTERNAL)})),
    Case("page_header.xls", "xls", Level.CONFIDENTIAL,
         frozenset({(Location.HEADER, Level.CONFIDENTIAL)})),
    Case("register_negative.xls", "xls", Level.NONE),
    Case("slide_top_secret.ppt", "ppt", Level.TOP_SECRET,
         frozenset({(Location.BODY, Level.TOP_SECRET)})),
    Case("training_negative.ppt", "ppt", Level.NONE),
    Case("master_internal.ppt", "ppt", Level.INTERNAL,
         frozenset({(Location.HEADER, Level.INTERNAL)})),
    Case("text_box.xls", "xls", Level.INTERNAL, frozenset({(Location.BODY, Level.INTERNAL)})),
    Case("text_box_story.doc", "doc", Level.CONFIDENTIAL,
         frozenset({(Location.BODY, Level.CONFIDENTIAL)})),
)


def scan(name: str) -> tuple[Extraction, list[Finding]]:
    result = extract_bytes((LEGACY / name).read_bytes(), name)
    return result, detect(result.chunks, DETECTORS)


def markings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.kind == "marking"]


def texts(result: Extraction, location: Location) -> list[str]:
    return [c.text for c in result.chunks if c.location is location]


OCR_CASES = frozenset({"scan_picture.doc", "scan_slide.ppt", "scan_sheet.xls"})
"""Marked only inside a pasted scan: tested with OCR in ``tests/extract/test_ocr.py``."""


def test_every_legacy_file_has_a_case() -> None:
    on_disk = {p.name for p in LEGACY.iterdir() if p.suffix in (".doc", ".xls", ".ppt")}
    assert on_disk == {case.name for case in CASES} | OCR_CASES


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_legacy_classification_and_mark_location(case: Case) -> None:
    result, findings = scan(case.name)
    assert result.format == case.format
    assert result.errors == ()
    marks = markings(findings)
    assert Level.highest(f.level for f in marks) is case.level
    assert {(f.location, f.level) for f in marks} == case.marks
    assert all(f.member is None for f in marks)


def test_gbt9704_mark_is_the_line_after_the_copy_number() -> None:
    result, findings = scan("gbt9704_secret.doc")
    body = texts(result, Location.BODY)
    assert body[:3] == ["000126", "机密★10年", "青禾农村商业银行文件"]
    (mark,) = markings(findings)
    assert (mark.text, mark.period) == ("机密★10年", "10年")


def test_header_and_footer_text_is_not_read_as_body() -> None:
    result, findings = scan("header_footer.doc")
    assert texts(result, Location.HEADER) == ["秘密★5年"]
    assert texts(result, Location.FOOTER) == ["内部资料"]
    assert not {"秘密★5年", "内部资料"} & set(texts(result, Location.BODY))
    assert {f.text for f in markings(findings)} == {"秘密★5年", "内部资料"}


def test_first_page_header_is_a_header_beside_the_running_one() -> None:
    result, _ = scan("first_page_header.doc")
    assert set(texts(result, Location.HEADER)) == {"机密★5年", "青禾农村商业银行审计部"}
    assert texts(result, Location.FOOTER) == ["第1页"]
    assert len(texts(result, Location.BODY)) == 40


def test_custom_property_keeps_its_name() -> None:
    result, findings = scan("custom_property.doc")
    props = {c.key: c.text for c in result.chunks if c.location is Location.PROPERTY}
    assert props["密级"] == "核心商密"
    (mark,) = markings(findings)
    assert mark.location is Location.PROPERTY


def test_libreoffice_category_property_is_read_as_category() -> None:
    result, _ = scan("category_property.doc")
    props = {c.key: c.text for c in result.chunks if c.location is Location.PROPERTY}
    assert props["category"] == "普通商密"
    assert "OOXMLCorePropertyCategory" not in props


def test_table_cells_stay_separate() -> None:
    result, findings = scan("table_cell.doc")
    cells = [c for c in split_rows(result.chunks)[0] if c.location is Location.BODY]
    mark_cell = next(c for c in cells if "机密" in c.text)
    assert mark_cell.text == "机密★3年"
    assert mark_cell.standalone
    assert [c.text for c in cells[1:5]] == ["机密★3年", "编号", "SX-2024-118", "紧急程度：加急"]
    assert [f.text for f in markings(findings)] == ["机密★3年"]


def test_sheet_with_resident_ids_and_internal_sheet_name() -> None:
    result, findings = scan("ids_sheet.xls")
    assert texts(result, Location.SHEET_NAME) == ["汇总", "客户明细（内部）"]
    by_location = {f.location: f for f in markings(findings)}
    assert by_location[Location.BODY].text == "机密★1年"
    assert by_location[Location.SHEET_NAME].level is Level.INTERNAL
    (ids,) = [f for f in findings if f.type == "cn_resident_id"]
    assert ids.count == 15
    assert ids.sample is not None and "*" in ids.sample


def test_xls_page_header_and_footer_sections() -> None:
    result, _ = scan("page_header.xls")
    headers = [c for c in result.chunks if c.location is Location.HEADER]
    assert [(c.text, c.key) for c in headers] == [("秘密★2年", "费用预算")]
    assert texts(result, Location.FOOTER) == ["第 页"]


def test_register_values_are_read_but_not_marks() -> None:
    result, findings = scan("register_negative.xls")
    rows = texts(result, Location.BODY)
    assert any("\t机密\t" in row for row in rows)
    assert any("\t秘密\t" in row for row in rows)
    assert markings(findings) == []


def test_top_secret_text_box_added_last_is_read() -> None:
    result, findings = scan("slide_top_secret.ppt")
    body = texts(result, Location.BODY)
    assert "绝密★长期" in body[:3]
    (mark,) = markings(findings)
    assert (mark.text, mark.period) == ("绝密★长期", "长期")


@pytest.mark.parametrize("name", ["policy_negative.doc", "training_negative.ppt"])
def test_prose_about_secrecy_is_read_and_not_classified(name: str) -> None:
    result, findings = scan(name)
    body = "\n".join(texts(result, Location.BODY))
    assert "机密" in body and "秘密" in body
    assert markings(findings) == []


@pytest.mark.parametrize(
    ("raw", "sections"),
    [
        ('&L&"宋体,加粗"&14机密★5年&R第 &P 页 共 &N 页', ["机密★5年", "第 页 共 页"]),
        ("&C内部资料", ["内部资料"]),
        ("秘密", ["秘密"]),
        ("&LR&&D部&C&D &T", ["R&D部"]),
        ("&P", []),
    ],
)
def test_excel_header_format_codes_are_removed(raw: str, sections: list[str]) -> None:
    assert header_sections(raw) == sections


def test_cell_note_of_a_legacy_sheet_is_a_comment_and_the_box_is_body_text() -> None:
    result, _ = scan("text_box.xls")
    assert texts(result, Location.COMMENT) == ["批注：名单已核对"]
    assert "内部资料\n注意保存" in texts(result, Location.BODY)


def test_slide_master_prompts_of_a_legacy_deck_are_not_read() -> None:
    result, _ = scan("master_internal.ppt")
    assert texts(result, Location.HEADER) == ["内部资料 注意保存"]
    every = " ".join(c.text for c in result.chunks)
    assert "单击" not in every and "Click to edit" not in every
