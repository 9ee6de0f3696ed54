"""Byte-level reader of a worksheet's rows: the ``<sheetData>`` of common SpreadsheetML read with
one C-level regular-expression pass (:data:`_TOKEN`) and a short Python step per cell, instead of
an lxml element and a longer Python step per cell.

It takes only what it can show to be well-formed XML that lxml reads the same way. :func:`split`
cuts a UTF-8, XML 1.0 part at its one ``<sheetData>``; the caller parses the rest of the part
with lxml (headers, footers, namespaces, damage anywhere else). :func:`rows` then reads the
``<sheetData>`` content token by token: rows of cells in the forms spreadsheet programs write
(attributes in double quotes after one space, ``<f>``, ``<v>``, ``<is><t>``), the five
predefined entities and character references of legal characters. Anything else — a comment,
CDATA, a rich-text run, an unknown element, a duplicate attribute, an undeclared prefix, an
illegal character — raises :class:`Unusual`, and the caller reads the whole part with lxml (it
uses no row before the last is read): either way the rows, their text, their order and the errors
are the same (``tests/extract/office/test_sheetscan.py`` compares both readers on generated and
hostile sheets).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from secaudit.extract.office.ooxml_sheetcell import MAX_GAP, cell_value, column, number

MAX_REGION_BYTES = 64 * 1024 * 1024
"""Larger sheets are read by lxml (this reader would hold the rows' text twice)."""
SLICE_CHARS = 1 << 20
"""The rows are tokenised this many characters at a time (the tokens of a slice are held)."""
_MAX_TEXT = 1_000_000
"""libxml2 refuses text nodes over 10,000,000 characters without ``huge_tree``: sheets with a text
or attribute value anywhere near that are read by lxml, which decides."""


class Unusual(Exception):
    """The sheet holds something this reader does not take: read it with lxml."""


_ATTRS = '(?: [A-Za-z]{1,12}="[^"<&]*")*+'
_TOKEN = re.compile(
    "[ \t\r\n]*+(?:"
    f'<(c)(?: r="([A-Z]{{1,3}})[0-9]{{1,7}}")?+({_ATTRS})'
    f"(?:/>|>(<f{_ATTRS}(?:/>|>[^<]*</f>))?+"
    '(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?+>([^<]*)</t></is>)?+</c>)'
    "(?:[ \t\r\n]*+(</row>))?+"
    '|<row(?: r="([0-9]{1,7})")?+((?: [A-Za-z_][A-Za-z0-9_.:\\-]{0,100}="[^"<&]*")*+)(/?>)'
    "|(</row>|.))",
    re.S,
)
"""One token: a cell (``c``, column letters of a plain reference, other attributes, the formula
element, value, inline text, the row's end tag when it follows the cell), a row's start tag
(plain number, other attributes, ``>`` or ``/>`` when empty), or the rest: a row's end tag
after no cell or any other character (which makes the sheet unusual). Whitespace between
tokens is skipped; whitespace at the very end is never matched, which is right: it is
whitespace (the slices of :func:`rows` end at a row's end tag, never between a cell and its
row's end). The markers are single characters and the groups few: the
regex engine makes no string for a one-character group, and a tuple of fewer items per token.
The repeats and optional parts are possessive (``*+``, ``?+``): what follows each can never
match where it would give something back (a space or ``<`` where ``>``, ``/>`` or ``</c>`` must
stand; a plain ``r`` left out is the same attribute text for the next part), so the tokens are
those of the same pattern without them, and the engine keeps no state to back into."""
_FORMULA = re.compile(f"<f({_ATTRS})(?:/>|>([^<]*)</f>)")
_ATTR = re.compile('[ ]([^=]+)="([^"]*)"')
_ENTITY = re.compile("&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|amp|lt|gt|quot|apos);")
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_CONTROL = bytes(range(256)).translate(None, bytes([*range(9), 11, 12, *range(14, 32)]))
"""All bytes but the control characters XML forbids (``bytes.translate`` deletes these)."""
_OPEN, _CLOSE = b"<sheetData>", b"</sheetData>"


class Split(NamedTuple):
    """A worksheet part cut in two: the ``<sheetData>`` content and the part without it."""

    region: str
    rest: bytes
    """The part with an empty ``<sheetData></sheetData>``, for lxml."""


def split(data: bytes) -> Split | None:
    """The part cut at its one ``<sheetData>``, or None when it cannot be read this way."""
    start = data.find(_OPEN)
    end = data.find(_CLOSE)
    if (
        start < 0
        or end < start
        or end - start > MAX_REGION_BYTES
        or (data.count(b"sheetData") != 2 and not _one_sheet_data(data))
        or not _utf8_xml10(data)
    ):
        return None
    raw = data[start + len(_OPEN) : end]
    if raw.translate(None, _CONTROL):
        return None  # U+0000-U+001F but tab and line ends: lxml decides
    try:
        region = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not region.isascii() and ("\ufffe" in region or "\uffff" in region):
        return None  # (an ASCII region, the common one, holds neither: no search)
    if "]]>" in region:
        return None  # (comments, CDATA and processing instructions: rows() finds them unusual)
    if len(region) >= _MAX_TEXT and max(map(len, region.split("<"))) >= _MAX_TEXT:
        return None
    return Split(region, data[: start + len(_OPEN)] + data[end:])


def _one_sheet_data(data: bytes) -> bool:
    """One ``<sheetData``, one ``</sheetData`` and no ``:sheetData`` in ``data``. (With the
    ``<sheetData>`` and ``</sheetData>`` :func:`split` found, ``sheetData`` twice in all says
    this at once: one pass instead of three.)"""
    return (
        data.count(b"<sheetData") == 1
        and data.count(b"</sheetData") == 1
        and b":sheetData" not in data
    )


def _utf8_xml10(data: bytes) -> bool:
    """UTF-8 (BOM or not), and an XML declaration, if any, of version 1.0 naming UTF-8 or no
    encoding."""
    head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not head.startswith(b"<?xml"):
        return not head.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00"))
    decl = head[: head.find(b"?>") + 2].lower()
    version = re.search(rb"version\s*=\s*[\"']([^\"']*)", decl)
    encoding = re.search(rb"encoding\s*=\s*[\"']([^\"']*)", decl)
    return (
        version is not None
        and version.group(1) == b"1.0"
        and (encoding is None or encoding.group(1) in (b"utf-8", b"utf8"))
    )


def rows(
    region: str, strings: Sequence[str], prefixes: Iterable[str | None]
) -> Iterator[tuple[str | None, str]]:
    """``(r attribute or None, row line)`` of every row of a region :func:`split` cut, in order.

    ``prefixes`` are the namespace prefixes in scope at ``<sheetData>`` (lxml's ``nsmap``).
    Raises :class:`Unusual` at the first token it does not take. The row line is
    :func:`.ooxml_sheetcell.row_line`'s, written out here for the common cells (the hot loop)."""
    declared = frozenset(p for p in prefixes if p) | {"xml"}
    in_row = False
    ref: str | None = None
    values: list[str] = []
    pos, size = 0, len(region)
    while pos < size:
        end = region.find("</row>", pos + SLICE_CHARS)
        end = size if end < 0 else end + len("</row>")
        tokens = _TOKEN.findall(region, pos, end)
        for cell, letters, cattrs, f, v, itext, closes, rref, rattrs, tag_end, rest in tokens:
            if cell:
                if not in_row:
                    raise Unusual("a cell outside a row")
                cref = ""
                kind = _KIND.get(cattrs)
                if kind is None:
                    found = _attributes(cattrs, declared)
                    kind = found.get("t") or "n"
                    if "r" in found:  # the reference stands among the other attributes
                        if letters:
                            raise Unusual("attribute r twice")
                        cref = found["r"]
                    elif len(_KIND) < _CACHE_SIZE and len(cattrs) <= _CACHED_CHARS:
                        _KIND[cattrs] = kind
                if f:
                    _formula(f, declared)
                if "&" in v or "\r" in v:
                    v = _TEXT_CACHE.get(v) or _text(v)
                if itext:  # (<v> and <is> exclude each other: v is empty)
                    if "&" in itext or "\r" in itext:
                        itext = _TEXT_CACHE.get(itext) or _text(itext)
                    text = itext.strip() if kind == "inlineStr" else ""  # cell_value's rule
                elif kind != "n":
                    text = cell_value(kind, v, None, strings)
                else:  # a number as written unless in exponent form (cell_value's rule)
                    text = number(v) if "E" in v or "e" in v else v
                col = _COLUMN.get(letters) if letters else column(cref) if cref else None
                if col is None and letters:
                    col = _COLUMN[letters] = column(letters + "1")
                n = len(values)
                if col is not None and col > n and col - n < MAX_GAP:
                    values.extend([""] * (col - n))
                values.append(text)
                if closes:  # the row's end tag, as the </row> token below
                    in_row = False
                    while values and not values[-1]:
                        values.pop()
                    yield ref, "\t".join(values)
            elif tag_end:
                if in_row:
                    raise Unusual("a row inside a row")
                found = _ATTR_CACHE.get(rattrs) or _attributes(rattrs, declared) if rattrs else {}
                if rref and "r" in found:
                    raise Unusual("attribute r twice")
                ref = rref or found.get("r")
                if tag_end == "/>":
                    yield ref, ""
                else:
                    in_row, values = True, []
            elif rest == "</row>":
                if not in_row:
                    raise Unusual("a row end without its start")
                in_row = False
                while values and not values[-1]:
                    values.pop()
                yield ref, "\t".join(values)
            else:
                raise Unusual(f"unexpected {rest!r}")
        pos = end
    if in_row:
        raise Unusual("a row without its end")


_KIND: dict[str, str] = {"": "n"}
"""Cell type (the ``t`` attribute, ``n`` without one) per attribute text without a reference."""
_COLUMN: dict[str, int | None] = {}
"""Column of the letters of a plain reference (at most 18,278: ``A`` to ``ZZZ``)."""
_ATTR_CACHE: dict[str, dict[str, str]] = {}
_TEXT_CACHE: dict[str, str] = {}
_CACHE_SIZE = 4096
_CACHED_CHARS = 200
"""Only short texts are kept in these caches (a worker lives for many files)."""


def _formula(element: str, declared: frozenset[str]) -> None:
    """A formula is not read, only checked as lxml would."""
    m = _FORMULA.fullmatch(element)
    attrs, text = m.group(1, 2) if m else ("", "")  # (the token pattern took no other form)
    if attrs:
        _attributes(attrs, declared)
    if text and "&" in text:
        _text(text)


def _attributes(attrs: str, declared: frozenset[str]) -> dict[str, str]:
    """Attribute values of a tag as lxml's ``get`` returns them (line ends and tabs read as
    spaces); a local name twice, ``xmlns``, or a prefix not ``declared`` is unusual."""
    found: dict[str, str] = {}
    locals_: set[str] = set()
    prefixed = False
    for name, raw in _ATTR.findall(attrs):
        prefix, _, local = name.rpartition(":")
        if local in locals_ or name == "xmlns" or prefix == "xmlns":
            raise Unusual(f"attribute {name}")
        if prefix and prefix not in declared:
            raise Unusual(f"attribute prefix {prefix}")
        prefixed = prefixed or bool(prefix)
        locals_.add(local)
        if "\r" in raw or "\n" in raw or "\t" in raw:
            raw = raw.replace("\r\n", " ").translate(_SPACES)
        found[name] = raw
    if not prefixed and len(_ATTR_CACHE) < _CACHE_SIZE and len(attrs) <= _CACHED_CHARS:
        _ATTR_CACHE[attrs] = found  # valid whatever the prefixes in scope
    return found


_SPACES = str.maketrans("\r\n\t", "   ")


def _text(raw: str) -> str:
    """Character data as XML reads it: line ends as ``\\n``, references replaced."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in raw:
        return raw
    text, count = _ENTITY.subn(_entity, raw)
    if count != raw.count("&"):
        raise Unusual("an entity reference XML does not define")
    if len(_TEXT_CACHE) < _CACHE_SIZE and len(raw) <= _CACHED_CHARS:
        _TEXT_CACHE[raw] = text
    return text


def _entity(m: re.Match[str]) -> str:
    ref = m.group(1)
    if ref[0] != "#":
        return _PREDEFINED[ref]
    code = int(ref[2:], 16) if ref[1] == "x" else int(ref[1:])
    if not (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    ):
        raise Unusual(f"a reference to an illegal character {code:#x}")
    return chr(code)


__all__ = ["MAX_REGION_BYTES", "SLICE_CHARS", "Split", "Unusual", "rows", "split"]
