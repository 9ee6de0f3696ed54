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
编号, 紧急程度, 保密期限, 发文字号, letterhead name).

Forms: a row of boxes with exactly one level ticked (``密级：□绝密 ☑机密 □秘密``, ``机密√``,
``(√)秘密 ( )机密``) declares that level anywhere in the body, in a table cell, a sheet row within
:data:`SHEET_FORM_ROWS`, a header or footer; options one per cell or line (``□绝密`` / ``☑机密``)
are read together (:meth:`MarkingDetector._ticked_runs`). A ticked row is no register value (the
``密级`` column-header guard does not apply), the other guards do.

Guards: choice lists (``□绝密 □机密``, blank or with several ticks), lines within
:data:`LIST_WINDOW` naming different levels (a list in training material), example context
(``示例``/``式样``/``标注`` within :data:`CONTEXT_LINES` lines before, or on a ticked row), a
``密级`` column header above (a register's values), data columns of ``内部``/``外部``. Grammar
lives in :mod:`secaudit.detect.markforms`; to change what counts as a mark, edit there or the
position rules here and extend ``tests/detect/test_markings.py``, ``tests/detect/test_ticked.py``
and ``tests/detect/test_heldout.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from secaudit.detect.base import with_ocr_note
from secaudit.detect.markforms import MarkGrammar, MarkMatch
from secaudit.detect.tables import split_rows
from secaudit.detect.ticked import ANY_BOX, BOX_GATE
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Confidence, Finding, Location, TextChunk

START_LINES = 5
"""Bare level words count within this many non-empty body lines of a member."""
FIRST_PAGE_LINES = 10
"""On the first slide/page of a paged document, a text box holding only a level word counts
within this many lines (text boxes come in creation order, the mark often last)."""
SHEET_START_ROWS = 5
SHEET_FORM_ROWS = 40
"""A ticked row of level boxes counts within this many non-empty rows of a sheet (a form)."""
MARK_KEYS = frozenset(
    {
        "密级",
        "密级标识",
        "密级标志",
        "文件密级",
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
_FRONT_MATTER = re.compile(
    r"^(?:[0-9０-９]{1,8}|特急|加急|特提|平急|急件|紧急|份号.{0,10}|No\.?\s*\d+"
    r"|(?:紧急程度|缓急)[:：]?.{0,4}|保密期限[:：]?.{1,20}|编号[:：]?[-—0-9A-Za-z０-９()（）〔〕]{1,20}"
    r"|.{1,12}〔[0-9０-９]{4}〕[0-9０-９]{1,4}号"
    r"|[^\s，。；：:]{2,30}(?:文件|签报|便函|会议纪要|银行|支行|分行|公司|联社|部|室|中心))$"
)
"""Lines and segments of a document's front matter: copy number, urgency, period field, number,
document number (``江农商银发〔2024〕37号``), organ header (``…银行文件``) or letterhead name."""
_EXAMPLE_CTX = re.compile(
    r"示例|例如|比如|举例|样式|式样|格式|如下|范例|样例|样张|写作|写为|写法|标注|密级标[志识]"
    r"|如[:：]\s*$"
)
"""A line within :data:`CONTEXT_LINES` before a mark that says what follows is an example."""
CONTEXT_LINES = 3
LIST_WINDOW = 2
"""Marks naming different levels within this many lines are a list of levels."""
_FIELD_LABEL = re.compile(
    r"^\s*(?:密\s?级|文件密级|保密等级|密级标识|保密级别|密级(?:和|及|与)保密期限)\s*[:：]?\s*$"
)
_COPY_NUMBER = re.compile(r"^\s*[0-9０-９]{3,8}\s+|\s+[0-9０-９]{3,8}\s*$")
_CHOICE_WORDS = frozenset({"外部", "公开", "非密", "对外", "普通", "一般", "无", "不公开"})
_LABEL_GAP = re.compile(r"[:：]\s+")
_TOKEN_SPLIT = re.compile(r"[;,，；、|\s]+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c")
_CONF_RANK = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


@dataclass(slots=True)
class _Line:
    text: str
    chunk: TextChunk
    whole_chunk: bool


class MarkingDetector:
    """Finds secrecy markings; every distinct (member, location, text) is one finding."""

    id: ClassVar[str] = "marking"
    version: ClassVar[str] = "3"

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.grammar = MarkGrammar(vocabulary)

    def analyze(self, chunks: Sequence[TextChunk]) -> Iterator[Finding]:
        found: dict[tuple[str | None, Location, str], Finding] = {}
        body: dict[str | None, list[TextChunk]] = {}
        sheets: dict[tuple[str | None, str], list[TextChunk]] = {}
        for chunk in split_rows(chunks)[0]:  # table cells as lines of their own, no row lines
            loc = chunk.location
            if loc is Location.BODY and chunk.key is not None:
                sheets.setdefault((chunk.member, chunk.key), []).append(chunk)
            elif loc is Location.BODY:
                body.setdefault(chunk.member, []).append(chunk)
            elif self.grammar.has_hit(chunk.text):
                for m, conf in self._other(chunk):
                    _keep(found, chunk, m, conf)
        for member_chunks in body.values():
            for chunk, m, conf in self._body(member_chunks):
                _keep(found, chunk, m, conf)
        for rows in sheets.values():
            for chunk, m in self._sheet(rows):
                _keep(found, chunk, m, Confidence.HIGH)
        yield from found.values()

    # -- body -------------------------------------------------------------------------------
    def _body(self, chunks: list[TextChunk]) -> Iterator[tuple[TextChunk, MarkMatch, Confidence]]:
        lines = _lines(chunks, self.grammar)
        raw: dict[int, list[MarkMatch]] = {}
        hit_lines: list[int] = []
        boxes = any(BOX_GATE.search(c.text) for c in chunks)  # once: most documents have none
        for i, ln in enumerate(lines):
            hit = self.grammar.has_hit(ln.text)
            if hit:
                hit_lines.append(i)
            if hit or i < START_LINES:
                marks = self.grammar.line_marks(ln.text, gapped=i < START_LINES, ticks=boxes)
                if not marks and i < START_LINES and _COPY_NUMBER.search(ln.text):
                    # 1999 layout: copy number left, mark right, one space apart after extraction
                    marks = self.grammar.line_marks(_COPY_NUMBER.sub("", ln.text), gapped=False)
                if not marks and i < START_LINES:
                    # letterhead: "江川农村商业银行 内部资料", the layout gap lost in extraction
                    loose = self.grammar.line_marks(ln.text, gapped=False, loose=True)
                    marks = [m for m in loose if _stands_alone(m)]
                if not marks and i < START_LINES:
                    marks = self.grammar.title_marks(ln.text)
                if marks:
                    raw[i] = marks
        for i, marks in (self._ticked_runs(lines, hit_lines) if boxes else {}).items():
            raw.setdefault(i, marks)
        header_at: int | None = -1  # -1: not looked for yet
        for i, marks in raw.items():
            if _in_level_list(raw, i):
                continue
            labelled = i > 0 and _FIELD_LABEL.match(lines[i - 1].text) is not None
            if not labelled and not all(m.ticked for m in marks):
                header_at = _column_header(lines, raw) if header_at == -1 else header_at
                if header_at is not None and header_at < i:
                    continue  # a value under a 密级 column header: a register, not a mark
            kept = [
                m
                for m in marks
                if _stands_alone(m) and (m.strong or labelled or self._bare_ok(lines, i))
            ]
            if kept and _example_context(lines, i):
                if not _is_front_matter(lines[:i], self.grammar):
                    continue
            for m in kept:
                yield lines[i].chunk, m, Confidence.HIGH

    def _ticked_runs(self, lines: list[_Line], hit_lines: list[int]) -> dict[int, list[MarkMatch]]:
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
            label = first > 0 and _FIELD_LABEL.match(lines[first - 1].text) is not None
            row = " ".join(lines[j].text.strip() for j in run)
            if marks := self.grammar.ticked_marks(("密级：" if label else "") + row):
                out[first] = marks
        return out

    def _bare_ok(self, lines: list[_Line], i: int) -> bool:
        """A bare level word: first lines (or the first slide/page), not a cell in a column of
        choices/values."""
        if i >= FIRST_PAGE_LINES:
            return False
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines):
                near = re.sub(r"[\s【】\[\]()（）]", "", lines[j].text)
                if near in _CHOICE_WORDS or self.grammar.is_choice_list(lines[j].text):
                    return False
        if i >= START_LINES:
            return _first_page(lines, i)
        return i < 3 or _is_front_matter(lines[:i], self.grammar) or _first_page(lines, i)

    # -- sheets -----------------------------------------------------------------------------
    def _sheet(self, rows: list[TextChunk]) -> Iterator[tuple[TextChunk, MarkMatch]]:
        seen = 0
        header = False  # a row above has a 密级 column header: level cells below are values
        for row in rows:
            cells = [c for c in row.text.split("\t") if c.strip()]
            if not cells:
                continue
            seen += 1
            if seen > SHEET_FORM_ROWS:
                return
            if not self.grammar.has_hit(row.text):
                header = header or any(_FIELD_LABEL.match(c) for c in cells)
                continue
            ticked = self._ticked_row(cells)
            if ticked or seen > SHEET_START_ROWS:
                yield from ((row, m) for m in ticked)
                continue
            others_front = all(_FRONT_MATTER.match(c.strip()) for c in cells[1:])
            if self.grammar.is_choice_list(row.text):
                continue
            choices = any(c.strip() in _CHOICE_WORDS for c in cells)
            for pos, cell in enumerate(cells):
                corner = seen == 1 and pos in (0, len(cells) - 1) and not choices
                labelled = pos > 0 and _FIELD_LABEL.match(cells[pos - 1]) is not None
                if header and not labelled:
                    continue
                marks = self.grammar.line_marks(cell, gapped=True)
                if not marks and seen <= 2:
                    marks = self.grammar.title_marks(cell)
                for m in marks:
                    if m.strong or corner or labelled or (pos == 0 and others_front and seen <= 3):
                        yield row, m
            header = header or any(_FIELD_LABEL.match(c) for c in cells)

    def _ticked_row(self, cells: list[str]) -> list[MarkMatch]:
        """A ticked row of level boxes: across the row's cells, or in one cell (labelled by a
        ``密级`` cell before it)."""
        g = self.grammar
        if not ANY_BOX.search("".join(cells)):
            return []
        if found := g.ticked_marks("\t".join(cells)):
            return found
        for pos, cell in enumerate(cells):
            label = pos > 0 and _FIELD_LABEL.match(cells[pos - 1]) is not None
            if found := g.ticked_marks(("密级：" if label else "") + cell):
                return found
        return []

    # -- other locations --------------------------------------------------------------------
    def _other(self, chunk: TextChunk) -> Iterator[tuple[MarkMatch, Confidence]]:
        g = self.grammar
        loc = chunk.location
        if loc in (Location.HEADER, Location.FOOTER):
            for line in chunk.text.splitlines():
                for m in g.line_marks(line, gapped=True, loose=True):
                    yield m, Confidence.HIGH
        elif loc is Location.PROPERTY:
            yield from ((m, Confidence.HIGH) for m in self._property(chunk))
        elif loc in (Location.FILENAME, Location.SHEET_NAME):
            yield from ((m, Confidence.MEDIUM) for m in g.name_marks(chunk.text))
        elif loc is Location.SUBJECT:
            yield from ((m, Confidence.MEDIUM) for m in g.name_marks(chunk.text, subject=True))

    def _property(self, chunk: TextChunk) -> Iterator[MarkMatch]:
        key = re.sub(r"\s+", "", (chunk.key or "")).lower()
        value = chunk.text.strip()
        if key in MARK_KEYS:
            yield from self.grammar.line_marks(value, gapped=True, loose=True)
            return
        if key in TOKEN_KEYS:
            whole = self.grammar.line_marks(value, gapped=False)
            if whole:
                yield from whole
                return
            if key in ("keywords", "category", "关键词", "类别"):
                for token in _TOKEN_SPLIT.split(value):
                    yield from self.grammar.line_marks(token, gapped=False)
                return
        yield from (m for m in self.grammar.line_marks(value, gapped=False) if m.strong)


def _lines(chunks: list[TextChunk], grammar: MarkGrammar) -> list[_Line]:
    """Non-empty body lines in order; past the start, a chunk without any level word is kept
    only as its last line (context for the next chunk), so long documents cost one search."""
    out: list[_Line] = []
    for chunk in chunks:
        if len(out) > START_LINES + 1 and not grammar.has_hit(chunk.text):
            tail = chunk.text.rstrip().rsplit("\n", 1)[-1]
            if tail.strip():
                out.append(_Line(tail, chunk, False))
            continue
        parts = [p for p in _LINE_BREAK.split(chunk.text) if p.strip()]
        out.extend(_Line(p, chunk, len(parts) == 1) for p in parts)
    return out


def _column_header(lines: list[_Line], raw: dict[int, list[MarkMatch]]) -> int | None:
    """Index of the first line before the last mark line that is, or holds as a cell, a 密级
    field label (a column header of a register); None when there is none."""
    if not raw:
        return None
    last = max(raw)
    for j, ln in enumerate(lines[:last]):
        if "级" in ln.text and any(_FIELD_LABEL.match(c) for c in ln.text.split("\t")):
            return j
    return None


def _example_context(lines: list[_Line], i: int) -> bool:
    """A line shortly before ``i`` announces an example or a specimen of a mark."""
    return any(_EXAMPLE_CTX.search(lines[j].text) for j in range(max(0, i - CONTEXT_LINES), i))


def _first_page(lines: list[_Line], i: int) -> bool:
    """Lines 0..i lie on the first page or slide of a paged document (pdf, pptx: several
    chunks share index 0), where a text box holding only a level word is the mark."""
    first = lines[0].chunk
    return (
        first.index == 0
        and all(ln.chunk.index == 0 and ln.whole_chunk for ln in lines[: i + 1])
        and len({id(ln.chunk) for ln in lines[: i + 1]}) > 1
    )


def _stands_alone(m: MarkMatch) -> bool:
    """A body mark sharing its line stands only beside a copy number or urgency word (the 1999
    top-right layout), or starts the line as a full ``密级★期限`` form; in the middle of a
    tab-separated row (a register of documents) it is a value, not a mark."""
    if m.whole:
        return True
    if m.period and m.strong and not m.before:
        return True
    rest = _LABEL_GAP.sub("：", f"{m.before} {m.after}").split()
    return all(_FRONT_MATTER.match(seg) for seg in rest)


def _is_front_matter(before: list[_Line], grammar: MarkGrammar) -> bool:
    """Every earlier line is a copy number, an urgency word, or itself a mark."""
    for ln in before:
        t = ln.text.strip()
        if not (_FRONT_MATTER.match(t) or grammar.line_marks(t, gapped=True)):
            return False
    return True


def _in_level_list(cands: dict[int, list[MarkMatch]], i: int) -> bool:
    """Adjacent mark lines naming different levels are a list of levels, not marks."""
    levels = {m.level for m in cands[i]}
    for j in (*range(i - LIST_WINDOW, i), *range(i + 1, i + LIST_WINDOW + 1)):
        if j in cands and {m.level for m in cands[j]} - levels:
            return True
    return False


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
