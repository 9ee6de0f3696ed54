"""Plain-text extraction: encodings without mojibake, line-aligned chunking."""

from __future__ import annotations

import codecs

import pytest

from secaudit.extract.registry import extract_bytes
from secaudit.extract.text.text import CHUNK_CHARS, decode_text, split_lines
from secaudit.model import Location

SIMPLIFIED = "机密★10年\n关于2024年信贷计划的通知\n各支行：现将有关事项通知如下，请遵照执行。\n"
TRADITIONAL = "機密★10年\n關於2024年信貸計劃的通知\n各支行：現將有關事項通知如下，請遵照執行。\n"


def body_text(data: bytes, name: str = "a.txt") -> str:
    result = extract_bytes(data, name)
    assert result.errors == ()
    return "\n".join(c.text for c in result.chunks if c.location is Location.BODY)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED),
        (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED),
        (codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED),
        (SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED),
        (SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED),
        (SIMPLIFIED.encode("gb18030"), SIMPLIFIED),
        (TRADITIONAL.encode("big5"), TRADITIONAL),
        (TRADITIONAL.encode("gb18030"), TRADITIONAL),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "gbk",
        "gb18030",
        "big5",
        "traditional-in-gb18030",
    ],
)
def test_encodings_decode_without_mojibake(raw: bytes, expected: str) -> None:
    assert body_text(raw) == expected.rstrip("\n")


@pytest.mark.parametrize("word", ["机密", "秘密", "绝密", "内部", "核心商密", "普通商密"])
def test_short_gbk_markings_decode(word: str) -> None:
    assert decode_text(word.encode("gbk")) == word


@pytest.mark.parametrize("word", ["機密", "秘密", "絕密", "內部"])
def test_short_big5_markings_decode(word: str) -> None:
    assert decode_text(word.encode("big5")) == word


def test_gb18030_four_byte_characters() -> None:
    text = "客户㐀𠀀名单：张三"  # CJK ext A and ext B need GB18030 four-byte sequences
    assert decode_text(text.encode("gb18030")) == text


def test_declared_charset_is_trusted_only_when_it_decodes() -> None:
    raw = SIMPLIFIED.encode("gbk")
    assert decode_text(raw, declared="gb2312") == SIMPLIFIED
    assert decode_text(raw, declared="utf-8") == SIMPLIFIED  # lie detected, guessed instead


def test_large_text_is_split_at_line_boundaries() -> None:
    line = "第{:06d}行：本行为测试数据，客户名单未包含真实信息。\n"
    text = "".join(line.format(i) for i in range(8000))
    result = extract_bytes(text.encode("gb18030"), "big.txt")
    chunks = [c for c in result.chunks if c.location is Location.BODY]
    assert len(chunks) >= 3
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert all(len(c.text) <= CHUNK_CHARS for c in chunks)
    assert all(c.text.startswith("第") and c.text.endswith("。") for c in chunks)
    assert "\n".join(c.text for c in chunks) == text.rstrip("\n")


def test_split_lines_normalises_line_ends_and_drops_blank_pieces() -> None:
    assert list(split_lines("a\r\nb\rc\n\n")) == ["a\nb\nc"]
    assert list(split_lines("   \n\n")) == []


def test_crlf_text_file_keeps_lines() -> None:
    raw = "机密\r\n正文第一行\r\n".encode("gbk")
    assert body_text(raw) == "机密\n正文第一行"


def _readability_reference(text: str, encoding: str) -> float:
    """The score as first written: every character scored in turn."""
    from secaudit.extract.text.text import _char_score

    script = {"gb18030": "gb", "cp950": "big5"}.get(encoding, "any")
    return sum(_char_score(ch, script) for ch in text) / len(text) if text else 0.0


def test_readability_counts_each_character_once_with_the_same_score() -> None:
    import random

    from secaudit.extract.text.text import readability

    rng = random.Random("readability")
    prose = "本行客户经理应当定期走访小微企业客户，了解其经营状况与融资需求。"
    prose += "密級機密ｶﾅ\ufffd\ue000\x01\t"
    for _ in range(400):
        text = "".join(rng.choice(prose) for _ in range(rng.randint(0, 300)))
        for enc in ("gb18030", "cp950", "utf-8"):
            assert abs(readability(text, enc) - _readability_reference(text, enc)) < 1e-9


def test_readability_of_ascii_heavy_text_is_the_per_character_score() -> None:
    """ASCII is counted by class (printable, tab and line ends, other controls, DEL), the rest
    per distinct character: the same score as every character scored in turn."""
    import random

    from secaudit.extract.text.text import readability

    rng = random.Random("readability-ascii")
    pool = [chr(c) for c in range(128)] * 3 + list("2026-11-08 | 贷款发放 | 91,651.20 |")
    pool += list("帳號機密ｶﾅ\ufffd\ue000\x80\xa0，。\U00020000")
    for _ in range(600):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 400)))
        for enc in ("gb18030", "cp950", "utf-8"):
            assert abs(readability(text, enc) - _readability_reference(text, enc)) < 1e-9, text
