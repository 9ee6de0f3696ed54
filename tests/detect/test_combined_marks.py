"""Issue 17 round 3: a unit name and the level in one running line, state-secret declarations.

Real files (python-docx headers/footers, python-pptx footer boxes, reportlab PDFs, openpyxl
workbooks) through the real extractor and the marking detector. A header/footer line is an
optional unit name + separator + level + optional handling clauses; a declaration may say
``定为/属 + 级 + 国家秘密`` or ``仅限…内部使用`` + a prohibition. Hard negatives: headers that
name a department containing 内部 or 保密, statutes and training text quoting such
sentences, registers.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from secaudit.model import Location, TextChunk
from tests.detect.layout_builders import (
    FILLER,
    docx_lines,
    docx_with_table,
    extracted,
    pdf_with_running,
    pptx_with_footer,
    pptx_with_table,
    xlsx_sheets,
)
from tests.detect.test_layout_marks import _pdf_lines, level, marks


def docx_running(text: str, *, footer: bool = False) -> list[TextChunk]:
    """A Word document whose section header (or footer) holds ``text``."""
    import docx as python_docx

    doc = python_docx.Document()
    section = doc.sections[0]
    (section.footer if footer else section.header).paragraphs[0].text = text
    for line in FILLER:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return extracted(buf.getvalue(), "通知.docx")


POSITIVE: list[tuple[str, Callable[[], list[TextChunk]], str]] = [
    ("docx-header-unit-bar", lambda: docx_running("某某农商银行零售业务部｜机密"), "secret"),
    ("docx-header-unit-level-handling",
     lambda: docx_running("某行｜秘密｜未经许可不得外传"), "confidential"),
    ("docx-header-ascii-bar", lambda: docx_running("江川农商银行 | 核心商密"), "core_commercial"),
    ("docx-header-slash", lambda: docx_running("江川农商银行/普通商密"), "commercial"),
    ("docx-header-dash", lambda: docx_running("江川农商银行-内部资料"), "internal"),
    ("docx-header-dot", lambda: docx_running("江川农商银行·机密"), "secret"),
    ("docx-header-spaces", lambda: docx_running("江川农商银行 风险管理部 机密"), "secret"),
    ("docx-footer-unit-bar",
     lambda: docx_running("江川农商银行零售业务部｜机密", footer=True), "secret"),
    ("pptx-footer-unit-bar", lambda: pptx_with_footer("某某农商银行零售业务部｜机密"), "secret"),
    ("pptx-footer-unit-level-handling",
     lambda: pptx_with_footer("某行｜秘密｜未经许可不得外传"), "confidential"),
    ("pdf-running-footer-unit", lambda: pdf_with_running("江川农商银行｜核心商密"),
     "core_commercial"),
    ("pdf-running-header-unit-handling",
     lambda: pdf_with_running("某行｜秘密｜未经许可不得外传", foot=False), "confidential"),
    ("decl-state-secret-defined", lambda: docx_lines(
        [*FILLER, "本手册已定为秘密级国家秘密，请按涉密载体管理规定保管。"]), "confidential"),
    ("decl-state-secret-is", lambda: docx_lines(
        ["本文件属机密级国家秘密，未经批准不得复制。", *FILLER]), "secret"),
    ("decl-state-secret-top", lambda: docx_lines(["本文件属于绝密级国家秘密。", *FILLER]),
     "top_secret"),
    ("decl-internal-use-only", lambda: docx_lines(
        [*FILLER, "本手册仅限本行内部使用，未经书面同意不得翻印或转发。"]), "internal"),
    ("pdf-two-marks-higher-wins", lambda: _pdf_lines(
        ["密级：机密　保密期限：2035年12月31日", *FILLER, "内部资料"]), "secret"),
    ("docx-kv-english-label", lambda: docx_with_table(
        [["文档名称", "方案"], ["密级(Classification)", "内部文件"]]), "internal"),
    ("docx-kv-fullwidth-english-label", lambda: docx_with_table(
        [["文档名称", "方案"], ["密级（Classification）", "普通商密"]]), "commercial"),
    ("docx-header-row-internal-material", lambda: docx_with_table(
        [["文档名称", "密级", "编制部门"], ["方案", "内部材料", "计划财务部"]]), "internal"),
    ("docx-header-unit-star-period", lambda: docx_running("某行｜机密★5年"), "secret"),
    ("pdf-running-header-unit-star", lambda: pdf_with_running("江川农商银行｜秘密★3年", foot=False),
     "confidential"),
    ("docx-header-level-then-unit", lambda: docx_running("机密｜江川农商银行零售业务部"), "secret"),
    ("decl-internal-use-staff", lambda: docx_lines(
        [*FILLER, "本手册仅限本行员工内部使用，未经许可不得翻印或转发。"]), "internal"),
    ("docx-header-title-then-level", lambda: docx_running("2024年度报告｜机密"), "secret"),
    ("pdf-running-title-then-level", lambda: pdf_with_running("制度汇编 | 普通商密"),
     "commercial"),
    ("docx-header-bracketed-dept", lambda: docx_running("江川农商银行（零售业务部）｜机密"),
     "secret"),
    ("docx-kv-slash-english-label", lambda: docx_with_table(
        [["文档名称", "方案"], ["密级/Classification", "普通商密"]]), "commercial"),
    ("docx-kv-english-first-label", lambda: docx_with_table(
        [["Document", "方案"], ["Classification 密级", "普通商密"]]), "commercial"),
    ("docx-line-english-gloss-field", lambda: docx_lines(
        ["江川农商银行", "密级(Classification)：内部文件", *FILLER]), "internal"),
    ("docx-line-fullwidth-gloss-field", lambda: docx_lines(
        ["江川农商银行", "密级（Classification）：普通商密", *FILLER]), "commercial"),
    ("pdf-kv-english-label-lines", lambda: _pdf_lines(
        ["文档名称", "方案", "密级(Classification)", "内部文件", *FILLER]), "internal"),
    ("xlsx-header-row-one-value-row", lambda: xlsx_sheets(
        {"封面": [["文档名称", "密级（Classification）", "编制部门"],
                ["方案", "内部材料", "计划财务部"]]}), "internal"),
    ("pptx-header-row-one-value-row", lambda: pptx_with_table(
        [["文档名称", "密级(Classification)", "编制部门"], ["方案", "内部材料", "计划财务部"]]),
     "internal"),
    ("xlsx-kv-english-label", lambda: xlsx_sheets(
        {"封面": [["文档名称", "方案"], ["密级(Classification)", "内部文件"]]}), "internal"),
]

NEGATIVE: list[tuple[str, Callable[[], list[TextChunk]]]] = [
    ("header-internal-control-dept", lambda: docx_running("内部控制部｜2024年报告")),
    ("header-internal-audit-dept", lambda: docx_running("内部审计部")),
    ("header-secrecy-office", lambda: docx_running("保密办公室｜培训材料")),
    ("header-bank-internal-control-title", lambda: docx_running("江川农商银行｜内部控制评价报告")),
    ("header-dept-secret-training", lambda: docx_running("风险管理部 | 秘密级文件管理培训")),
    ("header-dept-then-bank", lambda: docx_running("内部控制部｜江川农商银行")),
    ("header-title-then-dept", lambda: docx_running("2024年报告｜内部审计部")),
    ("header-two-depts", lambda: docx_running("内部审计部｜内部控制部")),
    ("header-training-then-office", lambda: docx_running("秘密级文件管理｜保密办公室")),
    ("header-bracketed-internal-control",
     lambda: docx_running("江川农商银行（内部控制部）｜2024年报告")),
    ("header-choice-list", lambda: docx_running("机密/秘密/绝密")),
    ("header-internal-external-choice", lambda: docx_running("内部/外部")),
    ("pptx-footer-internal-audit", lambda: pptx_with_footer("内部审计部｜2024年工作总结")),
    ("pdf-running-internal-control", lambda: pdf_with_running("内部控制部｜2024年报告")),
    ("training-example-declaration", lambda: docx_lines(
        ["保密培训讲义", "示例：本手册已定为秘密级国家秘密，请按涉密载体管理规定保管。", *FILLER])),
    ("training-quoted-declaration", lambda: docx_lines(
        ["培训要点：涉密文件应标注，如“本文件属机密级国家秘密”。", *FILLER])),
    ("statute-state-secret", lambda: docx_lines(
        ["第十条 对定为秘密级国家秘密的文件，应当按涉密载体管理。",
         "本规定适用于秘密级国家秘密载体的管理。", *FILLER])),
    ("internal-use-by-dept", lambda: docx_lines(
        [*FILLER, "本手册仅限内部控制部使用，未经同意不得转发。"])),
    ("training-english-gloss-choices", lambda: docx_lines(
        ["保密培训：密级(Classification)分为以下几种：", "绝密", "机密", "秘密", *FILLER])),
    ("header-unit-star-example", lambda: docx_running("保密办公室｜标注示例")),
    ("xlsx-register-sheet-one-row", lambda: xlsx_sheets(
        {"文件台账": [["文件名称", "密级", "保管人"], ["方案A", "机密", "张三"]]})),
    ("xlsx-register-two-rows", lambda: xlsx_sheets(
        {"Sheet1": [["文件名称", "密级", "保管人"], ["方案A", "机密", "张三"],
                    ["方案B", "内部", "李四"]]})),
    ("xlsx-register-ordinal", lambda: xlsx_sheets(
        {"Sheet1": [["序号", "文件名称", "密级"], ["1", "方案A", "机密"]]})),
    ("pptx-register-two-rows", lambda: pptx_with_table(
        [["文件名称", "密级", "保管人"], ["方案A", "机密", "张三"], ["方案B", "内部", "李四"]])),
    ("register-english-label-column", lambda: docx_with_table(
        [["文件名称", "密级(Classification)", "保管人"], ["方案A", "内部文件", "张三"],
         ["方案B", "机密", "李四"]])),
]


@pytest.mark.parametrize(("name", "build", "expected"), POSITIVE, ids=[p[0] for p in POSITIVE])
def test_combined_marks(name: str, build: Callable[[], list[TextChunk]], expected: str) -> None:
    assert level(build()) == expected, name


@pytest.mark.parametrize(("name", "build"), NEGATIVE, ids=[n[0] for n in NEGATIVE])
def test_combined_hard_negatives(name: str, build: Callable[[], list[TextChunk]]) -> None:
    assert marks(build()) == [], name


def test_unit_header_mark_is_a_header_finding() -> None:
    found = marks(docx_running("某某农商银行零售业务部｜机密"))
    assert found == [("secret", Location.HEADER, "high")]
