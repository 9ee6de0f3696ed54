"""Issue 17, round 6: the mechanisms a fifth held-out set found short.

Every case is a real file (txt, docx, HTML, PDF, …) read by the real extractor; hard negatives
stand beside the positives. The strings are written here, not taken from any held-out corpus.
"""

from __future__ import annotations

import io

import pytest

from secaudit.detect.registry import detect
from secaudit.model import TextChunk
from tests.detect.heldout_cases import card, mobile
from tests.detect.layout_builders import (
    FILLER,
    docx_lines,
    docx_with_table,
    extracted,
    html,
    pdf_pages,
    rtf,
)
from tests.detect.rounds import BODY, DETECTORS, level, marks, txt

# -- 1: a notice's 通知如下 announces no example -------------------------------------------------
NOTICE = [
    "关于开展2024年度案防排查工作的通知",
    "各支行：",
    "为落实监管要求，现将有关事项通知如下。",
    "某某农村商业银行办公室",
    "2024年3月5日",
    "（此件为机密，不得对外提供）",
]


def test_notice_formula_before_a_closing_note() -> None:
    assert level(txt("\n".join(NOTICE))) == "secret"
    assert level(docx_lines(NOTICE)) == "secret"
    assert level(html(NOTICE)) == "secret"
    for verb in ("报告", "安排", "说明"):
        lines = [*NOTICE[:2], f"现将有关情况{verb}如下：", *NOTICE[3:]]
        assert level(txt("\n".join(lines))) == "secret", verb


def test_example_before_the_signature_does_not_reach_the_closing_note() -> None:
    lines = [*FILLER, "标注示例如下：", "某某农村商业银行办公室", "2024年3月5日"]
    assert level(txt("\n".join([*lines, "（此件为机密，不得对外提供）"]))) == "secret"


EXAMPLES = [
    ["密级标注示例如下：", "（此件为机密，不得对外提供）"],
    ["闭合注释的格式如下：", "（此件为机密，不得对外提供）"],
    ["标注如下：", "机密★10年"],
    ["例如下列写法：", "（本件为核心商密，不得外传）"],
    ["闭合注释写法，如：", "（此件为机密，不得对外提供）"],
    ["标注示例如下：", "2024年3月5日", "机密★10年"],
]


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_announcements_still_hold(example: list[str]) -> None:
    assert level(txt("\n".join([*FILLER, *example]))) == "none"
    assert level(docx_lines([*FILLER, *example])) == "none"


# -- 2: closing notes in more forms ---------------------------------------------------------------
CLOSING = {
    "（密级：核心商密）": "core_commercial",
    "（密级：内部文件）": "internal",
    "【密级：机密】": "secret",
    "（机密  请妥善保管，不得复印）": "secret",
    "（普通商密 用后收回）": "commercial",
    "【本材料属内部资料，阅后收回】": "internal",
    "（本材料属内部资料，用后收回）": "internal",
    "【本报告为核心商密，阅后销毁】": "core_commercial",
}


@pytest.mark.parametrize(("note", "expected"), CLOSING.items())
def test_closing_note_forms(note: str, expected: str) -> None:
    assert level(txt("\n".join([*NOTICE[:-1], note]))) == expected
    assert level(docx_lines([*NOTICE[:-1], note])) == expected
    assert level(html([*NOTICE[:-1], note])) == expected
    assert level(txt("\n".join([*NOTICE[:-1], note]), "gbk")) == expected


CLOSING_NEGATIVES = [
    "（机密 文件应当妥善保管）",  # level + noun: a sentence
    "（密级：机密、秘密）",  # choices
    "（密级：□机密 □秘密）",
    "（机密  文件管理办法）",  # no handling clause
    "（密级：见附表）",
    "（本材料属内部审计报告，阅后收回）",  # a longer noun
]


@pytest.mark.parametrize("note", CLOSING_NEGATIVES)
def test_closing_note_negatives(note: str) -> None:
    assert level(txt("\n".join([*NOTICE[:-1], note]))) == "none"
    assert level(docx_lines([*NOTICE[:-1], note])) == "none"


def test_closing_note_forms_in_an_example_stay_clean() -> None:
    for note in CLOSING:
        assert level(txt("\n".join([*FILLER, "闭合注释示例：", note]))) == "none", note
    register = ["文件名称\t密级\t编号", "某某报告\t（密级：机密）\t001", "某某方案\t秘密\t002"]
    assert level(txt("\n".join([*FILLER, *register]))) == "none"


