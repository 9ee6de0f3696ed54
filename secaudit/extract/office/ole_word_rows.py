"""Table rows of Word 97-2003 (.doc/.wps) text: which marks end cells and rows.

In the text of a ``.doc`` a table cell ends with ``\\x07``, and so does the row: its *row-end
mark* is one more ``\\x07`` paragraph whose properties carry ``sprmPFTtp``. Paragraphs inside a
cell end with ``\\r`` like any other, but carry ``sprmPFInTable``. Both flags live in the
paragraph properties (PAPX): ``PlcBtePapx`` (FIB pair 13, in the table stream) names 512-byte
``PapxFkp`` pages of the ``WordDocument`` stream, each mapping file-offset ranges (one per
paragraph) to a ``grpprl`` of sprms (MS-DOC 2.8.6, 2.9.175, 2.6.2).

:func:`mark_rows` rewrites those marks in place (one character for one, CPs unchanged):
row-end ``\\x07`` → :data:`ROW_END`, in-table ``\\r`` → :data:`CELL_BREAK`. When the PAPX
cannot be read (hostile or fast-saved files), :func:`guess_row_ends` falls back to "a cell mark
right after a cell mark ends the row" — right for rows without empty cells.

:func:`blocks` then cuts a story into what the extractor emits, as ``.docx`` does (see
:mod:`secaudit.detect.tables`): per row of two or more filled cells a *row line* (cell texts
joined by tabs, trailing empty cells dropped), then each filled cell as a block of its own.
Nested tables (Word 2000+ writes their cells with ``\\r``) read as lines of the outer cell.
"""

from __future__ import annotations

import bisect
import re
import struct
from collections.abc import Iterator, Sequence

from secaudit.extract.base import cell_text

ROW_END = "\ufdd0"
"""Stands for a row-end mark (a Unicode non-character: never in a document's own text)."""
CELL_BREAK = "\ufdd1"
"""Stands for a paragraph mark inside a table cell."""
MAX_FKP_PAGES = 4096
"""PAPX pages read at most; a hostile PlcBtePapx cannot make us loop for long."""

_SPRM_IN_TABLE = 0x2416
_SPRM_TTP = 0x2417
_SPRM_INNER_TTP = 0x244C
_SPRM_TDEF_TABLE = 0xD608
_SPRM_CHG_TABS = 0xC615
_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
_MARKS = re.compile("[\r\x07]")
_TOKEN = re.compile("[\r\x07\x0b\x0c" + ROW_END + CELL_BREAK + "]")

Piece = tuple[int, int, int, bool]  # first CP, length in CPs, file offset, is 8-bit


def mark_rows(
    text: str, pieces: Sequence[Piece], word: bytes, table: bytes, fc_lcb: Sequence[tuple[int, int]]
) -> str:
    """``text`` with row-end marks as :data:`ROW_END`, in-cell paragraph marks as
    :data:`CELL_BREAK`; unchanged when it has no cell mark or the PAPX cannot be read."""
    if "\x07" not in text:
        return text
    try:
        runs = _papx_runs(word, table, fc_lcb)
    except (struct.error, IndexError, ValueError):
        return text
    starts = [run[0] for run in runs]
    piece_starts = [piece[0] for piece in pieces]
    chars = list(text)
    for match in _MARKS.finditer(text):
        i = match.start()
        p = bisect.bisect_right(piece_starts, i) - 1
        if p < 0 or i >= pieces[p][0] + pieces[p][1]:
            continue
        cp_first, _length, fc, compressed = pieces[p]
        char_fc = fc + (i - cp_first) * (1 if compressed else 2)
        k = bisect.bisect_right(starts, char_fc) - 1
        if k < 0 or char_fc >= runs[k][1]:
            continue
        in_table, ttp = runs[k][2]
        if ttp and chars[i] == "\x07":
            chars[i] = ROW_END
        elif in_table and chars[i] == "\r":
            chars[i] = CELL_BREAK
    return "".join(chars)


