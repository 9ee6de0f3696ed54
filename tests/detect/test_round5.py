"""Issue 17, round 5: the mechanisms a fresh held-out set found short.

Every case is a real file (txt in UTF-8 and GBK, Markdown, HTML, RTF with GBK ``\\'xx`` escapes,
GBK CSV, docx, xlsx) read by the real extractor; hard negatives stand beside the positives. The
strings are written here, not taken from any held-out corpus.
"""

from __future__ import annotations

import pytest

from secaudit.detect.registry import detect
from secaudit.model import Level, Location
from tests.detect.heldout_cases import card, mobile
from tests.detect.layout_builders import (
    FILLER,
    docx_lines,
    docx_with_table,
    extracted,
    html,
    markdown,
    rtf,
    xlsx_sheets,
)
from tests.detect.rounds import BODY, DETECTORS, level, marks, txt

# -- 1: a 密级 label and its value joined by a bar or slash ----------------------------------------
SEPARATED = ["密级｜绝密", "密级|绝密", "密级 | 绝密", "密级丨绝密", "密级 / 绝密", "密级／绝密"]


@pytest.mark.parametrize("line", SEPARATED)
def test_label_bar_value_on_a_line_of_its_own(line: str) -> None:
    assert level(txt(f"{line}\n{BODY}")) == "top_secret"
    assert level(txt(f"{line}\n{BODY}", "gbk")) == "top_secret"
    assert level(docx_lines([line, *FILLER])) == "top_secret"


@pytest.mark.parametrize("line", ["密级｜核心商密", "报表密级｜核心商密", "文件密级 | 核心商密"])
def test_label_bar_value_in_cells_and_headers(line: str) -> None:
    assert level(xlsx_sheets({"Sheet1": [[line], ["客户名称", "余额"], ["张三", 100]]})) == (
        "core_commercial"
    )
    assert level(docx_with_table([[line, "编制部门：办公室"]])) == "core_commercial"
    assert level(rtf(FILLER, header=line)) == "core_commercial"


LABEL_BAR_NEGATIVES = [
    "密级｜绝密｜机密｜秘密",  # choices
    "密级 | 机密 / 秘密",
    "密级：绝密丨机密丨秘密",
    "文件名称｜密级｜编号",  # a register's header, no value
]


@pytest.mark.parametrize("line", LABEL_BAR_NEGATIVES)
def test_label_bar_negatives(line: str) -> None:
    assert level(txt(f"{line}\n{BODY}")) == "none"
    assert level(rtf(FILLER, header=line)) == "none"


def test_label_bar_register_and_example_stay_clean() -> None:
    register = ["文件名称｜密级｜编号", "某某报告｜机密｜001", "某某方案｜秘密｜002"]
    assert level(txt("\n".join([*FILLER, *register]))) == "none"
    example = ["密级标注示例如下：", "密级｜机密", "保密期限｜10年"]
    assert level(txt("\n".join([*FILLER, *example]))) == "none"


# -- 2: Markdown emphasis around the level or the whole line --------------------------------------
EMPHASIS = {
    "**机密** 未经审批不得转发": "secret",
    "*绝密★6个月*": "top_secret",
    "_内部资料_": "internal",
    "__秘密__": "confidential",
    "***核心商密***": "core_commercial",
    "> *普通商密* 严禁外传": "commercial",
}


@pytest.mark.parametrize(("line", "expected"), EMPHASIS.items())
def test_markdown_emphasis_around_the_level(line: str, expected: str) -> None:
    text = f"{line}\n\n# 关于做好信贷资产质量管理工作的通知\n\n{BODY}\n"
    assert level(markdown(text)) == expected


def test_markdown_emphasis_in_a_declaration() -> None:
    text = f"{BODY}\n\n本方案为**内部资料**，请勿外传。\n"
    assert level(markdown(text)) == "internal"


EMPHASIS_NEGATIVES = [
    "* 机密文件管理要求",  # a bullet
    "*内部控制* 检查要点",
    "_内部审计_ 工作安排",
    "变量 file_内部_name 的取值",
    "*绝密* *机密* *秘密*",  # choices
    "**机密文件**的管理，应当遵守本办法",
]


@pytest.mark.parametrize("line", EMPHASIS_NEGATIVES)
def test_markdown_emphasis_negatives(line: str) -> None:
    assert level(markdown(f"{line}\n\n{BODY}\n")) == "none"