# -- 3: declarations with a period clause, wrapped by a PDF --------------------------------------
DECLARED = {
    "本材料定为核心商密，保密期限为5年，知悉范围限于行领导及风险管理部。": "core_commercial",
    "本文件密级为机密（保密期限：长期），未经批准不得复制、转发。": "secret",
    "声明：本报告属于核心商密，保密期限为5年，仅供授信审批部内部审阅。": "core_commercial",
    "本文件密级为普通商密，保密期限五年，未经总行批准不得复制、摘抄或向外单位提供。": "commercial",
}


def pdf_lines(lines: list[str]) -> list[TextChunk]:
    """One page: the notice's lines, then ``lines`` as a PDF lays them out (one per row)."""
    placed = [(t, 25, 40 + 10 * k) for k, t in enumerate(FILLER)]
    placed += [(t, 25, 110 + 7 * k) for k, t in enumerate(lines)]
    return pdf_pages([placed])


def wraps(sentence: str) -> list[list[str]]:
    """The sentence broken at several places, inside words included."""
    return [[sentence[:k], sentence[k:]] for k in (4, 7, 12, len(sentence) - 3)]


@pytest.mark.parametrize(("sentence", "expected"), DECLARED.items())
def test_declaration_with_a_period_clause(sentence: str, expected: str) -> None:
    assert level(txt(f"{BODY}\n{sentence}")) == expected
    assert level(docx_lines([*FILLER, sentence])) == expected
    for parts in wraps(sentence):
        found = marks(pdf_lines(parts))
        assert {f.level.value for f in found if f.level} == {expected}, parts


def test_declaration_wrapped_over_three_lines() -> None:
    sentence = next(iter(DECLARED))
    parts = [sentence[:6], sentence[6:20], sentence[20:]]
    assert level(pdf_lines(parts)) == "core_commercial"
    assert level(txt("\n".join([*FILLER, *parts]))) == "core_commercial"


WRAPPED_NEGATIVES = [
    ["本办法所称核心商密，是指泄露会使本行", "利益遭受特别严重损害的信息。"],
    ["本培训讲解如何将文件定为", "核心商密的程序。"],
    ["本季度检查发现部分文件标注为", "机密，请各部门整改。"],
    ["本行保密工作要点", "机密文件应当专柜保管，不得带出。"],
    ["本文件密级为", "核心商密和普通商密两级的划分依据如下。"],
]


@pytest.mark.parametrize("parts", WRAPPED_NEGATIVES)
def test_wrapped_prose_declares_nothing(parts: list[str]) -> None:
    assert level(pdf_lines(parts)) == "none"
    assert level(txt("\n".join([*FILLER, *parts]))) == "none"


# -- 4: English glosses around a 密级 label or after a level --------------------------------------
GLOSSED = {
    "Classification 密级: 内部资料": "internal",
    "密级 Classification：普通商密": "commercial",
    "Security Level 密级：核心商密": "core_commercial",
    "机密 (SECRET)": "secret",
    "内部文件 (Internal Use Only)": "internal",
    "商密 (Commercial Secret)": "commercial",
}


@pytest.mark.parametrize(("line", "expected"), GLOSSED.items())
def test_english_gloss_is_decoration(line: str, expected: str) -> None:
    assert level(txt(f"{line}\n{BODY}")) == expected
    assert level(docx_lines([line, *FILLER])) == expected
    assert level(rtf(FILLER, header=line)) == expected
    assert level(html(FILLER, footer=line)) == expected


GLOSS_NEGATIVES = [
    "Classification 密级：机密、秘密",  # choices
    "密级 Classification：□机密 □秘密",
    "机密 (see note 3)",  # no gloss of a level
    "Level 密级 分为绝密、机密、秘密三级",
]


@pytest.mark.parametrize("line", GLOSS_NEGATIVES)
def test_english_gloss_negatives(line: str) -> None:
    assert level(txt(f"{line}\n{BODY}")) == "none"
    assert level(docx_lines([line, *FILLER])) == "none"


def test_glossed_register_column_stays_clean() -> None:
    register = [
        "文件名称\tClassification 密级\t编号",
        "某某报告\t机密 (SECRET)\t001",
        "某某方案\t秘密 (CONFIDENTIAL)\t002",
    ]
    assert level(txt("\n".join([*FILLER, *register]))) == "none"


