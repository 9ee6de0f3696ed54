"""The garbled-Chinese test of every PDF page, counted by codecs instead of by characters.

:func:`garbled_page` gives exactly :func:`secaudit.extract.text.text.garbled_hanzi` of the page
text, which walks every character in Python (~0.4 ms per statement PDF, 6 % of its extraction).
The usual page is settled with byte operations in C: its hanzi (U+3400–U+9FFF) are the UTF-16
code units whose high byte is 0x34–0x9F, and its GB2312 level-1 hanzi are the characters the
``gb2312`` codec writes with a lead byte 0xB0–0xD7 (exactly that set, checked over every code
point by the tests). With fewer than :data:`AT_LEAST` hanzi, or at least half of them level-1,
the page is not garbled whatever its Big5 count; only other pages go to ``garbled_hanzi``.
"""

from __future__ import annotations

from secaudit.extract.text.text import garbled_hanzi

AT_LEAST = 20
"""Hanzi a page needs before its text can count as garbled."""
_HANZI_HIGH = bytes(range(0x34, 0xA0))
"""High bytes of the UTF-16 code units of U+3400–U+9FFF."""
_ASCII = bytes(range(0x80))
"""The only single bytes the ``gb2312`` codec writes; every other character is two bytes."""
_LEVEL1_LEAD = bytes(range(0xB0, 0xD8))
"""Lead bytes of GB2312 rows 16–55: the level-1 hanzi."""


def hanzi_count(text: str) -> int:
    """Characters of ``text`` in U+3400–U+9FFF (astral characters are surrogate units)."""
    high = text.encode("utf-16-be", "surrogatepass")[0::2]
    return len(high) - len(high.translate(None, _HANZI_HIGH))


def level1_count(text: str) -> int:
    """Characters of ``text`` that are GB2312 level-1 hanzi."""
    leads = text.encode("gb2312", "ignore").translate(None, _ASCII)[0::2]
    return len(leads) - len(leads.translate(None, _LEVEL1_LEAD))


def garbled_page(text: str) -> bool:
    """``garbled_hanzi(text, AT_LEAST)``, without walking the text in Python when it is not."""
    hanzi = hanzi_count(text)
    if hanzi < AT_LEAST or level1_count(text) >= hanzi / 2:
        return False
    return garbled_hanzi(text, AT_LEAST)
