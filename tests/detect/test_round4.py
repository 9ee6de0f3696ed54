"""Issue 17, round 4: the mechanisms a fresh held-out set found short.

Every case is a real file (python-docx, openpyxl, python-pptx, MIME messages, CSV bytes) read
by the real extractor; hard negatives stand beside the positives. The strings are written here,
not taken from any held-out corpus.
"""

from __future__ import annotations

from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from secaudit.detect.registry import build_detectors, detect
from secaudit.model import Finding, Level, TextChunk
from tests.detect.heldout_cases import mobile
from tests.detect.layout_builders import FILLER, extracted
from tests.detect.test_declarations import docx, docx_bytes, xlsx_bytes

DETECTORS = build_detectors()
TABLE = [
    ["客户名称", "证件类型", "联系电话"],
    ["张三", "身份证", "本人"],
    ["李四", "身份证", "本人"],
]


def marks(chunks: list[TextChunk]) -> list[Finding]:
    return [f for f in detect(chunks, DETECTORS) if f.kind == "marking"]


def level(chunks: list[TextChunk]) -> str:
    found = [f.level for f in marks(chunks) if f.level]
    return Level.highest(found).value


def message(subject: str, body: str = "各位同事：请查收。", **headers: str) -> bytes:
    """A UTF-8 message whose subject is RFC 2047 encoded and folded (as mail clients send)."""
    msg = MIMEMultipart()
    msg["Subject"] = Header(subject, "utf-8", maxlinelen=40)
    msg["From"] = "a@example.invalid"
    msg["To"] = "b@example.invalid"
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.attach(MIMEText(body, "plain", "utf-8"))
    return msg.as_bytes()


def eml(subject: str, body: str = "各位同事：请查收。", **headers: str) -> list[TextChunk]:
    return extracted(message(subject, body, **headers), "邮件.eml")


def csv(lines: list[str], encoding: str = "utf-8") -> list[TextChunk]:
    return extracted("\r\n".join(lines).encode(encoding), "名单.csv")


# -- 1, 2: e-mail subjects ---------------------------------------------------------------------
SUBJECTS = {
    "秘密｜第三季度检查工作方案": "confidential",
    "内部资料｜年终决算工作安排": "internal",
    "核心商密 | 重点客户营销方案": "core_commercial",
    "机密/信贷风险排查报告": "secret",
    "回复：普通商密｜网点转型方案": "commercial",
    "信贷管理系统升级方案（核心商密）": "core_commercial",
    "转发：年度考核办法【内部资料】": "internal",
    "2024年营销方案(普通商密)": "commercial",
}
SUBJECT_NEGATIVES = [
    "关于核心商密管理的通知（征求意见稿）",
    "内部控制｜检查安排",
    "内部审计｜整改报告",
    "商业秘密保护培训｜通知",
    "密级标注规范（示例：核心商密）",
    "绝密、机密、秘密的区别",
    "请确认文件密级（机密/秘密）",
    "机密/秘密/绝密文件管理培训",
    "内部/外部数据对接方案",
    "内部／外包人员管理办法",
    "内部｜外部审计衔接安排",
    "商密/非密文件清单",
    "关于报送内部资料的通知",
]


@pytest.mark.parametrize(("subject", "expected"), SUBJECTS.items())
def test_subject_marks_level_separator_title_and_title_bracket(subject: str, expected: str) -> None:
    assert level(eml(subject)) == expected


@pytest.mark.parametrize("subject", SUBJECT_NEGATIVES)
def test_subject_hard_negatives(subject: str) -> None:
    assert level(eml(subject)) == "none"