# -- 5: header and footer lines -------------------------------------------------------------------
def docx_header(text: str) -> list[TextChunk]:
    import docx as python_docx

    doc = python_docx.Document()
    doc.sections[0].header.paragraphs[0].text = text
    for line in FILLER:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return extracted(buf.getvalue(), "通知.docx")


def html_closing_block(text: str) -> list[TextChunk]:
    """An HTML page whose footer is a plain block at the end (no <footer>, no footer class)."""
    paras = "".join(f"<p>{line}</p>" for line in FILLER)
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知</title></head><body>'
        f'{paras}<div style="text-align:center">{text}</div></body></html>'
    )
    return extracted(page.encode("utf-8"), "通知.html")


FOOTERS = {
    "【普通商密】注意保管": "commercial",
    "（核心商密）严禁外传": "core_commercial",
    "核心商密★1年    某某农村商业银行风险管理部": "core_commercial",
    "内部文件    某某农商银行授信审批部": "internal",
    "某某农商银行授信审批部　　内部资料": "internal",
}


@pytest.mark.parametrize(("line", "expected"), FOOTERS.items())
def test_header_and_footer_lines(line: str, expected: str) -> None:
    assert level(docx_header(line)) == expected
    assert level(html(FILLER, footer=line)) == expected
    assert level(html_closing_block(line.replace("  ", "&nbsp;&nbsp;"))) == expected
    assert level(txt(f"{BODY}\n{line}")) == expected


FOOTER_NEGATIVES = [
    "【内部】管理办法",
    "（机密）文件应当妥善保管",  # a bracketed level then a noun: a sentence
    "（普通商密）文件管理要求",
    "内部审计部    2024年3月5日",
    "机密    某某农商银行办公室    秘密",  # two levels
    "秘密    第3条",
]


@pytest.mark.parametrize("line", FOOTER_NEGATIVES)
def test_footer_negatives_in_the_body(line: str) -> None:
    assert level(txt(f"{BODY}\n{line}")) == "none"
    assert level(html_closing_block(line)) == "none"


def test_footer_form_in_a_register_or_example_stays_clean() -> None:
    register = [
        *("文件名称\t密级\t编号", "某某报告\t机密\t001", "某某方案\t秘密\t002"),
        "机密    某某农商银行办公室",
    ]
    assert level(txt("\n".join([*FILLER, *register]))) == "none"
    example = [*FILLER, "页脚示例：", "内部文件    某某农商银行授信审批部"]
    assert level(txt("\n".join(example))) == "none"


# -- 6: file names with a sequence number after the level ------------------------------------------
NUMBERED = {
    "理财产品代销清单_秘密_177.docx": "confidential",
    "考核办法_核心商密_187.docx": "core_commercial",
    "客户名单-普通商密-03.docx": "commercial",
}


@pytest.mark.parametrize(("name", "expected"), NUMBERED.items())
def test_name_with_a_number_after_the_level(name: str, expected: str) -> None:
    assert level(docx_lines(FILLER, name=name)) == expected


@pytest.mark.parametrize(
    "name", ["机密文件管理办法_12.docx", "内部控制_12.docx", "保密培训_秘密载体_3.docx"]
)
def test_numbered_names_without_a_mark(name: str) -> None:
    assert level(docx_lines(FILLER, name=name)) == "none"


# -- 7: label and value joined by = ---------------------------------------------------------------
EQUALS = {
    "定密级别=秘密": "confidential",
    "密　级=秘密": "confidential",
    "密级 = 机密": "secret",
    "报表密级=核心商密": "core_commercial",
    "定密级别：普通商密": "commercial",
}


@pytest.mark.parametrize(("line", "expected"), EQUALS.items())
def test_label_equals_value(line: str, expected: str) -> None:
    assert level(txt(f"{line}\n{BODY}")) == expected
    assert level(docx_lines([line, *FILLER])) == expected
    assert level(docx_with_table([[line, "编号：001"]])) == expected
    assert level(html([*FILLER, f"<table><tr><td>{line}</td><td>编号：001</td></tr></table>"])) == (
        expected
    )


EQUALS_NEGATIVES = [
    "密级=机密=秘密",
    "定密级别=□机密 □秘密",
    "定密级别应当根据泄露后可能造成的损害程度确定。",
    "level=机密",
]


@pytest.mark.parametrize("line", EQUALS_NEGATIVES)
def test_label_equals_negatives(line: str) -> None:
    assert level(txt(f"{line}\n{BODY}")) == "none"
    assert level(docx_lines([line, *FILLER])) == "none"


