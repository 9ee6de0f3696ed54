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
/ ``☑机密``) are read together (:meth:`MarkingDetector._ticked_runs`). A ticked row is no
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
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import ClassVar

from secaudit.detect import keyvalue
from secaudit.detect.base import with_ocr_note
from secaudit.detect.declarations import BIZ_WORDS, DECLARATION_NOTE, Declarations
from secaudit.detect.handling import HandlingLines
from secaudit.detect.markforms import MarkGrammar, MarkMatch
from secaudit.detect.marklines import (
    FIELD_LABEL,
    START_LINES,
    Line,
    column_header,
    example_context,
    first_lines,
    first_page,
    in_level_list,
    is_front_matter,
    lines_of,
    stands_alone,
    undecorated,
)
from secaudit.detect.markplaces import other_marks
from secaudit.detect.marksheets import CHOICE_WORDS, SheetMarks
from secaudit.detect.tables import split_rows
from secaudit.detect.ticked import BOX_GATE, BOX_GATE_FIRST
from secaudit.detect.traditional import TRADITIONAL, has_traditional, simplified, variants
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Confidence, Finding, Location, TextChunk

FIRST_PAGE_LINES = 10
"""On the first slide/page of a paged document, a text box holding only a level word counts
within this many lines (text boxes come in creation order, the mark often last)."""
_COPY_NUMBER = re.compile(r"^\s*[0-9０-９]{3,8}\s+|\s+[0-9０-９]{3,8}\s*$")
_OPEN_BRACKETS = re.compile("[（(【〔［]")
_CLOSE_BRACKETS = re.compile("[）)】〕］]")
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
_UNIT_NAME = re.compile(
    r"[^\s，,。；;：:、|｜丨]{2,30}(?:银行|支行|分行|公司|联社|信用社|部|室|中心|处|科|办公室)"
)
"""A unit or letterhead name beside a footer's mark."""
_ASCII_FOLDS = frozenset("\u0130\u0131\u017f\u212a")
"""Non-ASCII letters an ``IGNORECASE`` pattern matches for an ASCII one (İ ı ſ K)."""
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
        self._span = 3 * max(len(w) for w, _ in vocabulary.all_words())
        """Longest hit: a word with up to two spaces between its characters."""
        words = [w for w, _ in vocabulary.all_words()]
        self._word_chars = frozenset("".join(w for w in words if not w.isascii()))
        self._ascii_words = any(c.isascii() and c.isalpha() for w in words for c in w)
        self._sheets = SheetMarks(self.grammar, self.handling, self.declarations)

    def analyze(self, chunks: Sequence[TextChunk]) -> Iterator[Finding]:
        # one pass tells most files apart: no Wingdings box, traditional character or box here
        special = [c for c in chunks if _SPECIAL.search(c.text)]
        if any(_SYMBOL_BOXES.search(c.text) for c in special):  # a PDF's Wingdings boxes
            chunks = [replace(c, text=c.text.translate(_SYMBOL_BOX_MAP)) for c in chunks]
        if any(has_traditional(c.text) for c in special):  # 機密★10年 reads as 机密★10年
            chunks = [replace(c, text=simplified(c.text)) for c in chunks]
        found: dict[tuple[str | None, Location, str], Finding] = {}
        body: dict[str | None, list[TextChunk]] = {}
        sheets: dict[tuple[str | None, str], list[TextChunk]] = {}
        cells, rows = split_rows(chunks)
        for chunk in cells:  # table cells as lines of their own, no row lines
            loc = chunk.location
            if loc is Location.BODY and chunk.key is not None:
                sheets.setdefault((chunk.member, chunk.key), []).append(chunk)
            elif loc is Location.BODY:
                body.setdefault(chunk.member, []).append(chunk)
            elif self.grammar.has_hit(chunk.text):
                for m, conf in other_marks(chunk, self.grammar, self.declarations, self.handling):
                    _keep(found, chunk, m, conf)
        for chunk, m in self._header_rows(rows):
            _keep(found, chunk, m, Confidence.HIGH)
        for member_chunks in body.values():
            for chunk, m, conf in self._body(member_chunks, may_box=bool(special)):
                _keep(found, chunk, m, conf)
        for rows in sheets.values():
            for chunk, m, conf in self._sheets.marks(rows):
                _keep(found, chunk, m, conf)
        yield from found.values()

    # -- body -------------------------------------------------------------------------------
    def _body(
        self, chunks: list[TextChunk], *, may_box: bool = True
    ) -> Iterator[tuple[TextChunk, MarkMatch, Confidence]]:
        """Marks of one member's body lines (``may_box`` False: no chunk of the file holds a
        character a box can start with)."""
        lines = lines_of(chunks, self.grammar)
        raw: dict[int, list[MarkMatch]] = {}
        hit_lines: list[int] = []
        # once: most documents have none (nor any character a box can start with)
        boxes = may_box and any(BOX_GATE.search(c.text) for c in chunks)
        form_for = self.grammar.form_for
        named = self._naming_lines(lines)
        joined: set[int] = set()  # lines read as the end of a wrapped declaration before them
        for i, ln in enumerate(lines):
            if i in joined:
                continue
            if i >= START_LINES and not boxes:
                if i not in named:
                    continue  # no level word: no mark form, handling line or declaration
                # past the start only a line that is a mark form as a whole counts: one anchored
                # try, which prose (内部控制…) fails at its first character
                text = ln.text.strip()
                if form_for(text).fullmatch(text) is not None:
                    raw_marks = self.grammar.line_marks(ln.text, gapped=False, ticks=False)
                    if raw_marks:
                        raw[i] = raw_marks
                elif handled := self.handling.marks(ln.text, body=True):
                    raw[i] = handled
                elif declared := self._declared(lines, i, joined):
                    raw[i] = declared
                elif i >= len(lines) - 2 and (foot := self._foot_line(ln.text)):
                    raw[i] = foot
                continue
            hit = self.grammar.has_hit(ln.text)
            if hit:
                hit_lines.append(i)
            if hit or i < START_LINES:
                marks = []
                if i < 2 and _csv_title(ln):
                    marks = self._sheets.title_cell(ln.text)  # 核心商密 客户名单,,,
                if not marks:
                    marks = self.grammar.line_marks(ln.text, gapped=i < START_LINES, ticks=boxes)
                if not marks and i < START_LINES and _COPY_NUMBER.search(ln.text):
                    # 1999 layout: copy number left, mark right, one space apart after extraction
                    marks = self.grammar.line_marks(_COPY_NUMBER.sub("", ln.text), gapped=False)
                if not marks and i < START_LINES:
                    # letterhead: "江川农村商业银行 内部资料", the layout gap lost in extraction
                    loose = self.grammar.line_marks(ln.text, gapped=False, loose=True)
                    marks = [m for m in loose if stands_alone(m)]
                if not marks and i < START_LINES:
                    marks = self.grammar.title_marks(ln.text)
                if not marks and hit:
                    marks = self.handling.marks(ln.text, body=True)
                if not marks and (hit or i in named):
                    marks = self._declared(lines, i, joined)
                if marks:
                    raw[i] = marks
        for i, marks in (self._ticked_runs(lines, hit_lines) if boxes else {}).items():
            raw.setdefault(i, marks)
        header_at: int | None = -1  # -1: not looked for yet
        texts = [ln.text for ln in lines]
        levels = {i: {m.level for m in marks} for i, marks in raw.items()}
        for i, marks in raw.items():
            labelled = keyvalue.labelled(texts, i)
            if keyvalue.in_labelled_list(levels, i) if labelled else in_level_list(raw, i):
                continue
            if not labelled and not all(m.ticked for m in marks):
                header_at = column_header(lines, raw) if header_at == -1 else header_at
                if header_at is not None and header_at < i:
                    continue  # a value under a 密级 column header: a register, not a mark
            kept = [
                m
                for m in marks
                if stands_alone(m) and (m.strong or labelled or self._bare_ok(lines, i))
            ]
            if kept and example_context(lines, i, kept):
                if not is_front_matter(lines[:i], self.grammar):
                    continue
            for m in kept:
                declared = m.note == DECLARATION_NOTE
                yield lines[i].chunk, m, Confidence.MEDIUM if declared else Confidence.HIGH

    def _foot_line(self, text: str) -> list[MarkMatch]:
        """A mark and a unit name set off by white space in one of the last lines of a body
        (``内部文件    某某农商银行授信审批部``, ``核心商密★1年    某某农村商业银行办公室``):
        a page footer the extractor kept in the body (an HTML page's closing block)."""
        out = []
        for m in self.grammar.line_marks(text, gapped=False, loose=True, ticks=False):
            rest = f"{m.before} {m.after}".split()
            if not m.whole and rest and all(_UNIT_NAME.fullmatch(seg) for seg in rest):
                out.append(replace(m, strong=True))
        return out

    def _naming_lines(self, lines: list[Line]) -> set[int]:
        """Indices of the lines that name a level word (one pass of the hit pattern over all
        lines), and of lines whose bracket is still open at their end, or whose last sentence
        is unfinished (:func:`_unfinished`), when the word appears only once the next line is
        joined to them (a closing note or declaration wrapped by a PDF)."""
        texts = [ln.text for ln in lines]
        starts: list[int] = []
        pos = 0
        for t in texts:
            starts.append(pos)
            pos += len(t) + 1
        named: set[int] = set()
        for m in self.grammar.hit_re.finditer("\n".join(texts)):
            first = bisect_right(starts, m.start()) - 1
            named.update(range(first, bisect_right(starts, m.end() - 1)))
        span = self._span  # a hit across the join lies within this many characters of it
        joins = self._joins_at
        wrapped: set[int] = set()
        for i in range(len(texts) - 1):
            if i in named:
                continue
            # the cheap half first: the join must make a hit (the next line names one, or a
            # word runs across the line end) before the line's own shape is looked at
            if i + 1 not in named:
                left, right = texts[i].rstrip(), texts[i + 1].strip()
                if not (left and right and joins(left[-1], right[0])):
                    continue
                if not self.grammar.has_hit(left[-span:] + right[:span]):
                    continue
            text = texts[i]
            if _OPEN_BRACKETS.search(text) or (
                ("本" in text or "此" in text) and _unfinished(text)
            ):
                wrapped.add(i)
        return named | wrapped

    def _joins_at(self, last: str, first: str) -> bool:
        """A level word can run across a line end between these two characters: each is a
        character of a word (an ASCII word: any ASCII character, and the four others Python's
        ``IGNORECASE`` folds to one), never white space (the lines are stripped)."""
        return self._in_words(last) and self._in_words(first)

    def _in_words(self, char: str) -> bool:
        return char in self._word_chars or (
            self._ascii_words and (char.isascii() or char in _ASCII_FOLDS)
        )

    def _declared(self, lines: list[Line], i: int, joined: set[int]) -> list[MarkMatch]:
        """The declaration or closing note on line ``i``; a note whose bracket is still open at
        the line's end, or a declaration whose sentence runs on past it (wrapped by a PDF's line
        breaks, even inside a word: ``本材料定为核心`` / ``商密，保密期限为5年…``), is read with
        the next lines up to the sentence's end; those lines go into ``joined``."""
        text = lines[i].text
        found = [m for m, _c in self.declarations.marks(text)]
        if found or i + 1 >= len(lines):
            return found
        opened = _OPEN_BRACKETS.search(text) is not None and len(
            _OPEN_BRACKETS.findall(text)
        ) > len(_CLOSE_BRACKETS.findall(text))
        if not opened and not _unfinished(text):
            return found
        run = text.rstrip()
        for j in range(i + 1, min(i + 1 + _WRAP_LINES, len(lines))):
            run += lines[j].text.strip()
            found = [m for m, _c in self.declarations.marks(run)]
            if found:
                joined.update(range(i + 1, j + 1))
                return found
            if not _unfinished(run):
                break
        return found

    def _header_rows(self, rows: list[TextChunk]) -> Iterator[tuple[TextChunk, MarkMatch]]:
        """Document-information tables whose header row holds a 密级 label (keyvalue)."""
        heads: dict[str | None, list[tuple[TextChunk, str]]] = {}
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

    def _ticked_runs(self, lines: list[Line], hit_lines: list[int]) -> dict[int, list[MarkMatch]]:
        """Form options standing one per line or cell (``□绝密`` / ``☑机密`` / ``□秘密``), read
        as one row, a ``密级`` label line before them included; keyed by the run's first line.
        Only lines naming a level (``hit_lines``, ascending) are looked at: a prose document
        costs nothing here."""
        out: dict[int, list[MarkMatch]] = {}
        runs: list[list[int]] = []
        for i in hit_lines:
            if not self.grammar.options_only(lines[i].text):
                continue
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            first = run[0]
            label = first > 0 and FIELD_LABEL.match(lines[first - 1].text) is not None
            row = " ".join(lines[j].text.strip() for j in run)
            if marks := self.grammar.ticked_marks(("密级：" if label else "") + row):
                out[first] = marks
        return out

    def _bare_ok(self, lines: list[Line], i: int) -> bool:
        """A bare level word: first lines (or the first slide/page), not a cell in a column of
        choices/values."""
        if i >= FIRST_PAGE_LINES:
            return False
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines):
                near = re.sub(r"[\s【】\[\]()（）]", "", lines[j].text)
                if near in CHOICE_WORDS or self.grammar.is_choice_list(lines[j].text):
                    return False
        if i >= START_LINES:
            return first_page(lines, i)
        return i < 3 or is_front_matter(lines[:i], self.grammar) or first_page(lines, i)