# -- 3: declaration sentences ------------------------------------------------------------------
DECLARATIONS = {
    "本讲义系本行内部资料，只限员工内部学习。": "internal",
    "本材料已被确定为核心商密，知悉范围限于工作组。": "core_commercial",
    "本方案被确定为普通商密，知悉范围仅限项目组成员。": "commercial",
    "本报告确定为核心商密，仅限审计委员会成员阅知。": "core_commercial",
    "本邮件及其附件属本行普通商密，如误收请删除。": "commercial",
    "本邮件及附件为核心商密，如非收件人请立即删除并通知发件人。": "core_commercial",
    "本文件系本行内部资料，仅限于本行员工使用，如误收请通知发件人。": "internal",
    "本材料按核心商密管理，知悉范围限于项目组。": "core_commercial",
    "以上内容属核心商密，请勿外传。": "core_commercial",
    "上述信息为内部资料，仅限行内使用。": "internal",
    "本材料已被列为核心商密，不得外传。": "core_commercial",
    "本邮件属普通商密，如您不是本邮件的收件人，请勿使用并立即告知发件人。": "commercial",
}
DECLARATION_NEGATIVES = [
    "本办法所称商业秘密，是指不为公众所知悉的经营信息。",
    "涉及商业秘密的，应当按照规定确定密级。",
    "确定为核心商密的事项，知悉范围应当限于工作需要的人员。",
    "如：“本材料已被确定为核心商密，知悉范围限于工作组”。",
    "本邮件如涉及商业秘密，请勿转发。",
    "本办法被确定为内部控制制度的组成部分。",
    "本邮件及其附件可能包含保密信息，如误收请删除。",
    "本制度所称内部资料，是指仅限本行员工使用的资料。",
    "本办法按照核心商密管理的要求制定。",
    "以上内容属于商业秘密的，应当按规定管理。",
    "上述信息涉及商业秘密的，不得外传。",
    "以上内容为内部控制的要点，请遵照执行。",
    "本制度参照国家秘密管理。",
]


@pytest.mark.parametrize(("line", "expected"), DECLARATIONS.items())
def test_declarations_new_wordings(line: str, expected: str) -> None:
    assert level(docx([*FILLER, line])) == expected
    assert level(eml("工作材料", "各位同事：\n请查收附件。\n" + line)) == expected


def test_declaration_hard_negatives() -> None:
    assert level(docx([*FILLER, *DECLARATION_NEGATIVES])) == "none"
    assert level(eml("制度学习", "\n".join(DECLARATION_NEGATIVES))) == "none"
    quoted = ["示例：", "本材料已被确定为核心商密，知悉范围限于工作组。"]
    assert level(docx([*FILLER, *quoted])) == "none"


# -- 4: prefixed 密级 labels in sheets and Word tables -------------------------------------------
@pytest.mark.parametrize(
    "label", ["报表密级", "数据密级", "台账保密等级", "密级(内部填写)", "报表密 级"]
)
def test_sheet_information_block_with_prefixed_label(label: str) -> None:
    rows = [
        ["报表名称", "存款客户月报"],
        [label, "普通商密"],
        ["编制部门", "计划财务部"],
        [],
        *TABLE,
    ]
    assert level(extracted(xlsx_bytes(rows), "月报.xlsx")) == "commercial"


def test_prefixed_label_in_a_word_table() -> None:
    table = [["报表名称", "存款客户月报"], ["报表密级", "核心商密"]]
    from tests.detect.layout_builders import docx_with_table

    assert level(docx_with_table(table)) == "core_commercial"


def test_prefixed_label_register_stays_clean() -> None:
    register = [
        ["序号", "报表名称", "报表密级", "报送部门"],
        [1, "存款月报", "普通商密", "计划财务部"],
        [2, "贷款月报", "核心商密", "公司业务部"],
    ]
    assert level(extracted(xlsx_bytes(register), "报表目录.xlsx")) == "none"
    choice = [["报表名称", "存款客户月报"], ["报表密级", "核心商密/普通商密/内部"]]
    assert level(extracted(xlsx_bytes(choice), "月报.xlsx")) == "none"


# -- 5: CSV title row led by a level -----------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "expected"),
    [("核心商密 重点客户名单,,", "core_commercial"), ("普通商密　存款客户清单,,", "commercial")],
)
def test_csv_title_row_led_by_level(title: str, expected: str) -> None:
    rows = [title, *(",".join(r) for r in TABLE)]
    assert level(csv(rows)) == expected
    assert level(csv(rows, "gbk")) == expected


def test_quoted_csv_title_row() -> None:
    rows = ['"核心商密 重点客户名单",,', *(",".join(r) for r in TABLE)]
    assert level(csv(rows)) == "core_commercial"


