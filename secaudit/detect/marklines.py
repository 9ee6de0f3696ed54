"""Body lines of one member and the position rules the marking detector applies to them.

:func:`lines_of` turns the body chunks of a member into non-empty lines (:class:`Line`, with the
chunk each came from); the predicates below say where a line stands — among the first lines,
beside front matter (copy number, urgency, document number, letterhead), after an example
announcement, in a list of levels, under a ``密级`` column header. :mod:`.markings` combines them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import repeat
from typing import NamedTuple

from secaudit.detect.keyvalue import FIELD_LABEL
from secaudit.detect.markforms import MarkGrammar, MarkMatch
from secaudit.detect.marklabels import LATIN, without_glosses
from secaudit.model import TextChunk

START_LINES = 5
"""Bare level words count within this many non-empty body lines of a member."""

FRONT_MATTER = re.compile(
    r"^(?:[0-9０-９]{1,8}|特急|加急|特提|平急|急件|紧急|份号.{0,10}|No\.?\s*\d+"
    r"|(?:紧急程度|缓急)[:：]?.{0,4}|保密期限[:：]?.{1,20}|编号[:：]?[-—0-9A-Za-z０-９()（）〔〕]{1,20}"
    r"|.{1,12}〔[0-9０-９]{4}〕[0-9０-９]{1,4}号"
    r"|[^\s，。；：:]{2,30}(?:文件|签报|便函|会议纪要|银行|支行|分行|公司|联社|部|室|中心))$"
)
"""Lines and segments of a document's front matter: copy number, urgency, period field, number,
document number (``江农商银发〔2024〕37号``), organ header (``…银行文件``) or letterhead name."""
NOTICE_VERBS = (
    *("通知", "报告", "安排", "说明", "汇报", "通报"),
    *("部署", "答复", "批复", "告知", "公告"),
)
"""Verbs of a notice's formula before ``如下`` (all two characters: a fixed-width look-behind)."""
EXAMPLE_CTX = re.compile(
    r"示例|例如|比如|举例|样式|式样|格式|范例|样例|样张|写作|写为|写法|标注|密级标[志识]"
    rf"|(?<!{'|'.join(NOTICE_VERBS)})如下|如[:：]\s*$"
)
"""A line within :data:`CONTEXT_LINES` before a mark that says what follows is an example;
``如下`` after a notice verb (``…有关事项通知如下。``) is the notice's formula, no example."""
DATE_LINE = re.compile(r"^\s*[0-9０-９〇零一二三四五六七八九十]{2,4}\s*年[^。，,；;]{1,8}日\s*$")
"""A signature date (``2024年3月5日``): an example announced above it ends there."""
CONTEXT_LINES = 3
LIST_WINDOW = 2
"""Marks naming different levels within this many lines are a list of levels."""
LABEL_GAP = re.compile(r"[:：]\s+")
_DECOR_START = frozenset("#>|")
_RULE_CELL = re.compile(r":?-{3,}:?|")
_DECOR = re.compile(r"^\s*(?:#{1,6}\s+|>\s*)*(?P<inner>.+?)\s*#*\s*$")
_STRONG = re.compile(r"(?<!\*)(\*\*\*?)(?=[^\s*])(.+?)(?<=[^\s*])\1(?!\*)")
_EMPHASIS = re.compile(r"(?<![\w*])(\*|_{1,3})(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")
"""Markdown emphasis spans: ``**机密**``/``***机密***`` anywhere (``本文件为**内部资料**``), then
``*绝密★6个月*``, ``_内部资料_``, ``__机密__`` only with markers that open after a space,
bracket or the line's start and close before one, as CommonMark's flanking rules read ``_``. A
``*`` bullet (followed by a space), a non-standard star glued to its level (``机密*10年``) and
``_`` inside an identifier (``file_name``) are no markers."""


class Line(NamedTuple):
    """One non-empty body line and the chunk it came from (``whole_chunk``: the line is all of
    that chunk, e.g. a table cell or a text box). A named tuple: the lines of a long chunk are
    built in C (:func:`_lines`), not by a Python ``__init__`` per line."""

    text: str
    chunk: TextChunk
    whole_chunk: bool


