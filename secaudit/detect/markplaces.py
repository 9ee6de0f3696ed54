"""Marks outside the body: headers and footers, document properties, names and subjects.

Used by :class:`secaudit.detect.markings.MarkingDetector` for every chunk whose location is not
``body``. Headers and footers take any mark form set off by gaps (a running line is short and
stands apart); properties take a level value under a marking key (:data:`MARK_KEYS`), a level
token in keywords/category, a strong form anywhere; file, member and sheet names take bracketed
or leading marks (medium confidence; a number before a leading mark is skipped: ``012_内部资料-…``),
e-mail subjects a mark at their start (``秘密｜某方案``) or a bracketed one closing them
(``某方案（核心商密）``). To read another property as a marking key, extend :data:`MARK_KEYS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from secaudit.detect.declarations import Declarations
from secaudit.detect.handling import HandlingLines, without_issuer
from secaudit.detect.markforms import MarkGrammar, MarkMatch
from secaudit.model import Confidence, Location, TextChunk

MARK_KEYS = frozenset(
    {
        "密级",
        "密级标识",
        "密级标志",
        "文件密级",
        "文档密级",
        "保密等级",
        "保密级别",
        "classification",
        "security",
        "securitylevel",
        "security_level",
        "secrecy",
        "密级程度",
    }
)
TOKEN_KEYS = frozenset(
    {"keywords", "category", "subject", "关键词", "类别", "主题", "title", "标题"}
)
_TOKEN_SPLIT = re.compile(r"[;,，；、|\s]+")
_SEGMENTS = re.compile(r"\s*[|｜丨/／·•・]\s*")


def other_marks(
    chunk: TextChunk,
    grammar: MarkGrammar,
    declarations: Declarations,
    handling: HandlingLines,
) -> Iterator[tuple[MarkMatch, Confidence]]:
    """Marks of one chunk outside the body, with their confidence."""
    loc = chunk.location
    if loc in (Location.HEADER, Location.FOOTER):
        for line in chunk.text.splitlines():
            found = grammar.line_marks(line, gapped=True, loose=True) or handling.marks(line)
            if not found and (rest := without_issuer(line)) != line.strip():
                found = grammar.line_marks(rest, gapped=True, loose=True)  # 某行｜机密★5年
            if not found:
                found = _end_segment(line, grammar)  # 2024年度报告｜机密
            yield from ((m, Confidence.HIGH) for m in found)
            if not found:
                yield from declarations.marks(line)
    elif loc is Location.PROPERTY:
        yield from ((m, Confidence.HIGH) for m in _property(chunk, grammar))
    elif loc in (Location.FILENAME, Location.SHEET_NAME):
        yield from ((m, Confidence.MEDIUM) for m in grammar.name_marks(chunk.text))
    elif loc is Location.SUBJECT:
        yield from ((m, Confidence.MEDIUM) for m in grammar.name_marks(chunk.text, subject=True))


def _property(chunk: TextChunk, grammar: MarkGrammar) -> Iterator[MarkMatch]:
    key = re.sub(r"\s+", "", (chunk.key or "")).lower()
    value = chunk.text.strip()
    if key in MARK_KEYS:
        yield from grammar.line_marks(value, gapped=True, loose=True)
        return
    if key in TOKEN_KEYS:
        whole = grammar.line_marks(value, gapped=False)
        if whole:
            yield from whole
            return
        if key in ("keywords", "category", "关键词", "类别"):
            for token in _TOKEN_SPLIT.split(value):
                yield from grammar.line_marks(token, gapped=False)
            return
    yield from (m for m in grammar.line_marks(value, gapped=False) if m.strong)


def _end_segment(line: str, grammar: MarkGrammar) -> list[MarkMatch]:
    """A running line whose first or last separator-delimited segment is a mark form as a whole
    (``2024年度报告｜机密``, ``机密｜2024年度报告``), the only segment naming a level; a bare 内部
    segment is too weak alone."""
    segments = [s for s in _SEGMENTS.split(line.strip()) if s]
    if len(segments) < 2 or sum(1 for s in segments if grammar.has_hit(s)) > 1:
        return []  # 机密/秘密/绝密: a choice list, no mark
    for seg in (segments[0], segments[-1]):
        if seg != "内部" and grammar.form_re.fullmatch(seg) is not None:
            return grammar.line_marks(seg, gapped=False)
    return []