def test_level_then_a_noun_in_a_body_sentence_is_no_handling_line() -> None:
    sentence = "文件应当妥善保管，不得带出办公场所。"
    lead = ["# 保密培训要点", "各位同事：本期培训介绍保管要求。", "一、基本要求。", "二、其他。"]
    text = "\n\n".join([*lead, f"**机密** {sentence}", "请大家认真学习。"])
    assert level(markdown(text)) == "none"
    assert level(docx_lines([*FILLER, f"机密 {sentence}"])) == "none"
    assert level(rtf(FILLER, footer="核心商密 资料不得外传")) == "core_commercial"


def test_asterisks_that_are_a_star_form_stay_stars() -> None:
    """``*机密*`` reads as the non-standard star form it was (a mark anywhere, with its note)."""
    found = marks(txt("\n".join([*FILLER, *FILLER, "*机密*"])))
    assert [(f.level, f.text) for f in found] == [(Level.SECRET, "*机密*")]
    assert found[0].note and "星号前置" in found[0].note


def test_markdown_emphasis_example_stays_clean() -> None:
    text = f"{BODY}\n\n标注示例：\n\n**机密** 未经审批不得转发\n\n*绝密★6个月*\n"
    assert level(markdown(text)) == "none"


# -- 3: declarations whose subject is a compound noun ---------------------------------------------
def test_declaration_with_compound_subject_first_line_of_txt() -> None:
    line = "本制度汇编仅限本行内部使用，未经办公室同意不得复制或转发。"
    assert level(txt(f"{line}\n{BODY}")) == "internal"
    assert level(txt(f"{line}\n{BODY}", "gbk")) == "internal"


def test_declaration_with_compound_subject_last_paragraph_of_markdown() -> None:
    line = "本培训教材为内部资料，仅供本行员工学习，请勿外传。"
    found = marks(markdown(f"# 柜面业务培训\n\n{BODY}\n\n{line}\n"))
    assert [f.level for f in found] == [Level.INTERNAL]


def test_declaration_with_note_label_in_an_html_paragraph_with_a_class() -> None:
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>测算</title></head><body>'
        '<p class="note">注：本测算属本行普通商密，请勿对外引用。</p>'
        + "".join(f"<p>{line}</p>" for line in FILLER)
        + "</body></html>"
    )
    assert level(extracted(page.encode("utf-8"), "测算.html")) == "commercial"


COMPOUND_SUBJECTS = {
    "本次培训材料为内部资料，请勿外传。": "internal",
    "本期简报属内部资料，仅供参考。": "internal",
    "此份测算表属核心商密，不得外传。": "core_commercial",
}


@pytest.mark.parametrize(("line", "expected"), COMPOUND_SUBJECTS.items())
def test_declaration_compound_subjects(line: str, expected: str) -> None:
    assert level(docx_lines([*FILLER, line])) == expected


SUBJECT_NEGATIVES = [
    "本季度仅限内部使用的系统已经上线。",
    "本行商业秘密分为核心商密和普通商密两级。",
    "本行员工为内部资料的第一责任人，请勿外传。",
    "本人为内部资料管理员，请勿外传。",
    "本季度属内部资料管理检查期，请勿外传。",
    "此类文件属于核心商密，不得外传。",
    "本邮件如涉及商业秘密，请勿转发。",
    "本课程介绍密级为机密的文件如何管理，请勿外传。",
    "本系统中标注为核心商密的文件，不得外传。",
    "本办法所称普通商密，是指泄露会使本行利益受到损害的信息。",
    "本培训讲解如何将文件定为核心商密。",
    "本年度内部审计报告已报董事会。",
    "本制度汇编收录内部控制制度十二项。",
    "本题答案为机密。",
    "本题正确选项属核心商密。",
]


def test_compound_subject_negatives() -> None:
    assert level(docx_lines([*FILLER, *SUBJECT_NEGATIVES])) == "none"
    for line in SUBJECT_NEGATIVES:
        assert level(txt(f"{line}\n{BODY}")) == "none", line


# -- 4: a ticked row whose other options are no level ---------------------------------------------
TICKED = {
    "文件密级：□核心商密 ☑普通商密 □内部公开": "commercial",
    "文件密级：☑核心商密 □普通商密 □非密": "core_commercial",
    "密级：□机密 ☑秘密 □公开": "confidential",
    "密级：核心商密□ 普通商密√ 内部公开□": "commercial",
}


@pytest.mark.parametrize(("row", "expected"), TICKED.items())
def test_ticked_level_wins_over_non_level_options(row: str, expected: str) -> None:
    assert level(html([row, *FILLER])) == expected