def _lines(texts: list[str], chunk: TextChunk) -> Iterator[Line]:
    """A :class:`Line` per text of ``chunk`` (``whole_chunk`` when it is the only one)."""
    fields = zip(texts, repeat(chunk), repeat(len(texts) == 1))
    return map(tuple.__new__, repeat(Line), fields)  # type: ignore[arg-type]


_CSV_EMPTY = re.compile(r"^(?:\s*,)+|(?:,\s*)+$")


def lines_of(chunks: list[TextChunk], grammar: MarkGrammar) -> list[Line]:
    """Non-empty body lines in order; past the start, a chunk without any level word is kept
    only as its last line (context for the next chunk), so long documents cost one search."""
    out: list[Line] = []
    for chunk in chunks:
        if len(out) > START_LINES + 1 and not grammar.has_hit(chunk.text):
            tail = chunk.text.rstrip().rsplit("\n", 1)[-1]
            if tail.strip():
                out.append(Line(tail, chunk, False))
            continue
        if (plain := _plain_lines(chunk.text)) is not None:
            out.extend(_lines(plain, chunk))
            continue
        parts: list[str] = []
        for p in chunk.text.splitlines():
            if not p or p.isspace():
                continue
            # most prose lines: nothing _plain takes off (no comma, emphasis, Markdown start,
            # Latin letter), told without calling it
            if (
                "," in p
                or "*" in p
                or "_" in p
                or p[0] in _DECOR_START
                or p[0].isspace()
                or LATIN.search(p)
            ):
                p = _plain(p, grammar)
                if not p:
                    continue
            parts.append(p)
        out.extend(_lines(parts, chunk))  # \n \r \v \f \u2028 …
    return out


_PLAIN_ASCII = (b",", b"*", b"_")


def _plain_lines(text: str) -> list[str] | None:
    """The non-empty lines of ``text`` when none needs :func:`_plain` (no comma, emphasis
    character or Latin letter anywhere, no line opening with white space or a Markdown
    character), told by whole-text passes in C; ``None``: read line by line."""
    ascii_part = text.encode("ascii", "ignore")  # digits, spaces, punctuation of long prose
    if ascii_part.upper() != ascii_part.lower() or any(c in ascii_part for c in _PLAIN_ASCII):
        return None
    parts = text.splitlines()
    heads = {p[:1] for p in parts}
    if any(h in _DECOR_START or h.isspace() for h in heads):
        return None
    return [p for p in parts if p] if "" in heads else parts


def _plain(line: str, grammar: MarkGrammar) -> str:
    """``line`` undecorated — unless it is a mark form as written, its asterisks the stars of
    a non-standard form (``*机密*``: read as before, star form and note, rather than as italics)."""
    plain = without_glosses(undecorated(_csv_edges(line)))
    if plain != line and "*" in line:
        raw = line.strip()
        if grammar.form_for(raw).fullmatch(raw) is not None:
            return raw
    return plain


