"""Word 97-2003 (.doc) and Kingsoft WPS (.wps) text from the FIB and the piece table.

The ``WordDocument`` stream starts with the FIB. Its ``fibRgLw`` gives the length of each story in
character positions (CPs): main text, footnotes, headers/footers, comments, endnotes, text boxes,
header text boxes, stored one after another. ``fcClx`` (in ``0Table`` or ``1Table``, chosen by
``fWhichTblStm``) points to the CLX whose piece table maps CP ranges to file offsets: a piece is
either "compressed" (8-bit cp1252, one byte per CP) or UTF-16LE. The header story is cut into
header and footer parts with ``PlcfHdd``: after six separator stories each section has six
stories (even header, odd header, even footer, odd footer, first header, first footer).

Word control characters become structure: ``\\r`` ends a paragraph, ``\\x07`` a table cell,
``\\x0b`` is a line break, ``\\x0c`` a page/section break; field instructions (between ``\\x13``
and ``\\x14``) are dropped, field results kept. Table rows are rebuilt from the paragraph
properties (:mod:`.ole_word_rows`): a row of two or more filled cells is given as a tab-joined
row line, then its cells, as ``.docx`` does. See MS-DOC 2.5 (FIB) and 2.9.38 (Clx).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from secaudit.errors import CorruptError, EncryptedError, UnsupportedError
from secaudit.extract.office import ole_word_rows
from secaudit.model import Location

_FIB_FLAGS = 0x0A
F_ENCRYPTED = 0x0100
F_WHICH_TABLE = 0x0200
F_OBFUSCATED = 0x8000
_STORIES = ("text", "ftn", "hdd", "mcr", "atn", "edn", "txbx", "hdrtxbx")
_DROP = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x08\x1f"), None) | {0x1E: "-", 0xA0: " "}


@dataclass(frozen=True, slots=True)
class Fib:
    n_fib: int
    flags: int
    ccp: dict[str, int]
    fc_lcb: list[tuple[int, int]]

    @property
    def table_stream(self) -> str:
        return "1Table" if self.flags & F_WHICH_TABLE else "0Table"


def parse_fib(word: bytes) -> Fib:
    if len(word) < 0x22 or struct.unpack_from("<H", word, 0)[0] != 0xA5EC:
        raise CorruptError("WordDocument stream without a Word FIB")
    (n_fib,) = struct.unpack_from("<H", word, 2)
    (flags,) = struct.unpack_from("<H", word, _FIB_FLAGS)
    if flags & F_ENCRYPTED:
        kind = "XOR-obfuscated" if flags & F_OBFUSCATED else "RC4-encrypted"
        raise EncryptedError(f"Word document is {kind} (password); content not examined")
    if n_fib < 101:
        raise UnsupportedError(f"Word 6/95 document (nFib {n_fib}) is not supported")
    pos = 32
    (csw,) = struct.unpack_from("<H", word, pos)
    pos += 2 + csw * 2
    (cslw,) = struct.unpack_from("<H", word, pos)
    lw = struct.unpack_from(f"<{cslw}i", word, pos + 2)
    pos += 2 + cslw * 4
    (cb_fc_lcb,) = struct.unpack_from("<H", word, pos)
    raw = struct.unpack_from(f"<{cb_fc_lcb * 2}I", word, pos + 2)
    pairs = [(raw[i], raw[i + 1]) for i in range(0, len(raw), 2)]
    ccp = {name: max(lw[3 + i], 0) if 3 + i < len(lw) else 0 for i, name in enumerate(_STORIES)}
    return Fib(n_fib, flags, ccp, pairs)


def document_text(word: bytes, table: bytes, fib: Fib) -> str:
    """All stories' characters in CP order, decoded through the piece table; the cell marks
    that end a table row are given as :data:`ROW_END` and paragraph marks inside table cells as
    :data:`CELL_BREAK` (one character each, so CPs keep their place)."""
    pieces = _pieces(table, fib)
    out: list[str] = []
    for _cp, length, fc, compressed in pieces:
        if compressed:
            out.append(word[fc : fc + length].decode("cp1252", "replace"))
        else:
            out.append(word[fc : fc + 2 * length].decode("utf-16-le", "replace"))
    return ole_word_rows.mark_rows("".join(out), pieces, word, table, fib.fc_lcb)


def _pieces(table: bytes, fib: Fib) -> list[tuple[int, int, int, bool]]:
    """``(first CP, length in CPs, file offset, is 8-bit)`` of each piece of the CLX."""
    fc_clx, lcb_clx = fib.fc_lcb[33] if len(fib.fc_lcb) > 33 else (0, 0)
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: skip property modifiers
        (cb,) = struct.unpack_from("<H", clx, pos + 1)
        pos += 3 + cb
    if pos >= len(clx) or clx[pos] != 0x02:
        raise CorruptError("Word piece table (CLX) not found")
    (lcb,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    count = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    out: list[tuple[int, int, int, bool]] = []
    for i in range(count):
        fc_raw = struct.unpack_from("<I", plc, (count + 1) * 4 + i * 8 + 2)[0]
        length = max(cps[i + 1] - cps[i], 0)
        if fc_raw & 0x40000000:
            out.append((cps[i], length, (fc_raw & 0x3FFFFFFF) // 2, True))
        else:
            out.append((cps[i], length, fc_raw, False))
    return out


def stories(text: str, fib: Fib, table: bytes) -> list[tuple[Location, str]]:
    """``(location, story text)`` in reading order: body, notes, headers/footers, comments…"""
    bounds: dict[str, tuple[int, int]] = {}
    cp = 0
    for name in _STORIES:
        bounds[name] = (cp, cp + fib.ccp[name])
        cp += fib.ccp[name]
    part = {name: text[a:b] for name, (a, b) in bounds.items()}
    out = [(Location.BODY, part["text"]), (Location.BODY, part["txbx"]),
           (Location.BODY, part["ftn"]), (Location.BODY, part["edn"])]
    out += _header_footer(part["hdd"], fib, table)
    out += [(Location.HEADER, part["hdrtxbx"]), (Location.COMMENT, part["atn"])]
    return out


def _header_footer(hdd: str, fib: Fib, table: bytes) -> list[tuple[Location, str]]:
    fc, lcb = fib.fc_lcb[11] if len(fib.fc_lcb) > 11 else (0, 0)
    count = lcb // 4
    if not hdd or count < 2 or fc + lcb > len(table):
        return [(Location.HEADER, hdd)]
    cps = struct.unpack_from(f"<{count}I", table, fc)
    out: list[tuple[Location, str]] = []
    for i in range(6, count - 1):
        kind = (i - 6) % 6
        where = Location.FOOTER if kind in (2, 3, 5) else Location.HEADER
        out.append((where, hdd[cps[i] : cps[i + 1]]))
    return out


def paragraphs(story: str) -> list[str]:
    """Visible blocks of a story: field codes dropped, control characters as breaks, and per
    table row a row line then its cells (:func:`secaudit.extract.office.ole_word_rows.blocks`)."""
    visible = _drop_field_codes(story).translate(_DROP)
    if "\x07" in visible and ole_word_rows.ROW_END not in visible:
        visible = ole_word_rows.guess_row_ends(visible)
    return list(ole_word_rows.blocks(visible))


def _drop_field_codes(text: str) -> str:
    if "\x13" not in text:
        return text
    out: list[str] = []
    hidden = [False]  # per open field: inside its instruction part?
    for ch in text:
        if ch == "\x13":
            hidden.append(True)
        elif ch == "\x14" and len(hidden) > 1:
            hidden[-1] = False
        elif ch == "\x15" and len(hidden) > 1:
            hidden.pop()
        elif not any(hidden[1:]):
            out.append(ch)
    return "".join(out)
