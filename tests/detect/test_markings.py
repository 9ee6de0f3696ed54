"""Marking detector tables: marks in every location and form, and prose that is no mark."""

from __future__ import annotations

import pytest

from secaudit.detect.markings import MarkingDetector
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Confidence, Level, Location, TextChunk

DET = MarkingDetector(Vocabulary.default())
B, H, F, P, N, S = (
    Location.BODY,
    Location.HEADER,
    Location.FOOTER,
    Location.PROPERTY,
    Location.FILENAME,
    Location.SUBJECT,
)
NEUTRAL = ["关于2024年信贷投放计划的通知", "各支行：", "现将有关事项通知如下。", "特此通知。"]


def body(*lines: str) -> list[TextChunk]:
    return [TextChunk(t, B, index=i, standalone=True) for i, t in enumerate(lines)]


def marks(chunks: list[TextChunk]) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.level.value, f.text, f.period) for f in DET.analyze(chunks) if f.level)


POSITIVE = [
    (body("机密★10年", *NEUTRAL), "secret", "10年"),
    (body("000123", "绝密★长期", "特急", *NEUTRAL), "top_secret", "长期"),
    (body("秘密★6个月", *NEUTRAL), "confidential", "6个月"),
    (body("秘密★会议开始前", *NEUTRAL), "confidential", "会议开始前"),
    (body("机密★2026年6月30日前", *NEUTRAL), "secret", "2026年6月30日前"),
    (body("机密★", *NEUTRAL), "secret", None),
    (body("机 密★1年", *NEUTRAL), "secret", "1年"),
    (body("机　密", *NEUTRAL), "secret", None),
    (body("机密★１０年", *NEUTRAL), "secret", "10年"),
    (body("000123        机密★1年", *NEUTRAL), "secret", "1年"),
    (body("000123 秘密", *NEUTRAL), "confidential", None),
    (body("秘密", *NEUTRAL), "confidential", None),
    (body("密级：机密", *NEUTRAL), "secret", None),
    (body("密级: 绝密★20年", *NEUTRAL), "top_secret", "20年"),
    (body("核心商密★5年", *NEUTRAL), "core_commercial", "5年"),
    (body("普通商密", *NEUTRAL), "commercial", None),
    (body("商密★2年", *NEUTRAL), "commercial", "2年"),
    (body("内部资料 注意保存", *NEUTRAL), "internal", None),
    (body("【内部】", *NEUTRAL), "internal", None),
    (body("限内部使用", *NEUTRAL), "internal", None),
    (body(*NEUTRAL, "正文", "正文", "正文", "机密★10年", "正文"), "secret", "10年"),
    ([TextChunk("第1页  内部资料", F)], "internal", None),
    ([TextChunk("机密", H)], "secret", None),
    ([TextChunk("XX农商银行\t\t秘密★5年", H)], "confidential", "5年"),
    ([TextChunk("机密", P, key="密级")], "secret", None),
    ([TextChunk("机密★10年", P, key="classification")], "secret", "10年"),
    ([TextChunk("报告;内部", P, key="keywords")], "internal", None),
    ([TextChunk("核心商密", P, key="category")], "core_commercial", None),
    ([TextChunk("秘密★5年", P, key="DocLevel")], "confidential", "5年"),
    ([TextChunk("（机密）2024年信贷计划.docx", N)], "secret", None),
    ([TextChunk("机密-2024年计划.docx", N)], "secret", None),
    (
        [TextChunk("[核心商密]方案.xlsx", N, member="a.zip/[核心商密]方案.xlsx")],
        "core_commercial",
        None,
    ),
    ([TextChunk("Re: 【机密】关于年度考核", S)], "secret", None),
    (
        [
            TextChunk("机密★5年", B, key="Sheet1", index=0),
            TextChunk("姓名\t身份证", B, key="Sheet1", index=1),
        ],
        "secret",
        "5年",
    ),
    ([TextChunk("【内部资料】\t特急", B, key="Sheet1", index=0)], "internal", None),
    ([TextChunk("机密\t2024年客户名单", B, key="Sheet1", index=0)], "secret", None),
    ([TextChunk("XX农商银行 内部资料", H)], "internal", None),
    (body(*NEUTRAL, "正文", "正文", "密级", "秘密", "正文"), "confidential", None),
    ([TextChunk("2024年信贷计划-机密.docx", N)], "secret", None),
    ([TextChunk("机密", Location.SHEET_NAME)], "secret", None),
    (body("○绝密 ●机密", "000123 秘密★1年", *NEUTRAL), "confidential", "1年"),
    (body("秘密★解密时间：2028年1月1日", *NEUTRAL), "confidential", "解密时间:2028年1月1日"),
    (body("机密★解密条件：项目验收后", *NEUTRAL), "secret", "解密条件:项目验收后"),
    (body("密级：机密级", *NEUTRAL), "secret", None),
    (body("密级：秘密    保密期限：5年", *NEUTRAL), "confidential", "5年"),
    (body("密级：秘密    保密期限：____年", *NEUTRAL), "confidential", None),
    (body("机密★10年（内部）", *NEUTRAL), "secret", "10年"),
    ([TextChunk("XX农商银行\t\t机密★5年（此件不得翻印）", H)], "secret", "5年"),
]