TICKED_NEGATIVES = [
    "文件密级：□核心商密 □普通商密 ☑内部公开",
    "文件密级：□核心商密 □普通商密 ☑公开",
    "密级：□机密 ☑非密",
    "文件密级：□核心商密 □普通商密 □内部公开",  # blank
    "文件密级：☑核心商密 ☑普通商密 □内部公开",  # two ticks
    "☑机密文件 □秘密文件",
]


@pytest.mark.parametrize("row", TICKED_NEGATIVES)
def test_ticked_non_level_is_no_mark(row: str) -> None:
    assert level(html([row, *FILLER])) == "none"


# -- 5: a running footer, level 、 unit name (both orders) ----------------------------------------
FOOTERS = {
    "机密、某某农村商业银行": "secret",
    "某某农村商业银行、机密": "secret",
    "核心商密、某某农商银行零售业务部": "core_commercial",
    "某某农村商业银行 、 普通商密": "commercial",
}


@pytest.mark.parametrize(("footer", "expected"), FOOTERS.items())
def test_footer_level_then_unit_name_after_a_dunhao(footer: str, expected: str) -> None:
    found = marks(rtf(FILLER, footer=footer))
    assert {f.location for f in found} == {Location.FOOTER}
    assert level(rtf(FILLER, footer=footer)) == expected
    assert level(rtf(FILLER, header=footer)) == expected


BAR_RUNNING_LINES = {
    "某某农村商业银行丨机密": "secret",
    "机密丨某某农村商业银行": "secret",
    "密级｜普通商密 未经许可不得外传": "commercial",
    "密级丨核心商密丨某某农商银行": "core_commercial",
}


@pytest.mark.parametrize(("line", "expected"), BAR_RUNNING_LINES.items())
def test_running_lines_with_any_bar(line: str, expected: str) -> None:
    assert level(rtf(FILLER, footer=line)) == expected
    assert level(html(FILLER, header=line)) == expected


def test_unit_names_joined_by_a_dunhao_before_the_level() -> None:
    assert level(rtf(FILLER, header="市场部、办公室 内部资料 严禁外传")) == "internal"
    assert level(rtf(FILLER, header="某某支行、某某支行｜机密")) == "secret"


FOOTER_NEGATIVES = [
    "内部审计、某某农村商业银行",
    "内部控制部、某某银行",
    "机密、秘密、绝密",
    "核心商密、普通商密、某某农商银行",
    "内部、外部审计",
    "内部丨外部审计",
    "机密丨秘密丨绝密",
]


@pytest.mark.parametrize("footer", FOOTER_NEGATIVES)
def test_footer_dunhao_negatives(footer: str) -> None:
    assert level(rtf(FILLER, footer=footer)) == "none"


# -- 6: an account column in a GBK CSV vetoes cards ------------------------------------------------
def _cards(header: str, encoding: str = "gbk") -> int:
    rows = [header] + [
        f"{card(k, '621700')},DD2025{k:08d},7203794.14,SN{k:010d},0571-8{k}123456" for k in range(8)
    ]
    data = "\r\n".join(rows).encode(encoding)
    found = detect(extracted(data, "对公流水.csv"), DETECTORS)
    return sum(f.count or 0 for f in found if f.type == "bank_card")


@pytest.mark.parametrize("first", ["对公账号", "结算账户", "单位账号"])
def test_account_column_in_a_gbk_csv_is_no_card(first: str) -> None:
    assert _cards(f"{first},订单号,金额,设备序列号,座机") == 0
    assert _cards(f"{first},订单号,金额,设备序列号,座机", "utf-8") == 0


def test_card_column_in_a_csv_still_holds_cards() -> None:
    assert _cards("卡号,订单号,金额,设备序列号,座机") == 8
    rows = ["姓名,银行卡号,手机号"] + [f"客户{k},{card(k, '622848')},{mobile(k)}" for k in range(5)]
    found = detect(extracted("\r\n".join(rows).encode("gbk"), "名单.csv"), DETECTORS)
    assert {f.type: f.count for f in found if f.kind == "info_type"} == {
        "bank_card": 5,
        "cn_mobile": 5,
    }


def test_long_cells_with_words_are_no_csv_row() -> None:
    """A 19-digit value is one cell; a long cell of words is still a sentence with commas."""
    from secaudit.detect.tables import row_separator

    assert row_separator("6217000368799173401,DD202500000000,7203794.14") == ","
    assert row_separator("user.name@example.invalid,0571-80123456") == ","
    assert row_separator("各支行应当于本月底前完成自查整改工作,逾期未完成的将予以通报") is None