def test_csv_title_row_negatives() -> None:
    for title in ("内部 控制检查表,,", "核心商密 文件登记台账,,", "秘密 级文件管理说明,,"):
        assert level(csv([title, *(",".join(r) for r in TABLE)])) == "none", title


# -- 6: file names with a number prefix ----------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("012_内部资料-网点转型说明.docx", "internal"),
        ("03-核心商密-重点客户营销方案.docx", "core_commercial"),
        ("20240315_普通商密_存款分析.docx", "commercial"),
        ("7.机密-风险排查报告.docx", "secret"),
        ("附件1_内部资料-网点说明.docx", "internal"),
        ("(3)机密-风险排查报告.docx", "secret"),
    ],
)
def test_file_name_number_prefix_then_level(name: str, expected: str) -> None:
    data = docx_bytes(FILLER)
    assert level(extracted(data, name)) == expected


@pytest.mark.parametrize(
    "name", ["012_内部控制-检查说明.docx", "03-内部审计报告.docx", "2024_密级管理培训.docx"]
)
def test_file_name_number_prefix_negatives(name: str) -> None:
    assert level(extracted(docx_bytes(FILLER), name)) == "none"


# -- 9, 10: periods and notes ------------------------------------------------------------------
def test_period_ends_before_a_separator_and_unit_name() -> None:
    found = marks(docx(FILLER, header="机密★3年／风险管理部"))
    assert [(f.level, f.period) for f in found] == [(Level.SECRET, "3年")]
    found = marks(docx(FILLER, header="秘密★2028年12月31日｜办公室"))
    assert [(f.level, f.period) for f in found] == [(Level.CONFIDENTIAL, "2028年12月31日")]


def test_star_on_commercial_marks_carries_no_state_secret_note() -> None:
    found = marks(docx(["核心商密★5年", *FILLER]))
    assert [f.level for f in found] == [Level.CORE_COMMERCIAL]
    assert "国家秘密" not in (found[0].note or "")
    found = marks(docx(["普通商密★1年", *FILLER]))
    assert "国家秘密" not in (found[0].note or "")


# -- 7: C3 one-time codes in comma-separated rows ------------------------------------------------
def _otp(chunks: list[TextChunk]) -> int:
    return sum(f.count or 0 for f in detect(chunks, DETECTORS) if f.type == "otp_code")


def test_otp_codes_in_csv() -> None:
    rows = ["时间,手机号,验证码"] + [
        f"2024-03-0{n} 10:1{n},{mobile(n)},{483920 + 7919 * n}" for n in range(1, 6)
    ]
    assert _otp(csv(rows)) == 5
    assert _otp(csv(rows, "gbk")) == 5
    found = {f.type: f for f in detect(csv(rows), DETECTORS) if f.kind == "info_type"}
    assert found["otp_code"].sample == "***"


def test_otp_csv_negatives() -> None:
    templates = ["模板编号,模板名称,验证码位数,有效分钟", "T001,登录验证,6,5", "T002,转账确认,6,10"]
    assert _otp(csv(templates)) == 0
    masked = ["时间,手机号,验证码"] + [f"2024-03-0{n},{mobile(n)},******" for n in range(1, 5)]
    assert _otp(csv(masked)) == 0
    prose = ["收到验证码后,请在页面输入该验证码并点击确认按钮完成绑定操作", "123456,654321"]
    assert _otp(csv(prose)) == 0
    ragged = ["时间,手机号,验证码"] + [f"2024-03-0{n},{483920 + n}" for n in range(1, 5)]
    assert _otp(csv(ragged)) == 0


# -- 8: machine ids in mail headers ---------------------------------------------------------------
def test_message_id_local_part_is_no_mobile() -> None:
    number = mobile(3)
    chunks = eml(
        "工作安排",
        message_id=f"<{number}@mail.example.invalid>",
        in_reply_to=f"<{mobile(4)}.99@mail.example.invalid>",
        references=f"<{mobile(5)}.7@mail.example.invalid> <{mobile(6)}.8@x.invalid>",
    )
    assert [c.key for c in chunks if c.text.startswith(f"<{number}")] == ["Message-ID"]
    assert not [f for f in detect(chunks, DETECTORS) if f.type == "cn_mobile"]
    body = eml("联系方式", f"客户经理手机：{number}")
    assert [f.count for f in detect(body, DETECTORS) if f.type == "cn_mobile"] == [1]


