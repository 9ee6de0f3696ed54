"""Word-processor table rows: one view of a chunk stream per detector.

An extractor that knows a table (``.docx``) emits, for a row of two or more filled cells, a
*row line* — the cell texts joined by tabs at their grid columns, line breaks and tabs inside a
cell read as spaces, as a sheet row arrives — followed by each cell as a chunk of its own (with
the cell's nested tables and text boxes after it). :func:`split_rows` recognises the pattern
(a chunk with a tab whose filled segments are, in order, the texts of the following chunks of
the same member and location, the first one at once, nested content allowed in between) and
gives two views:

- ``cells``: the stream without the row lines — what the marking detector reads (a mark alone
  in a table cell is a line of its own);
- ``rows``: the stream without the cell chunks a row line covers — what the info-type detector
  reads (column headers judge the values under them).

Extractors that emit rows: ``.docx`` (``ooxml_word``), OpenDocument (``odf``), HTML/MHT
(``html``), RTF (``rtf``), ``.doc``/``.wps`` (``ole_word_rows``), ``.pptx`` (``ooxml_slide``).
To teach another extractor the same, emit its
table rows the same way; no detector changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from secaudit.extract.base import cell_text
from secaudit.model import TextChunk

MAX_CSV_CELL = 16
"""Longest cell of a comma-separated row read as a table row (longer: a sentence with commas),
unless the cell is one value token (:data:`_VALUE_CELL`)."""
_SENTENCE = frozenset("。！？!?；;")
_VALUE_CELL = re.compile(r"\s*[0-9A-Za-z.+\-_/:@#*]{1,40}\s*")
"""A cell that is one value, however long: a 19-digit card or account number, an e-mail
address, a serial (``6217…,DD2025…``); words and sentences hold spaces or CJK characters."""
MAX_NESTED = 256
"""Chunks of nested tables/text boxes allowed between the cells of one row."""


def split_rows(chunks: Sequence[TextChunk]) -> tuple[list[TextChunk], list[TextChunk]]:
    """(cells view, rows view) of ``chunks``; both equal ``chunks`` when no row line is found."""
    row_at: set[int] = set()
    covered: set[int] = set()
    for i, chunk in enumerate(chunks):
        if chunk.key is None and "\t" in chunk.text and i not in covered:  # not a sheet row
            cells = _covered_cells(chunks, i)
            if cells:
                row_at.add(i)
                covered.update(cells)
    if not row_at:
        return list(chunks), list(chunks)
    cells_view = [c for i, c in enumerate(chunks) if i not in row_at]
    rows_view = [c for i, c in enumerate(chunks) if i not in covered]
    return cells_view, rows_view


def _covered_cells(chunks: Sequence[TextChunk], i: int) -> list[int]:
    """Indexes of the cell chunks following row line ``chunks[i]``, or [] when it is none."""
    row = chunks[i]
    if row.key is not None or "\n" in row.text:
        return []  # sheet rows carry their sheet as key and no cells after them
    wanted = [s for s in row.text.split("\t") if s]
    if len(wanted) < 2:
        return []
    if i + 1 >= len(chunks) or cell_text(chunks[i + 1].text) != wanted[0]:
        return []  # the first filled cell follows its row line at once
    found: list[int] = []
    j = i + 1
    limit = min(len(chunks), i + 1 + len(wanted) + MAX_NESTED)
    while j < limit and len(found) < len(wanted):
        c = chunks[j]
        if c.member != row.member or c.location is not row.location:
            return []
        if cell_text(c.text) == wanted[len(found)]:
            found.append(j)
        j += 1
    return found if len(found) == len(wanted) else []


def row_separator(line: str) -> str | None:
    """The cell separator of a table row line: a tab (sheet rows, word-processor rows), a bar
    for a Markdown pipe row (``| 时间 | 验证码 |``), or a comma for a comma-separated row (a CSV
    export, ``时间,手机号,验证码``) — pipe and comma cells short and without sentence
    punctuation; None for any other line."""
    if "\t" in line:
        return "\t"
    sep = "|" if line.lstrip().startswith("|") and line.count("|") >= 3 else ","
    if sep not in line:
        return None
    cells = line.split(sep)
    for c in cells:
        if _SENTENCE.intersection(c):
            return None
        if len(c) > MAX_CSV_CELL and not _VALUE_CELL.fullmatch(c):
            return None
    return sep
