"""RTF documents: body lines and ``\\info`` / ``\\userprops`` properties.

striprtf turns RTF into text; it decodes ``\\'hh`` bytes with the font's ``\\fcharsetN`` or the
document's ``\\ansicpgN`` (936 → GBK, 950 → Big5) and ``\\uN`` as Unicode. Font charset 134 is
widened to GB18030 (a superset of GBK), and decoding uses ``errors="replace"`` so one bad byte
never loses the document. striprtf drops the ``\\info`` group and the running heads and
feet, so ``{\\header…}`` / ``{\\footer…}`` groups (and their ``l``/``r``/``f`` variants) are
read here as ``header``/``footer`` chunks, and the ``\\info`` fields (title,
subject, keywords, category, comments) and user-defined properties (``{\\propname 密级}
{\\staticval 机密}``) are read here as ``property`` chunks.

Tables: striprtf keeps no structure, so ``\\cell`` and ``\\row`` are first rewritten to the
cell and row-end marks of Word's own text and the body is cut as a ``.doc`` story is
(:func:`.ole_word_rows.blocks`): a row of two or more filled cells gives a row
line (cell texts joined by tabs, trailing empty cells dropped) then each cell, as ``.docx`` does
(see :mod:`secaudit.detect.tables`). Cells of nested tables (``\\nestcell``) read as lines of
their outer cell; the paragraphs of a cell but its last are lines of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from striprtf import striprtf

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext
from secaudit.extract.office import ole_word_rows
from secaudit.extract.text.text import readability
from secaudit.model import Location, TextChunk

INFO_FIELDS = ("title", "subject", "keywords", "category", "doccomm", "author", "operator")
_CODEPAGE = re.compile(r"\\ansicpg(\d+)")
_HEX = re.compile(r"\\'([0-9a-fA-F]{2})")
_FONT_CHARSET = re.compile(r"\\fcharset(\d+)")
_ANSI_FONT = re.compile(r"\\fcharset0(?!\d)")
_CELL_END = re.compile(r"\\(?:nest)?cell(?![a-z])")
_ROW_MARKS = (  # control word -> a Unicode escape of its stand-in, read by ole_word_rows.blocks
    (re.compile(r"\\nest(?:cell|row)(?![a-z])"), "{\\uc1\\u11?}"),  # \x0b: outer cell line
    (re.compile(r"\\cell(?![a-z])"), "{\\uc1\\u7?}"),  # \x07: cell end
    (re.compile(r"\\row(?![a-z])"), f"{{\\uc1\\u{ord(ole_word_rows.ROW_END) - 0x10000}?}}"),
)
_RUNNING = re.compile(r"\{\\(header|footer)([lrf]?)(?![a-z])")
_USERPROP = re.compile(
    r"\{\\propname\s+((?:[^{}\\]|\\.)*)\}\s*\\proptype\d+\s*\{\\staticval\s+((?:[^{}\\]|\\.)*)\}"
)

# striprtf maps charset 134/936 to cp936 (GBK) and 950 to cp950; GB18030 is a superset of GBK.
striprtf.charset_map[134] = "gb18030"


def extract_rtf(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    source = data.decode("latin-1")  # RTF is 7-bit; raw 8-bit bytes stay byte-for-byte
    if not source.lstrip().startswith("{\\rtf"):
        raise CorruptError("not an RTF document (no {\\rtf header)")
    encoding = _document_encoding(source)
    yield from _properties(source, encoding, ctx)
    yield from _running(source, encoding, ctx)
    for control, stand_in in _ROW_MARKS:
        source = control.sub(lambda _m, s=stand_in: s, source)
    text = _to_text(source, encoding).replace("\r\n", "\r").replace("\n", "\r")
    for index, block in enumerate(ole_word_rows.blocks(text)):
        ctx.check_time()
        yield ctx.chunk(block, index=index, standalone=True)


def _document_encoding(source: str) -> str:
    match = _CODEPAGE.search(source[:4096])
    return f"cp{match.group(1)}" if match else "cp1252"


def _to_text(rtf: str, encoding: str) -> str:
    rtf = _CELL_END.sub(r"\\par ", rtf)  # each table cell becomes a line of its own
    # \fcharset0 means "the ANSI code page", which \ansicpg936 makes GBK, not cp1252.
    rtf = _ANSI_FONT.sub(r"\\fcharset1", rtf)
    try:
        return str(striprtf.rtf_to_text(rtf, encoding=encoding, errors="replace"))
    except (ValueError, IndexError, LookupError) as exc:
        raise CorruptError(f"RTF cannot be parsed: {exc}") from exc


def _properties(source: str, encoding: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    fonts = _font_encodings(source)
    info = _group(source, "\\info")
    if info:
        for field in INFO_FIELDS:
            value = _group(info, "\\" + field)
            if value:
                text = _fragment_text(value[len(field) + 2 : -1], encoding, fonts)
                if text:
                    key = "comments" if field == "doccomm" else field
                    yield ctx.chunk(text, Location.PROPERTY, key=key)
    userprops = _group(source, "\\userprops")
    for name, value in _USERPROP.findall(userprops or ""):
        key = _fragment_text(name, encoding, fonts)
        text = _fragment_text(value, encoding, fonts)
        if key and text:
            yield ctx.chunk(text, Location.PROPERTY, key=key)


def _running(source: str, encoding: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    """``{\\header…}`` / ``{\\footer…}`` groups (``l``/``r``/``f`` variants: left, right,
    first page) as ``header``/``footer`` chunks, each distinct text once."""
    fonts = _font_encodings(source)
    seen: set[tuple[str, str]] = set()
    for match in _RUNNING.finditer(source):
        group = _balanced(source, match.start())
        if group is None:
            continue
        body = group[1 + len(match.group(1)) + 1 + len(match.group(2)) :]
        text = _fragment_text(body[:-1], encoding, fonts)
        where = Location.HEADER if match.group(1) == "header" else Location.FOOTER
        for line in text.splitlines():
            if line.strip() and (match.group(1), line.strip()) not in seen:
                seen.add((match.group(1), line.strip()))
                yield ctx.chunk(line.strip(), where, standalone=True)


def _fragment_text(fragment: str, encoding: str, fonts: tuple[str, ...] = ()) -> str:
    """Text of a small RTF fragment outside any font (``\\info``, user properties).

    Its ``\\'hh`` bytes follow the document code page, but writers on Chinese systems often
    declare ``\\ansicpg1252`` and still write GBK there; the code page of the document's fonts
    is tried too and the more readable decoding wins.
    """
    raw = bytes(int(h, 16) for h in _HEX.findall(fragment))
    if raw and fonts:
        candidates = [encoding, *fonts]
        encoding = max(candidates, key=lambda enc: readability(raw.decode(enc, "replace"), enc))
    # charset 1 (DEFAULT) makes striprtf decode \'hh with the ``encoding`` passed in
    wrapped = "{\\rtf1\\ansi{\\fonttbl{\\f0\\fcharset1 X;}}\\f0 " + fragment + "}"
    return _to_text(wrapped, encoding).strip()


def _font_encodings(source: str) -> tuple[str, ...]:
    """Chinese code pages declared by the font table (``\\fcharset134`` GBK, ``136`` Big5)."""
    found = {m.group(1) for m in _FONT_CHARSET.finditer(source[:65536])}
    return tuple(enc for cs, enc in (("134", "gb18030"), ("136", "cp950")) if cs in found)


def _group(source: str, control: str) -> str | None:
    """The ``{<control> …}`` group (braces balanced), optionally preceded by ``\\*``."""
    match = re.search(r"\{(?:\\\*)?" + re.escape(control) + r"(?![a-z])", source)
    if not match:
        return None
    group = _balanced(source, match.start())
    return _strip_star(group) if group is not None else None


def _balanced(source: str, start: int) -> str | None:
    """The group opening at ``source[start]`` (``{``), braces balanced; None when unclosed."""
    depth = 0
    i = start
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return source[start : i + 1]
        i += 1
    return None


def _strip_star(group: str) -> str:
    return "{" + group[3:] if group.startswith("{\\*") else group
