"""Plain text files: decode without mojibake, then hand out line-aligned chunks.

Chinese offices write text in UTF-8, UTF-16 (Windows Notepad "Unicode"), GB18030/GBK and, from
Taiwan/Hong Kong partners, Big5. Byte-level detectors confuse GBK with Big5 (both are double-byte
encodings over the same byte ranges), so :func:`decode_text` decodes a sample with each candidate
and keeps the one whose result reads most like real text: common hanzi (GB2312 level 1 or Big5
frequent characters), ASCII and CJK punctuation score, private-use, kana, control and replacement
characters cost. GB18030 wins ties. Other encodings come from charset-normalizer.

:func:`decode_text` is shared with the HTML and mail extractors. To support another encoding, add
it to the candidate list in :func:`_candidates`.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from charset_normalizer import from_bytes

from secaudit.extract.base import ExtractContext
from secaudit.model import TextChunk

CHUNK_CHARS = 64 * 1024
"""Target size of one plain-text chunk; chunks end at a line boundary."""
_SAMPLE_BYTES = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CJK_PUNCT = "，。、；：？！“”‘’（）《》【】〔〕…—·★☆●■□◆『』「」％＋－／０１２３４５６７８９"


def extract_text(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Decode ``data`` and yield it in ~64 KB chunks cut at line ends (``index`` = chunk no.)."""
    text = decode_text(data)
    for index, part in enumerate(split_lines(text, CHUNK_CHARS)):
        ctx.check_time()
        yield ctx.chunk(part, index=index)