def _papx_runs(
    word: bytes, table: bytes, fc_lcb: Sequence[tuple[int, int]]
) -> list[tuple[int, int, tuple[bool, bool]]]:
    """``(first FC, end FC, (in table, row end))`` of each paragraph, in file order."""
    fc, lcb = fc_lcb[13] if len(fc_lcb) > 13 else (0, 0)
    n = (lcb - 4) // 8
    if n <= 0 or fc + lcb > len(table):
        raise ValueError("no PlcBtePapx")
    pages = struct.unpack_from(f"<{n}I", table, fc + (n + 1) * 4)
    runs: list[tuple[int, int, tuple[bool, bool]]] = []
    for pn in pages[:MAX_FKP_PAGES]:
        page = word[(pn & 0x3FFFFF) * 512 : (pn & 0x3FFFFF) * 512 + 512]
        if len(page) < 512:
            raise ValueError("PAPX page outside the WordDocument stream")
        crun = page[511]
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for i in range(crun):
            offset = page[(crun + 1) * 4 + i * 13] * 2
            runs.append((fcs[i], fcs[i + 1], _table_flags(page, offset)))
    runs.sort()
    return runs


def _table_flags(page: bytes, offset: int) -> tuple[bool, bool]:
    """(in table, row end) of the PapxInFkp at ``offset`` (0: no properties)."""
    if offset == 0:
        return False, False
    cb = page[offset]
    start, size = (offset + 1, 2 * cb - 1) if cb else (offset + 2, 2 * page[offset + 1])
    grpprl = page[start + 2 : start + size]  # after the style index (istd)
    flags = dict(_sprms(grpprl))
    in_table = bool(flags.get(_SPRM_IN_TABLE))
    return in_table, bool(flags.get(_SPRM_TTP) or flags.get(_SPRM_INNER_TTP))


def _sprms(grpprl: bytes) -> Iterator[tuple[int, int]]:
    """``(sprm, first operand byte)`` of each property in ``grpprl``; stops at anything odd."""
    pos = 0
    while pos + 2 < len(grpprl):
        (sprm,) = struct.unpack_from("<H", grpprl, pos)
        pos += 2
        spra = sprm >> 13
        if sprm == _SPRM_TDEF_TABLE:
            size = 2 + struct.unpack_from("<H", grpprl, pos)[0] - 1
        elif spra == 6:
            if sprm == _SPRM_CHG_TABS and grpprl[pos] == 255:
                return
            size = 1 + grpprl[pos]
        else:
            size = _OPERAND_SIZE[spra]
        yield sprm, grpprl[pos]
        pos += size


def guess_row_ends(text: str) -> str:
    """Row ends where the PAPX gave none: a cell mark right after a cell mark ends the row."""
    return text.replace("\x07\x07", "\x07" + ROW_END)


def blocks(text: str) -> Iterator[str]:
    """Paragraphs, and per table row a row line then its cells (see the module docstring)."""
    lines: list[str] = []  # soft-broken lines of the paragraph or cell being read
    row: list[tuple[str, list[str]]] = []  # (cell text, blocks read before it) of the open row
    loose: list[str] = []  # paragraphs ended inside the open row, before its next cell
    pos = 0
    for match in _TOKEN.finditer(text + "\r"):
        piece = text[pos : match.start()].strip()
        pos = match.end()
        if piece:
            lines.append(piece)
        mark = match.group()
        if mark in ("\x0b", CELL_BREAK):
            continue
        if mark == "\x07":
            row.append(("\n".join(lines), loose))
            lines, loose = [], []
        elif mark == ROW_END:
            yield from _row(row, loose + lines)
            row, loose, lines = [], [], []
        elif row:
            loose, lines = loose + lines, []
        else:
            yield from lines
            lines = []
    yield from _row(row, loose + lines)


def _row(row: list[tuple[str, list[str]]], after: list[str]) -> Iterator[str]:
    filled = [i for i, (cell, _before) in enumerate(row) if cell]
    if len(filled) > 1:
        for _cell, before in row[: filled[0] + 1]:
            yield from before
        values = [cell_text(cell) for cell, _before in row]
        while values and not values[-1]:
            values.pop()
        yield "\t".join(values)
        yield row[filled[0]][0]
        rest = row[filled[0] + 1 :]
    else:
        rest = row
    for cell, before in rest:
        yield from before
        if cell:
            yield cell
    yield from after
