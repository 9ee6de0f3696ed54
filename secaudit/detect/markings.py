"""Secrecy-marking detector (id ``marking``): finds where a file *declares* its level.

A level word counts only where it stands as a mark (GB/T 9704 practice and bank commercial-secret
practice), never in running prose:

- body: a strong form (``机密★10年``, ``密级：机密``, ``内部资料 注意保存``) standing as a line,
  paragraph, table cell or text box of its own, anywhere; the bare level word (``秘密``,
  ``内部资料``) only near the start of the document (first lines of the first page), alone on its
  line or set off by a gap (top left or top right);
- header/footer: any form set off by gaps; sheet rows: a mark cell in the first rows;
- properties: a level value under a marking key (``密级``, ``classification`` …), a level token in
  keywords/category, a strong form in any property;
- names: bracketed or leading marks in file/member/sheet names; marked e-mail subjects (medium).

Also: a circulation notice standing alone (``本资料仅供内部使用``), a bracketed mark closing a
title in the first lines or sheet rows (``存款客户明细（内部资料）``), a level word alone in a
text box of the first slide/page (pdf, pptx), a mark beside front matter on its line (份号,
编号, 紧急程度, 保密期限, 发文字号, letterhead name); a level as the value of a ``密级`` label
cell or line, or under a one-row header table (:mod:`.keyvalue`); closing handling notes and
declaration sentences standing as a line (:mod:`.declarations`, declarations at ``medium``).

Forms: a row of boxes with exactly one level ticked (``密级：□绝密 ☑机密 □秘密``, ``机密√``,
``(√)秘密 ( )机密``) declares that level anywhere in the body, in a table cell, a sheet row within
:data:`.marksheets.SHEET_FORM_ROWS`, a header or footer; options one per cell or line (``□绝密``
/ ``☑机密``) are read together (:meth:`.markbody.BodyMarks._ticked_runs`). A ticked row is no
register value (the ``密级`` column-header guard does not apply), the other guards do.

Guards: choice lists (``□绝密 □机密``, blank or with several ticks), lines within
:data:`LIST_WINDOW` naming different levels (a list in training material), example context
(``示例``/``式样``/``标注`` within :data:`CONTEXT_LINES` lines before, or on a ticked row), a
``密级`` column header above (a register's values), data columns of ``内部``/``外部``. Grammar
lives in :mod:`secaudit.detect.markforms` (ticked forms in :mod:`.ticked`), body lines and their
position predicates in :mod:`.marklines`, marks outside the body in :mod:`.markplaces`; to
change what counts as a mark, edit there or the rules of :class:`MarkingDetector` here and
extend ``tests/detect/test_markings.py``, ``tests/detect/test_ticked.py``,
``tests/detect/test_heldout.py`` and ``tests/detect/test_layout_marks.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import groupby
from operator import attrgetter
from typing import ClassVar

from secaudit.detect import keyvalue
from secaudit.detect.base import with_ocr_note
from secaudit.detect.declarations import BIZ_WORDS, Declarations
from secaudit.detect.handling import HandlingLines
from secaudit.detect.markbody import BodyMarks
from secaudit.detect.markforms import MarkGrammar, MarkMatch
from secaudit.detect.marklines import first_lines, undecorated
from secaudit.detect.markplaces import other_marks
from secaudit.detect.marksheets import SheetMarks
from secaudit.detect.markwraps import WrappedLines
from secaudit.detect.tables import split_rows
from secaudit.detect.ticked import BOX_GATE_FIRST
from secaudit.detect.traditional import TRADITIONAL, has_traditional, simplified, variants
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Confidence, Finding, Location, TextChunk

_SYMBOL_BOX_MAP = str.maketrans(
    {"\uf0fe": "☑", "\uf0fd": "☒", "\uf0a8": "☐", "\uf06f": "☐", "\uf0a3": "☐", "\uf052": "☑"}
)
"""Boxes of the Wingdings/Wingdings 2 symbol fonts as a PDF without a ToUnicode map extracts
them (the font's code + U+F000, private use): ``þ``/``ý`` ticked, ``¨``/``o`` empty
(Wingdings), ``R`` ticked, ``£`` empty (Wingdings 2) — read as ☑/☒/☐ so a ticked row is one."""
_SYMBOL_BOX_CHARS = "\uf0fe\uf0fd\uf0a8\uf06f\uf0a3\uf052"
_SYMBOL_BOXES = re.compile(f"[{_SYMBOL_BOX_CHARS}]")
_SPECIAL = re.compile(f"[{re.escape(_SYMBOL_BOX_CHARS + TRADITIONAL + BOX_GATE_FIRST)}]")
"""A Wingdings box, a traditional character or the first character of a box (:data:`BOX_GATE`):
text without any needs none of the three passes."""
_TEXT = attrgetter("text")
_PLACE = attrgetter("location", "key", "member")
_CONF_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


def level_word_gate(words: list[str]) -> str:
    """A pattern every mark needs: one of ``words``, in simplified or traditional characters,
    with any white space between its characters (lines joined, spaced ``机 密``)."""
    alternatives = []
    for word in words:
        chars = ["(?:" + "|".join(re.escape(v) for v in variants(c)) + ")" for c in word]
        alternatives.append(f"{_ANY_SPACE}*".join(chars))
    return "|".join(alternatives)


def _class_of(chars: list[str]) -> str:
    """A character class of ``chars`` in ranges; ASCII as ``\\xhh``, the rest literal."""
    spell = [f"\\x{ord(c):02x}" if c < "\x80" else c for c in chars]
    out, k = [], 0
    while k < len(chars):
        end = k
        while end + 1 < len(chars) and ord(chars[end + 1]) == ord(chars[end]) + 1:
            end += 1
        out.append(spell[k] if end == k else f"{spell[k]}-{spell[end]}")
        k = end + 1
    return "[" + "".join(out) + "]"


_ANY_SPACE = _class_of([c for c in map(chr, range(0x3001)) if c.isspace()])
"""Every character ``str.isspace`` counts (Python's ``\\s``), spelled out: the gate then needs
no Unicode property tables (Hyperscan compiles it 3× faster without UCP)."""


class MarkingDetector:
    """Finds secrecy markings; every distinct (member, location, text) is one finding."""

    id: ClassVar[str] = "marking"
    version: ClassVar[str] = "13"
    # 7: layout marks (issue 17) and free-text periods cut (issue 12); 8: declaration clauses,
    # level + handling clauses, internal-use wordings, sheet title/closing rows (issue 17 round 2);
    # 9: unit name + separator + level running lines, state-secret/internal-use declarations;
    # 10: round 4 (subjects, clause grammar, prefixed labels, CSV titles, numbered names, periods)
    # 11: round 5 (label bars, Markdown emphasis spans, compound subjects, non-level options, 、)
    # 12: round 6 (notice formulas, closing notes, period clauses, glosses, footers, names, =)
    # 13: 定密级别/定密等级 label cells in information tables

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.grammar = MarkGrammar(vocabulary)
        self.declarations = Declarations(vocabulary)
        self.handling = HandlingLines(vocabulary)
        self.gate = level_word_gate([w for w, _ in vocabulary.all_words()] + list(BIZ_WORDS))
        self._sheets = SheetMarks(self.grammar, self.handling, self.declarations)
        self.wraps = WrappedLines(vocabulary, self.grammar, self.declarations)
        self.body = BodyMarks(self.grammar, self.handling, self._sheets, self.wraps)

    def analyze(self, chunks: Sequence[TextChunk]) -> Iterator[Finding]:
        # one pass tells most files apart: no Wingdings box, traditional character or box here
        texts = "\n".join(map(_TEXT, chunks))
        special = [c for c in chunks if _SPECIAL.search(c.text)] if _SPECIAL.search(texts) else []
        if any(_SYMBOL_BOXES.search(c.text) for c in special):  # a PDF's Wingdings boxes
            chunks = [replace(c, text=c.text.translate(_SYMBOL_BOX_MAP)) for c in chunks]
        if any(has_traditional(c.text) for c in special):  # 機密★10年 reads as 机密★10年
            chunks = [replace(c, text=simplified(c.text)) for c in chunks]
        found: dict[tuple[str | None, Location, str], Finding] = {}
        body: dict[str | None, list[TextChunk]] = {}
        sheets: dict[tuple[str | None, str], list[TextChunk]] = {}
        cells, rows = split_rows(chunks)
        # table cells as lines of their own, no row lines; a sheet's rows come in one run
        for (loc, key, member), run in groupby(cells, _PLACE):
            if loc is Location.BODY and key is not None:
                sheets.setdefault((member, key), []).extend(run)
            elif loc is Location.BODY:
                body.setdefault(member, []).extend(run)
            else:
                for chunk in run:
                    if self.grammar.has_hit(chunk.text):
                        for m, conf in other_marks(
                            chunk, self.grammar, self.declarations, self.handling
                        ):
                            _keep(found, chunk, m, conf)
        for chunk, m in self._header_rows(rows):
            _keep(found, chunk, m, Confidence.HIGH)
        for member_chunks in body.values():
            for chunk, m, conf in self.body.marks(member_chunks, may_box=bool(special)):
                _keep(found, chunk, m, conf)
        for rows in sheets.values():
            for chunk, m, conf in self._sheets.marks(rows):
                _keep(found, chunk, m, conf)
        yield from found.values()

    def _header_rows(self, rows: list[TextChunk]) -> Iterator[tuple[TextChunk, MarkMatch]]:
        """Document-information tables whose header row holds a 密级 label (keyvalue)."""
        heads: dict[str | None, list[tuple[TextChunk, str]]] = {}
        if "级" not in "\n".join(map(_TEXT, rows)):
            return  # no 密级 label anywhere (undecorating a line takes characters off, adds none)
        for c in rows:
            if c.location is Location.BODY and c.key is None:
                head = heads.setdefault(c.member, [])
                for line in first_lines(c.text, keyvalue.HEADER_ROWS + 2 - len(head)):
                    if line := undecorated(line).strip("\n"):
                        head.append((c, line))
        for head in heads.values():
            if any("级" in line for _c, line in head):
                lines = [replace(c, text=line) if line != c.text else c for c, line in head]
                yield from keyvalue.header_row_marks(lines, self.grammar)


def _keep(
    found: dict[tuple[str | None, Location, str], Finding],
    chunk: TextChunk,
    m: MarkMatch,
    confidence: Confidence,
) -> None:
    key = (chunk.member, chunk.location, m.text)
    old = found.get(key)
    if old is not None and _CONF_RANK[old.confidence] >= _CONF_RANK[confidence]:
        return
    found[key] = Finding(
        kind="marking",
        location=chunk.location,
        member=chunk.member,
        confidence=confidence,
        detector=MarkingDetector.id,
        level=m.level,
        text=m.text,
        period=m.period,
        note=with_ocr_note(m.note, chunk.ocr),
    )
