"""Ticked secrecy boxes in forms (``密级：□绝密 □机密 ☑秘密``) are marks; blank, ambiguous,
example and prose rows are not. Lines, real .docx table cells, real .xlsx rows, and one file
through the whole scan pipeline with the shipped policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from secaudit.config import load_config
from secaudit.detect.markings import MarkingDetector
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Channel, Confidence, HostRole, Location, ScanContext, TextChunk
from secaudit.policy import load_policy
from secaudit.scan.scanner import Scanner
from tests.detect.heldout_cases import classify, docx, txt, xlsx

DET = MarkingDetector(Vocabulary.default())
TITLE = ["定密审批表", "文件标题：2024年信贷投放计划", "承办部门：计划财务部"]
TAIL = ["拟稿人：张某", "审批意见：同意。", "日期：2024年3月1日"]


def body(*lines: str) -> list[TextChunk]:
    return [TextChunk(t, Location.BODY, index=i, standalone=True) for i, t in enumerate(lines)]


def form(row: str) -> list[TextChunk]:
    """The ticked row in the middle of a form's first page, past the first lines."""
    return body(*TITLE, "承办人：李某", "联系电话：1234", row, *TAIL)


def found(chunks: list[TextChunk]) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.level.value, f.text, f.period) for f in DET.analyze(chunks) if f.level)


TICKED_ROWS = [
    ("密级：□绝密 □机密 ☑秘密", "confidential", "☑秘密", None),
    ("□核心商密 ■普通商密 □内部", "commercial", "■普通商密", None),
    ("密级 ☐绝密 ☒机密 ☐秘密", "secret", "☒机密", None),
    ("√机密 □秘密", "secret", "√机密", None),
    ("密级：机密√", "secret", "机密√", None),
    ("密级：机密 √", "secret", "机密 √", None),
    ("(√)秘密 ( )机密", "confidential", "(√)秘密", None),
    ("（√）秘密　（ ）机密", "confidential", "（√）秘密", None),
    ("绝密（ ）机密（√）秘密（ ）", "secret", "机密（√）", None),
    ("[x]绝密 [ ]机密 [ ]秘密", "top_secret", "[x]绝密", None),
    ("密级：[X]内部", "internal", "[X]内部", None),
    ("密级：☑机密★10年", "secret", "☑机密★10年", "10年"),
    ("密级：□绝密 ▣机密 □秘密    保密期限：５年", "secret", "▣机密", "5年"),
    ("密级：□秘密 ✔机密 □非密", "secret", "✔机密", None),
    ("紧急程度：☑特急 □加急    密级：□绝密 ✓机密 □秘密", "secret", "✓机密", None),
    ("密 级：□ 绝 密  ✅ 机 密  □ 秘 密", "secret", "✅ 机 密", None),
    # a 发文稿纸 row of several fields, ticks on different sides of their labels
    ("紧急程度：特急√  密级：□绝密 ☑机密 □秘密", "secret", "☑机密", None),
    ("紧急程度：特急√  密级：□绝密 ☑机密 □秘密  保密期限：10年", "secret", "☑机密", "10年"),
    ("份号：003  紧急程度：加急√  密级：□核心商密 ■普通商密  份数：5", "commercial", "■普通商密",
     None),
]


@pytest.mark.parametrize(("row", "level", "text", "period"), TICKED_ROWS)
def test_ticked_row_in_a_form_is_a_mark(
    row: str, level: str, text: str, period: str | None
) -> None:
    (f,) = DET.analyze(form(row))
    assert (f.level and f.level.value, f.text, f.period) == (level, text, period)
    assert f.confidence is Confidence.HIGH and f.note == "勾选式密级栏"


NOT_MARKS = [
    "密级：□绝密 □机密 □秘密",  # blank form
    "密级：□绝密 ■机密 ■秘密",  # two ticked: ambiguous
    "■绝密 ■机密 ■秘密",  # a template drawing every box filled
    "■ 机密文件要专柜存放，不得随意放置。",  # a bullet in prose
    "■机密文件要专柜存放",
    "■ 涉及机密事项的，按规定报批",
    "☑机密",  # one option, no 密级 label: no form
    "机密√",
    "密级：□绝密 □机密 ☑非密",  # a non-level choice ticked
    "填写示例：□绝密 ■机密",  # a specimen on the same line
    "□绝密 ■机密（示例）",
    "○绝密 ●机密",  # ● is no tick
    "√ 已对照绝密、机密、秘密三级标准完成定密",
    "紧急程度：特急√  密级：□绝密 □机密 □秘密",  # several fields, 密级 left blank
    "紧急程度：特急√  密级：□绝密 ☑机密 ☑秘密",  # several fields, 密级 ticked twice
    "填写示例 紧急程度：特急√  密级：□绝密 ☑机密",
]


@pytest.mark.parametrize("row", NOT_MARKS)
def test_rows_that_declare_nothing(row: str) -> None:
    assert found(form(row)) == []


