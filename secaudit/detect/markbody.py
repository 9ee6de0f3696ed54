"""The marking detector's rules for the body lines of one member (paragraphs, cells, text boxes).

Near the start of a document any mark form counts, a bare level word too when it stands alone
(:func:`.marklines.stands_alone`); past the first lines only a line that is a mark form as a
whole, a level with handling clauses (:mod:`.handling`), a declaration or closing note
(:mod:`.declarations`, wrapped lines :mod:`.markwraps`) or a footer mark among the last lines;
rows of ticked options anywhere. Then the guards: lists of levels, example context, a ``密级``
column header above, choice lists (:mod:`.marklines`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from operator import attrgetter

from secaudit.detect import keyvalue
from secaudit.detect.declarations import DECLARATION_NOTE
from secaudit.detect.handling import MAX_LINE as HANDLING_MAX
from secaudit.detect.handling import HandlingLines
from secaudit.detect.markforms import MarkGrammar, MarkMatch
from secaudit.detect.marklines import (
    FIELD_LABEL,
    START_LINES,
    Line,
    column_header,
    example_context,
    first_page,
    in_level_list,
    is_front_matter,
    lines_of,
    stands_alone,
)
from secaudit.detect.marksheets import CHOICE_WORDS, SheetMarks
from secaudit.detect.markwraps import WrappedLines
from secaudit.detect.ticked import BOX_GATE
from secaudit.model import Confidence, TextChunk

FIRST_PAGE_LINES = 10
"""On the first slide/page of a paged document, a text box holding only a level word counts
within this many lines (text boxes come in creation order, the mark often last)."""
_COPY_NUMBER = re.compile(r"^\s*[0-9０-９]{3,8}\s+|\s+[0-9０-９]{3,8}\s*$")
_UNIT_NAME = re.compile(
    r"[^\s，,。；;：:、|｜丨]{2,30}(?:银行|支行|分行|公司|联社|信用社|部|室|中心|处|科|办公室)"
)
"""A unit or letterhead name beside a footer's mark."""


class BodyMarks:
    """Body-line marks for one vocabulary's grammar."""

    def __init__(
        self,
        grammar: MarkGrammar,
        handling: HandlingLines,
        sheets: SheetMarks,
        wraps: WrappedLines,
    ) -> None:
        self.grammar = grammar
        self.handling = handling
        self.sheets = sheets
        self.wraps = wraps

    def marks(
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
        facts = self.wraps.line_facts(lines)
        named = facts.named
        joined: set[int] = set()  # lines read as the end of a wrapped declaration before them
        last_but_one = len(lines) - 2
        may_declare = self.wraps.may_declare
        # without boxes only lines naming a level word (or joining one) can hold a mark: every
        # form, handling line and declaration names one (tests/detect/test_marking_fastpaths.py)
        for i in range(len(lines)) if boxes else sorted(named):
            if i in joined:
                continue
            ln = lines[i]
            if i >= START_LINES and not boxes:
                # past the start only a line that is a mark form as a whole counts: one anchored
                # try, which prose (内部控制…) fails at its first character
                text = ln.text.strip()
                if form_for(text).fullmatch(text) is not None:
                    raw_marks = self.grammar.line_marks(ln.text, gapped=False, ticks=False)
                    if raw_marks:
                        raw[i] = raw_marks
                elif len(text) > HANDLING_MAX and i < last_but_one:
                    # a sentence too long for a handling line: a declaration, or prose
                    if may_declare(ln.text, i, facts) and (
                        declared := self.wraps.declared(lines, i, joined, facts)
                    ):
                        raw[i] = declared
                elif handled := self.handling.marks(ln.text, body=True):
                    raw[i] = handled
                elif declared := self.wraps.declared(lines, i, joined, facts):
                    raw[i] = declared
                elif i >= last_but_one and (foot := self._foot_line(ln.text)):
                    raw[i] = foot
                continue
            hit = self.grammar.has_hit(ln.text)
            if hit:
                hit_lines.append(i)
            if hit or (i < START_LINES and i in named):
                marks = []
                if i < 2 and _csv_title(ln):
                    marks = self.sheets.title_cell(ln.text)  # 核心商密 客户名单,,,
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
                    marks = self.wraps.declared(lines, i, joined, facts)
                if marks:
                    raw[i] = marks
        for i, marks in (self._ticked_runs(lines, hit_lines) if boxes else {}).items():
            raw.setdefault(i, marks)
        if not raw:
            return  # most bodies: no line holds a mark, nothing for the guards to weigh
        header_at: int | None = -1  # -1: not looked for yet
        texts = list(map(attrgetter("text"), lines))
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


def _csv_title(line: Line) -> bool:
    """``line`` is the only field of a CSV title row (``核心商密 客户名单,,,``)."""
    text = line.text
    return "," not in text and (text + "," in line.chunk.text or f'"{text}",' in line.chunk.text)