def first_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]`` without splitting the rest of a long text: the text up to its
    n-th line feed holds at least n lines, and splits there as the whole text does."""
    end = -1
    for _ in range(max(n, 0)):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.splitlines()[:n]
    return text[: end + 1].splitlines()[:n]


def _csv_edges(line: str) -> str:
    """A CSV line without its empty fields at either end (``客户名单（核心商密）,,,``): a title
    or closing row of a CSV export reads as the line it is in the spreadsheet."""
    if "," not in line:
        return line
    edge = line.strip()
    inner = _CSV_EMPTY.sub("", line) if edge[:1] == "," or edge[-1:] == "," else line
    if len(inner) > 1 and inner[0] == inner[-1] == '"' and '"' not in inner[1:-1]:
        inner = inner[1:-1]
    return inner if inner.strip() else line


def undecorated(line: str) -> str:
    """``line`` without lightweight-markup decoration: a Markdown heading or quote marker and
    emphasis markers around any span (``**机密★2026年12月31日**``, ``**机密** 未经审批不得转发``,
    ``*绝密★6个月*``, ``_内部资料_``, ``## 内部资料``), a pipe-table row as
    tab-separated cells (``| 密级 | 核心商密 |``; the ``|---|`` rule row gives ``""``) —
    plain-text files written in Markdown show the mark exactly as a word processor would."""
    emphasis = "*" in line or "_" in line
    start = line[:1]
    if start.isspace():
        start = line.lstrip()[:1]
    if start not in _DECOR_START and not emphasis:
        return line
    if emphasis:  # emphasis markers wherever they wrap a span (**机密** 未经审批不得转发)
        if "**" in line:
            line = _STRONG.sub(r"\2", line)
        line = _EMPHASIS.sub(r"\2", line)
    if start == "|":  # a Markdown table row: cells as tab-separated, the rule row dropped
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        return "" if all(_RULE_CELL.fullmatch(c) for c in cells) else "\t".join(cells)
    if start not in _DECOR_START:
        return line
    m = _DECOR.match(line)
    return m.group("inner") if m else line


def column_header(lines: list[Line], raw: dict[int, list[MarkMatch]]) -> int | None:
    """Index of the first line before the last mark line that is, or holds as a cell, a 密级
    field label (a column header of a register); None when there is none."""
    if not raw:
        return None
    last = max(raw)
    for j, ln in enumerate(lines[:last]):
        if "级" in ln.text and any(FIELD_LABEL.match(c) for c in ln.text.split("\t")):
            return j
    return None


def example_context(lines: list[Line], i: int, marks: list[MarkMatch]) -> bool:
    """A line shortly before ``i`` announces an example or a specimen of a mark. A bracketed
    closing note among the last lines of the document is cut off from an example announced
    above a signature date between them (``2024年3月5日`` / ``（此件为机密，不得对外提供）``)."""
    closing = i >= len(lines) - 2 and all(m.text[:1] in "（(【[〔［" for m in marks)
    for j in range(i - 1, max(0, i - CONTEXT_LINES) - 1, -1):
        if closing and DATE_LINE.match(lines[j].text):
            return False
        if EXAMPLE_CTX.search(lines[j].text):
            return True
    return False


def first_page(lines: list[Line], i: int) -> bool:
    """Lines 0..i lie on the first page or slide of a paged document (pdf, pptx: several
    chunks share index 0), where a text box holding only a level word is the mark."""
    first = lines[0].chunk
    return (
        first.index == 0
        and all(ln.chunk.index == 0 and ln.whole_chunk for ln in lines[: i + 1])
        and len({id(ln.chunk) for ln in lines[: i + 1]}) > 1
    )


def stands_alone(m: MarkMatch) -> bool:
    """A body mark sharing its line stands only beside a copy number or urgency word (the 1999
    top-right layout), or starts the line as a full ``密级★期限`` form; in the middle of a
    tab-separated row (a register of documents) it is a value, not a mark."""
    if m.whole:
        return True
    if m.period and m.strong and not m.before:
        return True
    rest = LABEL_GAP.sub("：", f"{m.before} {m.after}").split()
    return all(FRONT_MATTER.match(seg) for seg in rest)


def is_front_matter(before: list[Line], grammar: MarkGrammar) -> bool:
    """Every earlier line is a copy number, an urgency word, or itself a mark."""
    for ln in before:
        t = ln.text.strip()
        if not (FRONT_MATTER.match(t) or grammar.line_marks(t, gapped=True)):
            return False
    return True


def in_level_list(cands: dict[int, list[MarkMatch]], i: int) -> bool:
    """Adjacent mark lines naming different levels are a list of levels, not marks."""
    levels = {m.level for m in cands[i]}
    for j in (*range(i - LIST_WINDOW, i), *range(i + 1, i + LIST_WINDOW + 1)):
        if j in cands and {m.level for m in cands[j]} - levels:
            return True
    return False