def test_example_context_before_the_row() -> None:
    assert found(body("密级栏填写方法如下：", "密级：□绝密 ☑机密 □秘密", "正文")) == []


def test_options_one_per_line_are_read_together() -> None:
    got = found(body(*TITLE, "文件密级", "□绝密", "☑机密", "□秘密", *TAIL))
    assert got == [("secret", "☑机密", None)]
    assert found(body(*TITLE, "文件密级", "□绝密", "□机密", "□秘密", *TAIL)) == []
    assert found(body(*TITLE, "密级", "☑秘密", *TAIL)) == [("confidential", "☑秘密", None)]
    assert found(body(*TITLE, "□绝密", "☑机密", "☑秘密", *TAIL)) == []


def test_ticked_row_beside_a_level_list_is_no_mark() -> None:
    chunks = body("保密培训", "密级：□绝密 ☑机密 □秘密", "秘密★10年", "绝密★30年")
    assert found(chunks) == []


def test_header_footer_and_sheet_chunks() -> None:
    assert found([TextChunk("江川农商银行  密级：□秘密 ☑机密", Location.HEADER)]) == [
        ("secret", "☑机密", None)
    ]
    rows = [
        TextChunk("定密审批表", Location.BODY, key="S", index=0),
        *(TextChunk(f"项目{i}\t内容{i}", Location.BODY, key="S", index=i) for i in range(1, 9)),
        TextChunk("密级\t□绝密\t☑机密\t□秘密", Location.BODY, key="S", index=9),
    ]
    assert found(rows) == [("secret", "☑机密", None)]


def test_docx_form_table_cells() -> None:
    table = [
        ["文件标题", "2024年信贷投放计划"],
        ["密级", "□绝密  ☑机密  □秘密"],
        ["保密期限", "10年"],
    ]
    assert classify(docx(["定密审批表"], table=table)) == "secret"
    one_per_cell = [["文件标题", "密级", "", ""], ["信贷计划", "□绝密", "□机密", "■秘密"]]
    assert classify(docx(["呈批件"], table=one_per_cell)) == "confidential"
    header_row = [["文件名称", "密级", "保密期限"], ["信贷计划", "□核心商密 ☑普通商密", "5年"]]
    assert classify(docx(["发文稿纸"], table=header_row)) == "commercial"
    blank = [["文件标题", "2024年信贷投放计划"], ["密级", "□绝密  □机密  □秘密"]]
    assert classify(docx(["定密审批表"], table=blank)) == "none"


def test_xlsx_form_rows() -> None:
    rows = [["定密审批表"], *([f"项目{i}", "x"] for i in range(6)), ["密级", "□绝密 □机密 ☑秘密"]]
    assert classify(xlsx({"审批表": rows})) == "confidential"
    across = [["登记表"], ["密级", "□绝密", "☒机密", "□秘密", "保密期限", "10年"]]
    got = [f for f in DET.analyze(xlsx({"登记表": across})) if f.level]
    assert [(f.level.value, f.period) for f in got] == [("secret", "10年")]  # type: ignore[union-attr]
    two = [["登记表"], ["密级", "□绝密", "☑机密", "☑秘密"]]
    assert classify(xlsx({"登记表": two})) == "none"


def test_gbk_text_form() -> None:
    text = "定密审批表\n文件标题：年度考核方案\n密级：(√)机密 ( )秘密\n正文。\n"
    assert classify(txt(text, encoding="gbk")) == "secret"


def test_ticked_form_on_an_internet_host_is_a_violation(tmp_path: Path, home: Path) -> None:
    import docx as python_docx

    doc = python_docx.Document()
    doc.add_paragraph("定密审批表")
    table = doc.add_table(rows=2, cols=2)
    for r, (k, v) in enumerate((("文件标题", "2024年信贷投放计划"), ("密级", "□绝密 ☑机密 □秘密"))):
        table.cell(r, 0).text, table.cell(r, 1).text = k, v
    root = tmp_path / "docs"
    root.mkdir()
    doc.save(str(root / "审批表.docx"))
    with Scanner(load_config(home), load_policy(), workers=1) as sc:
        run = sc.scan(
            [root], ScanContext(channel=Channel.INTERNET_HOST, host_role=HostRole.INTERNET)
        )
    (result,) = run.results
    assert result.classification.value == "secret"
    rules = {(v.rule, v.level.value if v.level else None) for v in run.violations}
    assert ("SEC-001", "secret") in rules


def test_box_gate_finds_every_box_any_box_finds() -> None:
    """The document-wide gate may say yes more often than ANY_BOX, never less."""
    import random

    from secaudit.detect.ticked import ANY_BOX, BOX_GATE

    rng = random.Random(11)
    alphabet = "■☑☒▣√✓✔✅□☐▢○◯(（[［【)）]］】 \u3000_xX机密a1"
    for _ in range(50_000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        assert not ANY_BOX.search(s) or BOX_GATE.search(s), s
    assert BOX_GATE.search("加强内部控制制度建设") is None