def test_definite_level_column_of_a_register_stays_clean() -> None:
    rows = [
        ["文件名称", "定密级别", "编号"],
        ["某某报告", "机密", "001"],
        ["某某方案", "秘密", "002"],
    ]
    assert level(docx_with_table(rows)) == "none"


# -- 8: a mail disclaimer naming the bank ---------------------------------------------------------
def eml(body: str) -> list[TextChunk]:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "zhangsan@example.com"
    msg["To"] = "lisi@example.com"
    msg["Subject"] = "关于报送季度数据的通知"
    msg.set_content(body)
    return extracted(msg.as_bytes(), "报送.eml")


DISCLAIMERS = {
    "【保密提示】本邮件及其附件属某某农商银行普通商密，仅供指定收件人使用，未经许可不得转发。": (
        "commercial"
    ),
    "本邮件及其附件属某某农村信用合作联社核心商密，如误收请删除。": "core_commercial",
    "【声明】本邮件属本行内部资料，请勿转发。": "internal",
}


@pytest.mark.parametrize(("line", "expected"), DISCLAIMERS.items())
def test_mail_disclaimer_naming_the_bank(line: str, expected: str) -> None:
    body = "各位同事：\n请于本周五前报送季度数据。\n谢谢！\n\n张三\n" + line + "\n"
    assert level(eml(body)) == expected
    assert level(txt(f"{BODY}\n{line}")) == expected


DISCLAIMER_NEGATIVES = [
    "本邮件讨论某某农商银行普通商密的定密流程，请勿转发。",
    "本邮件涉及某某银行内部控制评价，请勿转发。",
    "某某农商银行普通商密管理办法已印发，请各部门学习。",
    "【示例】本邮件属某某农商银行普通商密，请勿转发。",
    "本报告为某某银行内部审计报告，请勿外传。",
]


@pytest.mark.parametrize("line", DISCLAIMER_NEGATIVES)
def test_mail_prose_about_secrecy_work(line: str) -> None:
    body = "各位同事：\n请于本周五前报送季度数据。\n" + line + "\n谢谢！\n"
    assert level(eml(body)) == "none"
    assert level(txt(f"{BODY}\n{line}")) == "none"


# -- 9: a level with a bracketed scope ------------------------------------------------------------
SCOPED = {
    "普通商密（限授信条线）": "commercial",
    "机密（限行领导阅）": "secret",
    "核心商密(限风险管理部)": "core_commercial",
}


@pytest.mark.parametrize(("line", "expected"), SCOPED.items())
def test_level_with_a_bracketed_scope(line: str, expected: str) -> None:
    assert level(txt(f"{line}\n{BODY}")) == expected
    assert level(docx_lines([line, *FILLER])) == expected
    assert level(rtf(FILLER, header=line)) == expected


SCOPE_NEGATIVES = [
    "普通商密（限额管理）",
    "机密（限制级）",
    "核心商密 限时办理",
    "普通商密（限授信条线）管理办法",
    "机密（限行领导阅） 秘密（限部门负责人阅）",  # a list of levels
]


@pytest.mark.parametrize("line", SCOPE_NEGATIVES)
def test_bracketed_scope_negatives(line: str) -> None:
    assert level(txt(f"{line}\n{BODY}")) == "none"
    assert level(docx_lines([line, *FILLER])) == "none"


def test_scoped_levels_in_training_lists_stay_clean() -> None:
    lines = ["知悉范围的写法：", "机密（限行领导阅）", "秘密（限部门负责人阅）"]
    assert level(txt("\n".join([*FILLER, *lines]))) == "none"


