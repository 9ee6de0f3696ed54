"""Marks in spreadsheet rows (xlsx, xls, ods, et; one chunk per row, cells tab-separated).

Used by :class:`secaudit.detect.markings.MarkingDetector` for the rows of every sheet. A mark
counts in the first :data:`SHEET_START_ROWS` non-empty rows: a mark form in a cell (strong, in a
corner of the first row, after a ``密级`` label cell, or first beside front matter), a title
closing or opening with a bracketed mark (``存款客户明细（内部资料）``), a title row's only cell
led or trailed by a mark (``核心商密 客户清单``, ``重点客户名单-内部``), a level followed by
handling clauses (:mod:`.handling`) or a declaration (:mod:`.declarations`). A ticked row of
level boxes counts within :data:`SHEET_FORM_ROWS` rows (a form), a closing handling note in one
of the last :data:`SHEET_END_ROWS` rows (``（此表为核心商密，不得外传）``). Values under a ``密级``
column header are a register's, never marks; rows offering choices are no marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from secaudit.detect.declarations import Declarations
from secaudit.detect.handling import HandlingLines
from secaudit.detect.keyvalue import LIST_WORDS, header_row_marks
from secaudit.detect.markforms import MarkGrammar, MarkMatch
from secaudit.detect.marklines import FIELD_LABEL, FRONT_MATTER
from secaudit.detect.ticked import ANY_BOX
from secaudit.model import Confidence, TextChunk

SHEET_START_ROWS = 5
SHEET_FORM_ROWS = 40
"""A ticked row of level boxes counts within this many non-empty rows of a sheet (a form)."""
SHEET_END_ROWS = 3
"""A closing handling note counts in this many last non-empty rows of a sheet."""
CHOICE_WORDS = frozenset({"外部", "公开", "非密", "对外", "普通", "一般", "无", "不公开"})

_REGISTER = re.compile(r"登记|台账|目录|一览|统计|汇总|说明|释义|示例|样例")
"""A title naming a register or an explanation (``核心商密 文件登记台账``): its level is the
register's subject, not its mark."""

SheetMark = tuple[TextChunk, MarkMatch, Confidence]


class SheetMarks:
    """Marks of one sheet's rows."""

    def __init__(
        self, grammar: MarkGrammar, handling: HandlingLines, declarations: Declarations
    ) -> None:
        self.grammar = grammar
        self.handling = handling
        self.declarations = declarations

    def marks(self, rows: list[TextChunk]) -> Iterator[SheetMark]:
        filled = [r for r in rows if r.text.strip()]  # a cell holds more than white space
        values: set[int] = set()  # ids of the marks that are a 密级 label's value
        top = list(self._top(filled, values))
        if len({m.level for _r, m, _c in top if id(m) in values}) > 1:
            top = [
                t for t in top if id(t[1]) not in values
            ]  # 密级|核心商密 / 密级|普通商密: a list
        yield from top
        named_list = bool(filled) and LIST_WORDS.search(filled[0].key or "") is not None
        for row, m in [] if named_list else header_row_marks(filled, self.grammar):
            yield row, m, Confidence.HIGH  # a 密级 header row and one value row: a cover table
        yield from self._closing(filled[SHEET_START_ROWS:][-SHEET_END_ROWS:])

    def _top(self, rows: list[TextChunk], values: set[int]) -> Iterator[SheetMark]:
        header = False  # a row above has a 密级 column header: level cells below are values
        for seen, row in enumerate(rows[:SHEET_FORM_ROWS], start=1):
            if not self.grammar.has_hit(row.text):
                header = header or _has_label(row.text)
                continue
            cells = [c for c in row.text.split("\t") if c.strip()]
            ticked = self._ticked_row(cells)
            if ticked or seen > SHEET_START_ROWS:
                yield from ((row, m, Confidence.HIGH) for m in ticked)
                continue
            if self.grammar.is_choice_list(row.text):
                continue
            yield from self._start_row(row, cells, seen, header, values)
            header = header or _has_label(row.text)

    def _start_row(
        self, row: TextChunk, cells: list[str], seen: int, header: bool, values: set[int]
    ) -> Iterator[SheetMark]:
        others_front = all(FRONT_MATTER.match(c.strip()) for c in cells[1:])
        choices = any(c.strip() in CHOICE_WORDS for c in cells)
        for pos, cell in enumerate(cells):
            corner = seen == 1 and pos in (0, len(cells) - 1) and not choices
            labelled = pos > 0 and FIELD_LABEL.match(cells[pos - 1]) is not None
            if header and not labelled:
                continue
            marks = self.grammar.line_marks(cell, gapped=True)
            if not marks and seen <= 2:
                marks = self.grammar.title_marks(cell)
            if not marks and seen <= 2 and len(cells) == 1:
                marks = self.title_cell(cell)
            if not marks:
                marks = self.handling.marks(cell)
            for m in marks:
                if m.strong or corner or labelled or (pos == 0 and others_front and seen <= 3):
                    if labelled:
                        values.add(id(m))
                    yield row, m, Confidence.HIGH
            if not marks and len(cells) == 1:
                yield from ((row, m, c) for m, c in self.declarations.marks(cell))

    def title_cell(self, cell: str) -> list[MarkMatch]:
        """A title row's only cell led or trailed by a mark (``核心商密 客户清单``), unless it
        names a register; a bare 内部 leading words may be a noun (``内部 控制检查表``)."""
        if _REGISTER.search(cell):
            return []
        found = self.grammar.name_marks(cell.strip())
        return [m for m in found if not (m.text == "内部" and m.after)]

    def _closing(self, rows: list[TextChunk]) -> Iterator[SheetMark]:
        for row in rows:
            cells = [c for c in row.text.split("\t") if c.strip()]
            if len(cells) == 1 and self.grammar.has_hit(cells[0]):
                yield from ((row, m, c) for m, c in self.declarations.marks(cells[0]))

    def _ticked_row(self, cells: list[str]) -> list[MarkMatch]:
        """A ticked row of level boxes: across the row's cells, or in one cell (labelled by a
        ``密级`` cell before it)."""
        g = self.grammar
        if not ANY_BOX.search("".join(cells)):
            return []
        if found := g.ticked_marks("\t".join(cells)):
            return found
        for pos, cell in enumerate(cells):
            label = pos > 0 and FIELD_LABEL.match(cells[pos - 1]) is not None
            if found := g.ticked_marks(("密级：" if label else "") + cell):
                return found
        return []


def _has_label(row: str) -> bool:
    """A cell of the tab-separated ``row`` is a ``密级`` label (every label names 级)."""
    return "级" in row and any(FIELD_LABEL.match(c) for c in row.split("\t") if c.strip())