@pytest.mark.parametrize(("chunks", "level", "period"), POSITIVE)
def test_marks(chunks: list[TextChunk], level: str, period: str | None) -> None:
    found = marks(chunks)
    assert [(lv, p) for lv, _t, p in found] == [(level, period)], found


NEGATIVE = [
    body("关于保守国家秘密的通知", "各支行：", "不得泄露商业秘密。", "机密文件应当专柜保管。"),
    body("内部控制制度", "第一条 为加强内部审计，制定本制度。"),
    body("信息安全", "保障数据的机密性、完整性和可用性。"),
    body("培训材料", "标注为“机密★1年”的文件，期满自行解密。"),
    body("《绝密使命》", "观后感"),
    body("《绝密使命》观后感", "影片讲述了……"),
    body("密级：□绝密 □机密 □秘密", "保密期限：____年"),
    body("文件密级", "□绝密", "□机密", "□秘密"),
    body("国家秘密的密级分为：", "绝密", "机密", "秘密"),
    body("国家秘密的密级和最长保密期限：", "绝密★30年", "机密★20年", "秘密★10年"),
    body("保密培训笔记", "密级标注示例：", "机密★10年", "标注在首页左上角。"),
    body("密级：公开", "正文"),
    body("密级：非密", "正文"),
    body("内部使用说明", "第一步"),
    body("机密文件管理办法", "第一条"),
    body("CONFIDENTIAL: This e-mail is intended solely for the addressee."),
    body("系统", "类别", "核心系统", "内部", "网银系统", "外部"),
    [TextChunk("名称\t类型", B, key="S", index=0), TextChunk("系统A\t内部", B, key="S", index=1)],
    [TextChunk("XX银行内部控制制度", H), TextChunk("第 1 页", F)],
    [TextChunk("保密;内部控制", P, key="keywords"), TextChunk("公开", P, key="密级")],
    [TextChunk("本文件为内部资料，请妥善保管", P, key="description")],
    [
        TextChunk("内部控制制度.docx", N),
        TextChunk("机密文件管理办法.pdf", N),
        TextChunk("《绝密使命》观后感.docx", N),
        TextChunk("保密工作总结.docx", N),
    ],
    [TextChunk("关于机密文件管理的通知", S), TextChunk("内部审计安排", S)],
    [TextChunk("这份是机密", Location.COMMENT)],
    [TextChunk("类型\t内部\t外部", B, key="S", index=0)],
    body("涉密文件登记簿", "1\t2024年信贷计划\t机密\t3份", "2\t考核方案\t秘密★1年\t2份"),
    body("密级", "文件名", "机密", "2024年信贷计划"),
    body("○绝密 ○机密 ○秘密", "( )绝密 ( )机密"),
    [TextChunk("内部审计报告.docx", N), TextChunk("机密文件清单.xlsx", N)],
    body("会议纪要", "本次会议讨论了机密级文件的管理。", "秘密级以上文件不得带出。"),
    body("机密（公开版）说明", "正文"),
]


@pytest.mark.parametrize("chunks", NEGATIVE)
def test_not_marks(chunks: list[TextChunk]) -> None:
    assert marks(chunks) == []


def test_nonstandard_forms_carry_a_note() -> None:
    for line, note in (
        ("绝密☆长期", "☆"),
        ("机密·10年", "·"),
        ("★机密", "星号前置"),
        ("机密*5年", "*"),
        ("机密 10年", "缺少★"),
    ):
        (f,) = DET.analyze(body(line, *NEUTRAL))
        assert f.note and note in f.note, (line, f.note)
        assert f.level is not None and f.level.is_state_secret


def test_finding_fields() -> None:
    chunks = [
        TextChunk("机密★10年", B, member="a.zip/b.docx", standalone=True),
        TextChunk("机密★10年", H, member="a.zip/b.docx"),
        TextChunk("（秘密）x.docx", N, member="a.zip/b.docx"),
    ]
    got = {(f.location, f.text): f for f in DET.analyze(chunks)}
    body_f = got[(B, "机密★10年")]
    assert body_f.member == "a.zip/b.docx" and body_f.period == "10年"
    assert body_f.confidence is Confidence.HIGH and body_f.detector == "marking"
    assert got[(H, "机密★10年")].level is Level.SECRET
    assert got[(N, "秘密")].confidence is Confidence.MEDIUM


def test_one_finding_per_member_location_text() -> None:
    chunks = [TextChunk("内部资料", H, index=i) for i in range(5)]
    assert len(list(DET.analyze(chunks))) == 1


def test_vocabulary_from_policy_adds_words() -> None:
    det = MarkingDetector(Vocabulary.extended({"confidential": ["CONFIDENTIAL"]}))
    assert [f.level for f in det.analyze(body("CONFIDENTIAL", *NEUTRAL))] == [Level.CONFIDENTIAL]
    assert list(DET.analyze(body("CONFIDENTIAL", *NEUTRAL))) == []
    assert list(det.analyze(body("CONFIDENTIAL: intended for the addressee only."))) == []


def test_long_document_costs_one_search_per_chunk() -> None:
    chunks = body("机密★10年", *(f"第{i}段正文，保守国家秘密。" for i in range(20000)))
    assert marks(chunks) == [("secret", "机密★10年", "10年")]
