"""Issue 17, round 6: the mechanisms a fifth held-out set found short.

Every case is a real file (txt, docx, HTML, PDF, …) read by the real extractor; hard negatives
stand beside the positives. The strings are written here, not taken from any held-out corpus.
"""

from __future__ import annotations

import pytest

from secaudit.detect.registry import build_detectors, detect
from secaudit.model import Finding, Level, TextChunk
from tests.detect.layout_builders import FILLER, docx_lines, extracted, html

DETECTORS = build_detectors()
BODY = "\n".join(FILLER)


def marks(chunks: list[TextChunk]) -> list[Finding]:
    return [f for f in detect(chunks, DETECTORS) if f.kind == "marking"]


def level(chunks: list[TextChunk]) -> str:
    found = [f.level for f in marks(chunks) if f.level]
    return Level.highest(found).value


def txt(text: str, encoding: str = "utf-8") -> list[TextChunk]:
    return extracted(text.encode(encoding), "通知.txt")


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
