"""HTML pages (.html/.htm, .mht parts, Word "save as web page"): title, meta properties, body.

Encoding: BOM, then ``<meta charset>`` / ``http-equiv`` declaration, then the guess of
:func:`secaudit.extract.text.text.decode_text`. ``<title>`` and ``<meta name=…>`` of the names in
:data:`META_NAMES` become ``property`` chunks (key = the lower-cased name). Body text is rebuilt so
that every block element (``p``, ``div``, ``li``, ``h1``…) and ``<br>`` starts a line; each
non-empty line is one standalone chunk whose ``index`` is the block ordinal. Page heads and feet
(``<header>``/``<footer>``, or an element whose class or id says ``header``/``footer``) are
``header``/``footer`` chunks instead.

Tables (``tr`` of ``td``/``th``, also inside ``thead``/``tbody``/``tfoot``) are read as ``.docx``
tables are (see :mod:`secaudit.detect.tables`): a row of two or more filled cells is first given
as a *row line* — cell texts joined by tabs at their columns (``colspan`` and ``rowspan`` keep
the columns aligned, empty cells kept, trailing ones dropped) — then each filled cell is one chunk
(its lines joined by ``\n``), followed by the blocks of the tables nested in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext, cell_text
from secaudit.extract.text.text import decode_text
from secaudit.model import Location, TextChunk

META_NAMES = frozenset(
    {"keywords", "description", "classification", "密级", "subject", "title", "author", "category"}
)
BLOCK_TAGS = frozenset(
    "address article aside blockquote body br caption dd div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot "
    "th thead tr ul".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def extract_html(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    root = _parse(data)
    yield from _properties(root, ctx)
    yield from _running(root, ctx)
    body = root.find(".//body")
    for index, line in enumerate(_lines(body if body is not None else root)):
        ctx.check_time()
        yield ctx.chunk(line, index=index, standalone=True)


def _parse(data: bytes) -> etree._Element:
    match = _META_CHARSET.search(data[:8192])
    declared = match.group(1).decode("ascii", "replace") if match else None
    text = _XML_DECL.sub("", decode_text(data, declared))
    if not text.strip():
        raise CorruptError("HTML file has no content")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise CorruptError(f"HTML cannot be parsed: {exc}") from exc


def _properties(root: etree._Element, ctx: ExtractContext) -> Iterator[TextChunk]:
    title = root.find(".//title")
    if title is not None and (title.text_content() or "").strip():
        yield ctx.chunk(title.text_content().strip(), Location.PROPERTY, key="title")
    for meta in root.iter("meta"):
        name = (meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if name in META_NAMES and content:
            yield ctx.chunk(content, Location.PROPERTY, key=name)


_RUNNING_CLASS = re.compile(
    r"(?:^|[\s_-])(?:page-?)?(header|footer|head|foot)(?:$|[\s_-])", re.I
)


def _running(root: etree._Element, ctx: ExtractContext) -> Iterator[TextChunk]:
    """``<header>``/``<footer>`` elements (and elements whose class or id says header/footer)
    as ``header``/``footer`` chunks, removed from the body; the outermost one of a nest only."""
    found: list[tuple[etree._Element, Location]] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        match = _RUNNING_CLASS.search(f" {el.get('class') or ''} {el.get('id') or ''} ")
        kind = el.tag if el.tag in ("header", "footer") else (match and match.group(1).lower())
        if kind and not any(a in (e for e, _w in found) for a in el.iterancestors()):
            found.append((el, Location.HEADER if kind.startswith("head") else Location.FOOTER))
    for el, where in found:
        for line in _lines(el):
            yield ctx.chunk(line, where, standalone=True)
        el.drop_tree()


MAX_SPAN = 64
"""Largest ``colspan``/``rowspan`` honoured; a hostile page cannot make rows huge."""


_Cell = tuple[int, int, list[str], list[str]]
"""(columns spanned, rows spanned, own lines, blocks of nested tables) of one ``td``/``th``."""


class _Sink:
    """Blocks of text in reading order; inline text waits in ``buffer`` until a block ends."""

    def __init__(self, in_cell: bool = False) -> None:
        self.lines: list[str] = []  # own text, one entry per line
        self.nested: list[str] = []  # blocks of tables inside a cell
        self.in_cell = in_cell
        self.buffer: list[str] = []

    def flush(self) -> None:
        for line in "".join(self.buffer).split("\n"):
            line = " ".join(line.split())
            if line:
                self.lines.append(line)
        self.buffer = []

    def add_table(self, blocks: list[str]) -> None:
        self.flush()
        (self.nested if self.in_cell else self.lines).extend(blocks)


def _lines(root: etree._Element) -> list[str]:
    """Blocks of ``root``: its lines, and per table row a row line then its cells."""
    sink = _Sink()
    _collect(root, sink)
    sink.flush()
    return sink.lines


def _collect(el: etree._Element, sink: _Sink) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table":
        sink.add_table(list(_table(el)))
    elif tag not in _SKIP_TAGS:
        is_block = tag in BLOCK_TAGS
        if is_block:
            sink.buffer.append("\n")
        if el.text and tag:
            sink.buffer.append(el.text)
        for child in el:
            _collect(child, sink)
        if is_block:
            sink.buffer.append("\n")
    if el.tail:
        sink.buffer.append(el.tail)


def _table(table: etree._Element) -> Iterator[str]:
    """Caption lines, then per row: the row line when two or more cells hold text, then each
    filled cell as a block of its own, each followed by the blocks of its nested tables."""
    carry: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for el in table:
        if el.tag == "caption":
            sink = _Sink()
            _collect(el, sink)
            sink.flush()
            yield from sink.lines
    for row in _rows(table):
        cells = [_cell(td) for td in row if td.tag in ("td", "th")]
        values = _row_values(cells, carry)
        carry = {col: n - 1 for col, n in carry.items() if n > 1}
        lead = next((c for c in cells if c[2] or c[3]), None)
        if sum(1 for c in cells if c[2]) > 1 and lead and lead[2]:
            yield "\t".join(values)  # its first filled cell follows it at once
        for _span, _rows_down, own, nested in cells:
            if own:
                yield "\n".join(own)
            yield from nested


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    for el in table:
        if el.tag == "tr":
            yield el
        elif el.tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in el if tr.tag == "tr")


def _row_values(cells: list[_Cell], carry: dict[int, int]) -> list[str]:
    """Cell texts at their columns (cells spanned from rows above left empty), trailing empty
    cells dropped; records this row's ``rowspan`` cells in ``carry``."""
    values: list[str] = []
    for span, rows_down, own, _nested in cells:
        while carry.get(len(values), 0) > 0:
            values.append("")
        if rows_down > 1:
            carry.update(dict.fromkeys(range(len(values), len(values) + span), rows_down))
        values.append(cell_text(" ".join(own)))
        values.extend([""] * (span - 1))
    while values and not values[-1]:
        values.pop()
    return values


def _cell(td: etree._Element) -> _Cell:
    """(columns spanned, rows spanned, own lines, blocks of nested tables)."""
    sink = _Sink(in_cell=True)
    if td.text:
        sink.buffer.append(td.text)
    for child in td:
        _collect(child, sink)
    sink.flush()
    return _span(td.get("colspan")), _span(td.get("rowspan")), sink.lines, sink.nested


def _span(raw: str | None) -> int:
    raw = (raw or "").strip()
    return max(1, min(int(raw), MAX_SPAN)) if raw.isdigit() else 1
