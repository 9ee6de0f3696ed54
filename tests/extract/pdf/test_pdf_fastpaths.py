"""The PDF extractor's fast paths give what the rules they replace give (randomised)."""

from __future__ import annotations

import random
import re

from secaudit.extract.pdf.pdf import _clean, _split
from secaudit.extract.pdf.running import line_key, line_keys, top_first
from secaudit.extract.text.text import _common_sets, garbled_hanzi, hanzi_count, level1_count

AT_LEAST = 20

COMMON = "客户经理应当定期走访小微企业了解其经营状况与融资需求"
TRADITIONAL = "這是繁體測試內部資料請注意保存說明應當"
RARE = "哾㦓䶮㐀䲜鿏鿿㑇䜣𠀀𪚥\ud800"
OTHER = "ab1２ #\u3000\xa0\t,，。★"


def _garbled_reference(text: str, at_least: int) -> bool:
    """The rule as first written: every character walked in Python."""
    hanzi = [ch for ch in text if "\u3400" <= ch <= "\u9fff"]
    if len(hanzi) < at_least:
        return False
    gb, big5 = _common_sets()
    common = max(sum(1 for ch in hanzi if ch in gb), sum(1 for ch in hanzi if ch in big5))
    return common < len(hanzi) / 2


def test_garbled_page_is_garbled_hanzi() -> None:
    rng = random.Random(18)
    gb, big5 = _common_sets()
    pools = [COMMON, TRADITIONAL, RARE, OTHER, "".join(sorted(big5 - gb))[:200]]
    seen = set()
    for _ in range(3000):
        weights = [rng.random() for _ in pools]
        text = "".join(
            rng.choice(rng.choices(pools, weights)[0]) for _ in range(rng.randint(0, 80))
        )
        expected = _garbled_reference(text, AT_LEAST)
        assert garbled_hanzi(text, AT_LEAST) is expected, text
        seen.add(expected)
    assert seen == {True, False}


def test_level1_hanzi_are_what_gb2312_writes_with_lead_bytes_b0_to_d7() -> None:
    gb, _big5 = _common_sets()
    bmp = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    assert {ch for ch in bmp if level1_count(ch) == 1} == gb
    assert level1_count("".join(bmp)) == len(gb)
    assert hanzi_count("".join(bmp) + "𠀀\ud800") == 0x9FFF - 0x3400 + 1


def test_line_keys_are_the_line_keys() -> None:
    rng = random.Random(1203)
    chars = "第页共12３４5 \u3000\xa0\t\n\x1c\x00#普通商密-/"
    for _ in range(3000):
        lines = [
            "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))
            for _ in range(rng.randint(0, 6))
        ]
        assert line_keys(lines) == [line_key(line) for line in lines], lines


def test_top_first_puts_head_band_lines_first() -> None:
    lines = ["正文第一行", "第 2 页", "普通商密", "正文第二行"]
    assert top_first(lines, ["普通商密", "第3页"]) == [
        "第 2 页",
        "普通商密",
        "正文第一行",
        "正文第二行",
    ]
    assert top_first(lines, []) is lines


_OLD_BREAK = re.compile(r"\r\n|\r|\n")


def test_split_is_the_line_break_split() -> None:
    rng = random.Random(7)
    chars = "机密a \r\n\t\x00\x0b\x0c\x1c\x1f\ufffe\u2028\x85\u3000"
    for _ in range(5000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 30)))
        old = [line for line in (_clean(part) for part in _OLD_BREAK.split(text)) if line]
        assert _split(text) == old, repr(text)