_WRAP_LINES = 2
"""Most lines after its first a wrapped declaration sentence is read across."""
_SENTENCE_END = frozenset("。！!？?；;")
_ENDS = re.compile("[。！!？?；;]")
_DECLARATION_SPLIT = "。！!；;"
"""Where :mod:`.declarations` ends a sentence."""
_DECLARATION_START = re.compile(
    r"[\s>#*_~—\-※◆■●▲]*(?:[（(【〔［\[]\s*)?(?:[^\s，,。；;：:（(【〔［\[]{1,8}[：:】\]］]\s*)?"
    r"(?:[（(【〔［\[]\s*)?(?:本|此)"
)


def _unfinished(text: str) -> bool:
    """``text`` is the first part of a sentence a PDF wrapped: it stops without a sentence's
    end, and its last, unfinished sentence names the document (本/此) — a declaration opens
    with its subject, so a 本 in an earlier, finished sentence of the line starts none."""
    last = max(text.rfind("本"), text.rfind("此"))
    if last < 0:
        return False
    t = text.rstrip()
    if t[-1] in _SENTENCE_END or _ENDS.search(t, last + 1):
        return False
    # the declaration reader's last sentence must open as a declaration does (decoration, a
    # label, a bracket, then its subject): wrapped prose naming 本 mid-sentence is not joined
    start = max(t.rfind(c) for c in _DECLARATION_SPLIT) + 1
    return _DECLARATION_START.match(t, start) is not None


def _csv_title(line: Line) -> bool:
    """``line`` is the only field of a CSV title row (``核心商密 客户名单,,,``)."""
    text = line.text
    return "," not in text and (text + "," in line.chunk.text or f'"{text}",' in line.chunk.text)


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
