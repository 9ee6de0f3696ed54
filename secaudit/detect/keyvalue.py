"""Key/value layouts of a document-information block: where a level is the *value* of a label.

Bank documents often declare their level in a small information table on the cover or first page
(文档名称 / 文档编号 / 版本 / 密级 / 编制部门): the level is the value beside or under a ``密级``
label, never a mark form of its own. Extractors give such a table in two shapes:

- **vertical pair** — the label cell (or, in a flattened PDF, the label line) immediately before
  the value cell/line (``密级`` / ``核心商密``). :func:`labelled` says a line is such a value;
  :func:`in_labelled_list` keeps the guard against lists of levels under a label (``密级`` /
  ``绝密`` / ``机密`` / ``秘密`` in training material) while letting the next label's value differ
  (``密级`` / ``普通商密`` / ``文件类型`` / ``内部``);
- **header row** — a row of labels with ``密级`` among them, then exactly *one* row of values
  (``文件编号  密级  版本`` / ``JC-07  核心商密  V1.0``), as a table row (tab-separated cells) or
  a flattened PDF line (single spaces). :func:`header_row_marks` reads it. A register lists *many*
  documents under its ``密级`` column: a second value row (any row with as many cells, or one
  whose cell in that column is a level) or an ordinal column (``序号``, a first value ``1``)
  makes the table a register and nothing is marked.

Guards kept from the body rules: an example announcement shortly before (``示例``, ``式样`` …), a
choice list in the value (``□绝密 □机密``). To accept another label wording, extend
:data:`FIELD_LABEL` and add rows to ``tests/detect/test_layout_marks.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from secaudit.detect.markforms import LABEL_PREFIX, LABEL_WORDS, MarkGrammar, MarkMatch
from secaudit.model import TextChunk

FIELD_LABEL = re.compile(
    r"^\s*(?:(?:classification|security\s*level)\s*[/／]?\s*)?"  # Classification 密级
    rf"(?:(?:{LABEL_PREFIX})?"
    rf"(?:{LABEL_WORDS})(?:程度|等级)?"
    r"|密级(?:和|及|与|/|、)保密期限)"
    r"\s*(?:[(（][^()（）]{0,20}[)）]|[/／]\s*[A-Za-z][A-Za-z ]{0,19})?\s*[:：]?\s*$",
    re.IGNORECASE,
)
"""A label cell or line whose value (next cell or line) is a document's level."""
HEADER_ROWS = 30
"""A one-row header table counts within this many rows/lines of a member's body."""
_ORDINAL = re.compile(r"^(?:序号?|顺序号|编号|No\.?|#)$", re.IGNORECASE)
_EXAMPLE = re.compile(
    r"示例|例如|举例|样式|式样|范例|样例|样张|模板|填写说明|填表说明"
    r"|登记|台账|清单|目录|一览表|明细|汇总|统计|记录"
)
"""Before a header row: an example, or a list of documents (a register), not a document's own
information table."""
LIST_WORDS = _EXAMPLE
"""Public name of :data:`_EXAMPLE` (a sheet named ``文件台账`` is a register too)."""


def is_label(text: str) -> bool:
    return "级" in text and FIELD_LABEL.match(text) is not None


def labelled(texts: Sequence[str], i: int) -> bool:
    """``texts[i]`` is the value right after a ``密级`` label cell or line."""
    return i > 0 and is_label(texts[i - 1])


def in_labelled_list(levels: dict[int, set[object]], i: int) -> bool:
    """A labelled value followed at once by a mark line of another level is the first item of
    a list of levels under the label (training material), not a value."""
    after = levels.get(i + 1)
    return bool(after and after - levels.get(i, set()))


def _cells(text: str) -> list[str]:
    if "\t" in text:
        return [c.strip() for c in text.split("\t")]
    if len(text) > 80:
        return []
    return text.split()


def header_row_marks(
    rows: Sequence[TextChunk], grammar: MarkGrammar
) -> Iterator[tuple[TextChunk, MarkMatch]]:
    """Marks given as the one value row under a header row holding a ``密级`` label."""
    texts = [c.text for c in rows[:HEADER_ROWS + 2]]
    for i, text in enumerate(texts[:HEADER_ROWS]):
        if "级" not in text or i + 1 >= len(texts):
            continue
        header = _cells(text)
        cols = [k for k, cell in enumerate(header) if is_label(cell)]
        if len(header) < 2 or not cols or len(cols) == len(header):
            continue
        values = _cells(texts[i + 1])
        if len(values) != len(header) or _example_before(texts, i):
            continue
        col = cols[0]
        if _ordinal(header, values) or _register(texts, i + 2, header, col, grammar):
            continue
        value = values[col]
        if not value or grammar.is_choice_list(value):
            continue
        for m in grammar.line_marks(value, gapped=False):
            yield rows[i + 1], m


def _register(
    texts: Sequence[str], j: int, header: list[str], col: int, grammar: MarkGrammar
) -> bool:
    """A second value row follows: as many cells as the header, or a level in the column."""
    if j >= len(texts):
        return False
    nxt = _cells(texts[j])
    if len(nxt) == len(header) and len(header) > 2:
        return True
    return col < len(nxt) and bool(grammar.line_marks(nxt[col], gapped=False))


def _ordinal(header: list[str], values: list[str]) -> bool:
    """An ordinal column (``序号`` header, or a first value that is a small number): a list."""
    return bool(_ORDINAL.match(header[0]) or values[0].isdigit() and len(values[0]) <= 4)


def _example_before(texts: Sequence[str], i: int) -> bool:
    return any(_EXAMPLE.search(t) for t in texts[max(0, i - 3) : i + 1])