def test_unallocated_mobile_prefix_is_no_mobile() -> None:
    for head in ("141", "142", "164", "174"):
        body = eml("联系方式", f"客户经理手机：{head}39201857")
        assert not [f for f in detect(body, DETECTORS) if f.type == "cn_mobile"], head


def test_amount_and_account_columns_in_csv_are_no_mobile() -> None:
    amounts = [mobile(n) for n in range(4, 8)]  # 11-digit amounts shaped like mobiles
    for header in ("交易金额", "账户余额", "客户号"):
        rows = [f"日期,{header}"] + [f"2024-03-0{n + 1},{a}" for n, a in enumerate(amounts)]
        assert not [f for f in detect(csv(rows), DETECTORS) if f.type == "cn_mobile"], header
    phones = [mobile(n) for n in range(4)]
    rows = ["日期,联系电话"] + [f"2024-03-0{n + 1},{a}" for n, a in enumerate(phones)]
    assert [f.count for f in detect(csv(rows), DETECTORS) if f.type == "cn_mobile"] == [4]


# -- 11: slide footers drawn as text boxes -------------------------------------------------------
def test_text_box_at_the_slide_foot_is_a_footer() -> None:
    from tests.detect.layout_builders import pptx_with_footer

    chunks = pptx_with_footer("普通商密 未经许可不得外传")
    feet = [c for c in chunks if c.text == "普通商密 未经许可不得外传"]
    assert feet and {c.location.value for c in feet} == {"footer"}
    assert {f.location.value for f in marks(chunks)} == {"footer"}
    titles = [c for c in chunks if c.text.startswith("第1部分")]
    assert [c.location.value for c in titles] == ["body"]


def test_prose_text_box_at_the_slide_foot_is_no_mark() -> None:
    from tests.detect.layout_builders import pptx_with_footer

    for foot in ("数据来源：内部统计", "内部控制｜合规管理", "资料来源：本行内部审计部"):
        assert level(pptx_with_footer(foot)) == "none", foot


def test_label_rows_naming_different_levels_are_a_list() -> None:
    rows = [["密级变更登记"], ["报表密级", "核心商密"], ["报表密级", "普通商密"]]
    assert level(extracted(xlsx_bytes(rows), "变更.xlsx")) == "none"
    rows = [["密级", "核心商密"], ["密级", "普通商密"], *TABLE]
    assert level(extracted(xlsx_bytes(rows), "变更.xlsx")) == "none"


def test_period_field_ends_before_a_separator() -> None:
    found = marks(docx(["密级：机密　保密期限：5年／办公室", *FILLER]))
    assert [(f.level, f.period) for f in found] == [(Level.SECRET, "5年")]


def test_otp_codes_in_a_markdown_table() -> None:
    rows = [f"| 2024-03-0{n} | {mobile(n)} | {483920 + 7919 * n} |" for n in range(1, 5)]
    text = "\n".join(["# 验证记录", "", "| 时间 | 手机号 | 验证码 |", "|---|---|---|", *rows])
    assert _otp(extracted(text.encode(), "记录.md")) == 4
    masked = [r.rsplit("|", 2)[0] + "| ****** |" for r in rows]
    text = "\n".join(["| 时间 | 手机号 | 验证码 |", "|---|---|---|", *masked])
    assert _otp(extracted(text.encode(), "记录.md")) == 0


def test_prefixed_label_with_its_value_in_one_cell_or_line() -> None:
    rows = [["报表名称：存款客户月报"], ["报表密级：普通商密"], *TABLE]
    assert level(extracted(xlsx_bytes(rows), "月报.xlsx")) == "commercial"
    assert level(docx(["数据密级：核心商密", *FILLER])) == "core_commercial"
    assert level(docx([*FILLER, "建议密级：核心商密/普通商密"])) == "none"
    assert level(docx([*FILLER, "示例：", "报表密级：核心商密"])) == "none"