def split_lines(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """Cut ``text`` into pieces of about ``size`` characters, each ending at a line break."""
    if "\r" in text:  # one search instead of two replace passes over most text
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    start = 0
    while start < len(text):
        end = start + size
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        piece = text[start:end]
        start = end
        if not piece.isspace():  # as ``piece.strip()`` is not empty, without copying it
            yield piece.rstrip("\n")


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes of unknown encoding; ``declared`` (from a header/meta tag) is tried first."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if declared:
        decoded = _decode_declared(data, declared)
        if decoded is not None:
            return decoded
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = best_encoding(data)
    return data.decode(encoding, errors="replace")


def _decode_declared(data: bytes, declared: str) -> str | None:
    encoding = normalize_encoding(declared)
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None  # the declaration lies; guess instead


def normalize_encoding(name: str) -> str | None:
    """Python codec name for a declared charset; GB2312/GBK widen to GB18030 (a superset)."""
    name = name.strip().strip("\"'").lower()
    if name in ("gb2312", "gbk", "gb_2312-80", "euc-cn", "x-gbk", "cp936", "936", "gb18030"):
        return "gb18030"
    if name in ("big5", "big5-hkscs", "cp950", "x-big5"):
        return "big5hkscs" if name == "big5-hkscs" else "cp950"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: NUL bytes present, all (or nearly all) on one byte parity."""
    sample = data[:_SAMPLE_BYTES]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd > 0 and even <= odd * 0.02:
        return "utf-16-le"
    if even > 0 and odd <= even * 0.02:
        return "utf-16-be"
    return None


def best_encoding(data: bytes) -> str:
    """The candidate encoding whose decoding of a sample reads best (GB18030 wins ties)."""
    sample = data[:_SAMPLE_BYTES]
    best, best_score = "gb18030", float("-inf")
    for encoding in _candidates(sample):
        score = readability(sample.decode(encoding, errors="replace"), encoding)
        if score > best_score:
            best, best_score = encoding, score
    return best


def _candidates(sample: bytes) -> list[str]:
    candidates = ["gb18030", "cp950"]
    guess = from_bytes(sample).best()
    if guess is not None and guess.encoding:
        name = normalize_encoding(guess.encoding)
        if name and name not in candidates:
            candidates.append(name)
    return candidates


def readability(text: str, encoding: str = "") -> float:
    """Average per-character plausibility of ``text`` decoded with ``encoding`` (higher is better).

    Hanzi count as common when they are frequent characters *of that encoding's script*
    (GB2312 level 1 for GB18030, Big5 frequent for cp950): a wrong decoding mixes scripts.
    """
    if not text:
        return 0.0
    script = {"gb18030": "gb", "cp950": "big5"}.get(encoding, "any")
    # each distinct character scored once, times its count (Counter counts in C); the scores
    # are tenths, summed as integers: exact, whatever the order. ASCII (most of a log) is
    # counted by class with str.count instead: printable 10, tab and line ends 5, other
    # controls -20, DEL 0 (_char_score's values)
    other = _ASCII_RUNS.sub("", text)
    tnr = text.count("\t") + text.count("\n") + text.count("\r")
    bad = len(_BAD_CONTROL.findall(text))
    printable = len(text) - len(other) - tnr - bad - text.count("\x7f")
    total = printable * 10 + tnr * 5 - bad * 20
    total += sum(_char_tenths(ch, script) * n for ch, n in Counter(other).items())
    return total / 10 / len(text)


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@lru_cache(maxsize=65536)
def _char_tenths(ch: str, script: str) -> int:
    return round(_char_score(ch, script) * 10)


@lru_cache(maxsize=65536)
def _char_score(ch: str, script: str) -> float:
    code = ord(ch)
    if ch == "\ufffd" or 0xE000 <= code <= 0xF8FF:
        return -3.0
    if code < 0x20:
        return 0.5 if ch in "\t\n\r" else -2.0
    if code < 0x7F:
        return 1.0
    if ch in _CJK_PUNCT:
        return 1.0
    if 0x4E00 <= code <= 0x9FFF:
        return 1.5 if _is_common_hanzi(ch, script) else -0.5
    if 0x3040 <= code <= 0x30FF:  # kana: GBK mis-decoded as Big5 (or vice versa) lands here
        return -1.0
    if 0x80 <= code < 0x100:
        return 0.2
    return 0.0


def garbled_hanzi(text: str, at_least: int = 20) -> bool:
    """``text`` holds ``at_least`` hanzi and most of them are rare (neither GB2312 level 1 nor
    Big5 frequent): the sign of a PDF font whose ToUnicode map is wrong (``Buyer˖哾㦓``); real
    Chinese prose has over 90 % common characters. The usual text (few hanzi, or half of them
    GB2312 level 1) is settled by codecs in C (:func:`hanzi_count`, :func:`level1_count`); only
    the rest is walked character by character for its Big5 count."""
    count = hanzi_count(text)
    if count < at_least or level1_count(text) >= count / 2:
        return False
    hanzi = [ch for ch in text if "\u3400" <= ch <= "\u9fff"]
    gb, big5 = _common_sets()
    common = max(sum(1 for ch in hanzi if ch in gb), sum(1 for ch in hanzi if ch in big5))
    return common < len(hanzi) / 2


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


@lru_cache(maxsize=1)
def _common_sets() -> tuple[frozenset[str], frozenset[str]]:
    """GB2312 level-1 hanzi (rows 0xB0–0xD7) and Big5 frequent hanzi (0xA440–0xC67E)."""
    gb = {
        bytes((row, cell)).decode("gb2312", "ignore")
        for row in range(0xB0, 0xD8)
        for cell in range(0xA1, 0xFF)
    }
    big5 = {code.to_bytes(2, "big").decode("big5", "ignore") for code in range(0xA440, 0xC67F)}
    return frozenset(gb - {""}), frozenset(big5 - {""})


def _is_common_hanzi(ch: str, script: str) -> bool:
    """GB2312 level-1 (simplified) and/or Big5 frequent (traditional) character."""
    gb, big5 = _common_sets()
    if script == "gb":
        return ch in gb
    if script == "big5":
        return ch in big5
    return ch in gb or ch in big5