# -- 10: a ticked row in a PDF --------------------------------------------------------------------
def pdf_row(runs: list[tuple[str, bool]], dy: float = 0.0) -> list[TextChunk]:
    """A PDF whose first line mixes a CJK font and a symbol font (the boxes, ``True``), the
    boxes raised by ``dy`` points as a word processor's symbol font sits, then the notice."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdfmetrics.registerFont(TTFont("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    x, y = 25 * mm, A4[1] - 30 * mm
    for text, symbol in runs:
        font = "DejaVuSans" if symbol else "STSong-Light"
        c.setFont(font, 12)
        c.drawString(x, y + (dy if symbol else 0), text)
        x += c.stringWidth(text, font, 12) + 2
    c.setFont("STSong-Light", 12)
    for k, line in enumerate(FILLER):
        c.drawString(25 * mm, A4[1] - (40 + 10 * k) * mm, line)
    c.showPage()
    c.save()
    return extracted(buf.getvalue(), "审批表.pdf")


def row(ticked: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = [("密级：", False)]
    for word in ("绝密", "机密", "秘密"):
        out += [("☑" if word == ticked else "☐", True), (word, False)]
    return out


@pytest.mark.skipif(
    not __import__("os").path.exists("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    reason="DejaVu Sans (the symbol font of the boxes)",
)
@pytest.mark.parametrize("dy", [0.0, 2.0])
def test_ticked_row_of_ballot_boxes_in_a_pdf(dy: float) -> None:
    assert level(pdf_row(row("机密"), dy)) == "secret"
    assert level(pdf_row(row(""), dy)) == "none"  # a blank form


WINGDINGS = {"\uf0a8": "\uf0fe", "\uf06f": "\uf0fd", "\uf0a3": "\uf052"}
"""Empty and ticked boxes of Wingdings/Wingdings 2 as text extracted without a ToUnicode map."""


@pytest.mark.parametrize(("empty", "tick"), WINGDINGS.items())
def test_ticked_row_of_symbol_font_boxes(empty: str, tick: str) -> None:
    line = f"密级：{empty}绝密 {tick}机密 {empty}秘密"
    assert level(txt(f"{line}\n{BODY}")) == "secret"
    assert level(txt(f"密级：{empty}绝密 {empty}机密 {empty}秘密\n{BODY}")) == "none"
    assert level(txt(f"密级：{tick}绝密 {tick}机密 {empty}秘密\n{BODY}")) == "none"


# -- 11: C3 values with spaces as separators ------------------------------------------------------
def c3(chunks: list[TextChunk]) -> set[str]:
    return {f.type for f in detect(chunks, DETECTORS) if f.detector == "auth_info" and f.type}


VISA = card(1, prefix="467912", length=16)


def test_card_fields_one_space_after_each_label() -> None:
    line = f"卡号 {VISA}  有效期 10/27  安全码 473"
    assert c3(docx_lines([*FILLER, line])) == {"card_cvn"}
    assert c3(txt(f"{BODY}\n{line}")) == {"card_cvn"}
    assert c3(docx_lines([*FILLER, f"CVV2 473  卡号 {VISA}"])) == {"card_cvn"}


def test_otp_rows_with_columns_apart_by_spaces() -> None:
    rows = ["时间  手机号  验证码", *(f"10:5{k}  {mobile(k)}  25441{k}" for k in range(3))]
    assert c3(docx_lines([*FILLER, *rows])) == {"otp_code"}
    assert c3(txt("\n".join([*FILLER, *rows]))) == {"otp_code"}
    wide = ["时间　　手机号　　验证码", *(f"10:5{k}　　{mobile(k)}　　25441{k}" for k in range(3))]
    assert c3(txt("\n".join([*FILLER, *wide]))) == {"otp_code"}


C3_NEGATIVES = [
    "安全码 473",  # no card number or expiry near
    "验证码 2024年起统一为6位",
    "短信验证码 有效期5分钟，请勿泄露",
    "登录密码 2024年修改",  # a password needs its colon
    "时间  事项  验证码说明",  # no code column
]


@pytest.mark.parametrize("line", C3_NEGATIVES)
def test_c3_space_negatives(line: str) -> None:
    assert c3(docx_lines([*FILLER, line])) == set()
    assert c3(txt(f"{BODY}\n{line}")) == set()


def test_spaced_rows_without_a_code_header_stay_clean() -> None:
    rows = ["时间  手机号  备注", *(f"10:5{k}  {mobile(k)}  25441{k}" for k in range(3))]
    assert c3(txt("\n".join([*FILLER, *rows]))) == set()
    prose = ["验证码", "10:51  137  254417"]  # a header must be a row of cells
    assert c3(txt("\n".join([*FILLER, *prose]))) == set()


@pytest.mark.parametrize("label", ["定密级别", "定密等级"])
def test_definite_level_label_cell_beside_its_value(label: str) -> None:
    """A document-information table: the label cell 定密级别, the value in the next cell; also
    a header row over one value row. A register (two value rows) stays clean (above)."""
    assert level(docx_with_table([["文件编号", "JC-07"], [label, "秘密"]])) == "confidential"
    assert level(docx_with_table([["文件编号", label, "版本"], ["JC-07", "秘密", "V1.0"]])) == (
        "confidential"
    )
