"""Marks in a document's body: its lines read in order, each judged by where it stands.

:class:`BodyMarks` reads the body lines of one member (:func:`.marklines.lines_of`) and yields the
marks standing there with their confidence: a strong form anywhere as a line of its own; a bare
level word, a letterhead mark or a bracketed title only near the start
(:data:`.marklines.START_LINES`, or a text box of the first slide/page within
:data:`FIRST_PAGE_LINES`); handling clauses and declarations; options ticked one per line
(:meth:`BodyMarks._ticked_runs`). The guards (lists of levels, a ``密级`` column header above,
example context) apply here. The detector that gathers all marks is
:mod:`secaudit.detect.markings`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from secaudit.detect import keyvalue
from secaudit.detect.declarations import DECLARATION_NOTE, Declarations
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
from secaudit.detect.ticked import BOX_GATE
from secaudit.model import Confidence, TextChunk

FIRST_PAGE_LINES = 10
"""On the first slide/page of a paged document, a text box holding only a level word counts
within this many lines (text boxes come in creation order, the mark often last)."""
_COPY_NUMBER = re.compile(r"^\s*[0-9０-９]{3,8}\s+|\s+[0-9０-９]{3,8}\s*$")
_OPEN_BRACKETS = re.compile("[（(【〔［]")
_CLOSE_BRACKETS = re.compile("[）)】〕］]")


class BodyMarks:
    """The marks standing in the body lines of one member, with their confidence."""

    def __init__(
        self,
        grammar: MarkGrammar,
        handling: HandlingLines,
        declarations: Declarations,
        sheets: SheetMarks,
    ) -> None:
        self.grammar = grammar
        self.handling = handling
        self.declarations = declarations
        self.sheets = sheets

    def marks(self, chunks: list[TextChunk]) -> Iterator[tuple[TextChunk, MarkMatch, Confidence]]:
        lines = lines_of(chunks, self.grammar)
        raw: dict[int, list[MarkMatch]] = {}
        hit_lines: list[int] = []
        boxes = any(BOX_GATE.search(c.text) for c in chunks)  # once: most documents have none
        form_for = self.grammar.form_for
        named = self._naming_lines(lines)
        for i, ln in enumerate(lines):
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
                elif declared := self._declared(lines, i):
                    raw[i] = declared
                continue
            hit = self.grammar.has_hit(ln.text)
            if hit:
                hit_lines.append(i)
            if hit or i < START_LINES:
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
                if not marks and hit:
                    marks = self._declared(lines, i)
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
            if kept and example_context(lines, i):
                if not is_front_matter(lines[:i], self.grammar):
                    continue
            for m in kept:
                declared = m.note == DECLARATION_NOTE
                yield lines[i].chunk, m, Confidence.MEDIUM if declared else Confidence.HIGH

    def _naming_lines(self, lines: list[Line]) -> set[int]:
        """Indices of the lines that name a level word (one pass of the hit pattern over all
        lines), and of lines whose bracket is still open at their end when the word appears
        only once the next line is joined to them (a closing note wrapped by a PDF)."""
        texts = [ln.text for ln in lines]
        starts: list[int] = []
        pos = 0
        for t in texts:
            starts.append(pos)
            pos += len(t) + 1
        joined = "\n".join(texts)
        named: set[int] = set()
        for m in self.grammar.hit_re.finditer(joined):
            first = bisect_right(starts, m.start()) - 1
            named.update(range(first, bisect_right(starts, m.end() - 1)))
        bracketed = {bisect_right(starts, m.start()) - 1 for m in _OPEN_BRACKETS.finditer(joined)}
        for i in sorted(bracketed):
            if i not in named and i + 1 < len(texts):
                t = texts[i]
                if i + 1 in named or self.grammar.has_hit(t.rstrip() + texts[i + 1].strip()):
                    named.add(i)
        return named

    def _declared(self, lines: list[Line], i: int) -> list[MarkMatch]:
        """The declaration or closing note on line ``i``; a note whose bracket is still open at
        the line's end (wrapped by a PDF's line breaks) is read with the next line."""
        text = lines[i].text
        found = [m for m, _c in self.declarations.marks(text)]
        if not found and i + 1 < len(lines) and _OPEN_BRACKETS.search(text):
            opened = len(_OPEN_BRACKETS.findall(text)) > len(_CLOSE_BRACKETS.findall(text))
            if opened:
                joined = text.rstrip() + lines[i + 1].text.strip()
                found = [m for m, _c in self.declarations.marks(joined)]
        return found

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
