"""Issue 17: marks in the layouts bank documents use, read from real files.

Each row builds a real document (python-docx, python-pptx, openpyxl, reportlab, hand-written RTF,
HTML, Markdown), runs the real extractor and the marking detector, and compares the file's
classification. Hard negatives: registers with a 密级 column, quoted examples, 示例 layouts,
choice lists, statutes and training material about 密级.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from secaudit.detect.registry import build_detectors, detect
from secaudit.model import Level, Location, TextChunk
from tests.detect.layout_builders import (
    FILLER,
    docx_lines,
    docx_with_table,
    extracted,
    html,
    markdown,
    odt_with_table,
    ofd_with_running,
    pdf_body,
    pdf_pages,
    pdf_with_running,
    pptx_with_footer,
    pptx_with_table,
    rtf,
    xlsx_sheets,
)

DETECTORS = build_detectors()
TITLE = ["江川农村商业银行", "2024年度信贷投放实施方案", "计划财务部"]


def marks(chunks: list[TextChunk]) -> list[tuple[str, Location, str]]:
    return [
        (f.level.value, f.location, f.confidence.value)
        for f in detect(chunks, DETECTORS)
        if f.kind == "marking" and f.level
    ]


def level(chunks: list[TextChunk]) -> str:
    return Level.highest(Level(lv) for lv, _l, _c in marks(chunks)).value


def _pdf_lines(lines: list[str]) -> list[TextChunk]:
    return pdf_pages([[(t, 25, 15 + 8 * k) for k, t in enumerate(lines)]])


POSITIVE: list[tuple[str, Callable[[], list[TextChunk]], str]] = [
    ("docx-kv-cells", lambda: docx_with_table(
        [["文档名称", "信贷投放方案"], ["密级", "核心商密"], ["编制部门", "计划财务部"]]),
     "core_commercial"),
    ("docx-kv-label-variant", lambda: docx_with_table(
        [["文档名称", "信贷投放方案"], ["文档密级", "普通商密"]], before=TITLE), "commercial"),
    ("docx-kv-next-label-other-level", lambda: docx_with_table(
        [["密级", "普通商密"], ["文件类型", "内部"]], before=TITLE), "commercial"),
    ("docx-kv-four-columns", lambda: docx_with_table(
        [["文件编号", "JC-07", "密级", "机密"], ["起草", "张三", "审核", "李四"]], before=TITLE),
     "secret"),
    ("docx-header-row-one-value-row", lambda: docx_with_table(
        [["文件编号", "密级", "版本"], ["JC-2024-07", "核心商密", "V1.0"]], before=TITLE),
     "core_commercial"),
    ("docx-kv-after-long-cover", lambda: docx_with_table(
        [["文档编号", "JC-07"], ["版本", "V1.2"], ["密级", "核心商密"]],
        before=TITLE + FILLER[:3]), "core_commercial"),
    ("docx-kv-bracketed-period", lambda: docx_with_table(
        [["文档名称", "方案"], ["密级", "核心商密（3年）"]], before=TITLE), "core_commercial"),
    ("docx-kv-slashed-period", lambda: docx_with_table(
        [["密级(Classification)", "普通商密/2年"]], before=TITLE), "commercial"),
    ("pptx-kv-table", lambda: pptx_with_table([["密级", "普通商密"], ["汇报人", "张三"]]),
     "commercial"),
    ("pdf-kv-lines", lambda: _pdf_lines(
        [*TITLE, "文档编号：JC-2024-07", "密级", "核心商密", "版本：V1.0"]), "core_commercial"),
    ("pdf-kv-colon-label", lambda: _pdf_lines(["2024年度方案", "密级：", "核心商密", *FILLER]),
     "core_commercial"),
    ("pdf-running-footer", lambda: pdf_with_running("普通商密"), "commercial"),
    ("pdf-running-header", lambda: pdf_with_running("核心商密", foot=False), "core_commercial"),
    ("pdf-running-footer-clause", lambda: pdf_with_running("内部资料 严禁外传"), "internal"),
    ("ofd-running-footer", lambda: ofd_with_running("普通商密"), "commercial"),
    ("ofd-running-header", lambda: ofd_with_running("核心商密", foot=False), "core_commercial"),
    ("odt-kv-cells", lambda: odt_with_table(
        [["文档名称", "方案"], ["密级", "核心商密"]], before=TITLE), "core_commercial"),
    ("odt-header-row", lambda: odt_with_table(
        [["文件编号", "密级", "版本"], ["JC-07", "机密", "V1"]], before=TITLE), "secret"),
    ("pdf-single-page-mark-drawn-last", lambda: pdf_pages(
        [[*pdf_body(0), *[(f"正文第{k}行内容说明", 25, 100 + 8 * k) for k in range(8)],
          ("核心商密", 20, 15)]]), "core_commercial"),
    ("rtf-header", lambda: rtf(FILLER, header="机密★5年"), "secret"),
    ("rtf-footer", lambda: rtf(FILLER, footer="内部资料"), "internal"),
    ("html-footer", lambda: html(FILLER, footer="普通商密"), "commercial"),
    ("html-header", lambda: html(FILLER, header="核心商密"), "core_commercial"),
    ("html-footer-class", lambda: extracted(
        ("<html><body><p>" + "</p><p>".join(FILLER) + '</p><div class="page-foot">内部资料</div>'
         "</body></html>").encode(), "通知.html"), "internal"),
    ("markdown-bold-top", lambda: markdown(
        "**机密★2026年12月31日**\n\n# 会议纪要\n\n" + "\n\n".join(FILLER)), "secret"),
    ("markdown-heading-top", lambda: markdown("## 内部资料\n\n" + "\n\n".join(FILLER)),
     "internal"),
    ("markdown-kv-table", lambda: markdown(
        "# 2024年信贷投放方案\n\n| 项目 | 内容 |\n|---|---|\n| 文件名称 | 信贷投放方案 |\n"
        "| 密级 | 核心商密 |\n\n" + "\n\n".join(FILLER)), "core_commercial"),
    ("markdown-header-row-table", lambda: markdown(
        "# 方案\n\n| 文件编号 | 密级 | 版本 |\n| :--- | :---: | ---: |\n"
        "| JC-07 | 普通商密 | V1.0 |\n\n" + "\n\n".join(FILLER)), "commercial"),
    ("sheet-name-only", lambda: xlsx_sheets({"内部资料": [["姓名", "部门"], ["张三", "财务"]]}),
     "internal"),
    ("sheet-name-bracket", lambda: xlsx_sheets({"客户明细（核心商密）": [["姓名"], ["张三"]]}),
     "core_commercial"),
    ("pptx-footer-clause", lambda: pptx_with_footer("普通商密 未经许可不得外传"), "commercial"),
    ("pptx-footer-clause-bar", lambda: pptx_with_footer("核心商密｜未经许可，不得外传"),
     "core_commercial"),
    ("vocab-internal-file", lambda: docx_lines(["内部文件", *FILLER]), "internal"),
    ("vocab-internal-material", lambda: docx_lines(["内部材料", *FILLER]), "internal"),
    ("title-prefix", lambda: docx_lines(["【内部】2023年度绩效考核方案", *FILLER]), "internal"),
    ("closing-note", lambda: docx_lines([*FILLER, "（此件为核心商密，不得外传）"]),
     "core_commercial"),
    ("declaration-commercial", lambda: docx_lines(
        [*FILLER, "本方案属本行商业秘密（普通商密），未经批准不得向外披露。"]), "commercial"),
    ("closing-note-circulation", lambda: docx_lines([*FILLER, "（此件仅供内部使用）"]),
     "internal"),
    ("declaration-contains", lambda: docx_lines([*FILLER, "本文件含有商业秘密，请妥善保管"]),
     "commercial"),
    ("declaration-study-material", lambda: docx_lines(
        [*FILLER, "本材料为内部学习资料，请勿外传"]), "internal"),
    ("declaration-internal", lambda: docx_lines(
        ["员工培训手册", "本手册为内部资料，仅限本行员工学习使用", *FILLER]), "internal"),
]


@pytest.mark.parametrize(("name", "build", "expected"), POSITIVE, ids=[p[0] for p in POSITIVE])
def test_layout_marks(name: str, build: Callable[[], list[TextChunk]], expected: str) -> None:
    assert level(build()) == expected, marks(build())


REGISTER = [["序号", "文件名称", "密级", "日期"], ["1", "信贷方案", "核心商密", "2024-01-02"],
            ["2", "费用通知", "内部", "2024-02-01"]]
NEGATIVE: list[tuple[str, Callable[[], list[TextChunk]]]] = [
    ("docx-register", lambda: docx_with_table(REGISTER, before=["涉密文件登记簿"])),
    ("docx-register-one-entry", lambda: docx_with_table(
        [["序号", "文件名称", "密级"], ["1", "信贷方案", "核心商密"]], before=["文件登记簿"])),
    ("docx-register-no-ordinal", lambda: docx_with_table(
        [["文件名称", "密级", "份数"], ["信贷方案", "机密", "3"], ["考核办法", "秘密", "2"]],
        before=["收文登记"])),
    ("pptx-register", lambda: pptx_with_table(REGISTER, title="文件登记情况")),
    ("odt-register", lambda: odt_with_table(REGISTER, before=["涉密文件登记簿"])),
    ("ofd-running-prose-footer", lambda: ofd_with_running("江川农村商业银行办公室")),
    ("docx-example-table", lambda: docx_with_table(
        [["文件编号", "密级", "版本"], ["JC-2024-07", "核心商密", "V1.0"]],
        before=["文档信息表填写示例："])),
    ("docx-level-list-under-label", lambda: docx_lines(
        ["保密知识培训", "密级", "绝密", "机密", "秘密", "不同密级的文件保管要求不同。"])),
    ("docx-choice-cell", lambda: docx_with_table(
        [["密级", "□绝密 □机密 □秘密"], ["保密期限", "____年"]], before=["定密审批表"])),
    ("statute-declaration-words", lambda: docx_lines(
        ["保密管理办法", "第三条 本办法所称商业秘密，是指不为公众所知悉的经营信息。",
         "第四条 本办法属于内部规章，各部门遵照执行。",
         "第五条 标注为核心商密的文件，不得外传。"])),
    ("quoted-closing-note", lambda: docx_lines(
        ["公文写作培训", "文末可注明“（此件为核心商密，不得外传）”。", *FILLER])),
    ("example-declaration", lambda: docx_lines(
        ["保密培训讲义", "声明句式示例：",
         "本方案属本行商业秘密（普通商密），未经批准不得向外披露。", *FILLER])),
    ("pdf-page-number-footer", lambda: pdf_with_running("内部控制制度汇编")),
    ("pdf-single-page-prose", lambda: pdf_pages([pdf_body(0)])),
    ("html-footer-prose", lambda: html(FILLER, footer="版权所有 江川农村商业银行 内部控制部")),
    ("rtf-footer-page", lambda: rtf(FILLER, footer="第 1 页")),
    ("markdown-training", lambda: markdown(
        "# 保密培训\n\n密级分为**绝密**、**机密**、**秘密**三级。\n\n" + "\n\n".join(FILLER))),
    ("statute-involves", lambda: docx_lines(
        [*FILLER, "本办法涉及商业秘密的，按照有关规定办理。"])),
    ("register-after-title", lambda: docx_with_table(
        [["文件名称", "密级"], ["2024年信贷计划", "机密"]], before=["2024年收文台账"])),
    ("markdown-register", lambda: markdown(
        "# 文件登记簿\n\n| 序号 | 文件名称 | 密级 |\n|---|---|---|\n| 1 | 方案 | 机密 |\n"
        "| 2 | 办法 | 秘密 |\n\n" + "\n\n".join(FILLER))),
    ("handling-clause-prose", lambda: docx_lines(
        [*FILLER, "涉及客户信息的资料不得外传，未经许可不得复制。"])),
]


@pytest.mark.parametrize(("name", "build"), NEGATIVE, ids=[n[0] for n in NEGATIVE])
def test_layout_hard_negatives(name: str, build: Callable[[], list[TextChunk]]) -> None:
    assert marks(build()) == []


def test_pdf_running_footer_is_one_footer_chunk_not_page_lines() -> None:
    chunks = pdf_with_running("普通商密", pages=4)
    footers = [c.text for c in chunks if c.location is Location.FOOTER]
    assert footers.count("普通商密") == 1
    assert not [c for c in chunks if c.location is Location.BODY and c.text == "普通商密"]


def test_declaration_sentence_has_medium_confidence() -> None:
    found = marks(docx_lines([*FILLER, "本手册为内部资料，仅限本行员工学习使用"]))
    assert found == [("internal", Location.BODY, "medium")]


def test_policy_vocabulary_extends_declarations() -> None:
    from secaudit.detect.vocabulary import Vocabulary

    detectors = build_detectors(Vocabulary.extended({"internal": ["行内资料"]}))
    chunks = docx_lines([*FILLER, "本手册为行内资料，仅限本行员工学习使用"])
    assert [f.level for f in detect(chunks, detectors) if f.kind == "marking"] == [
        Level.INTERNAL
    ]
