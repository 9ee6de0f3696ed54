"""WordprocessingML content (docx/docm/dotx): paragraphs, table cells, text boxes, notes.

Each paragraph is one standalone chunk with its runs joined (``机`` ``密★`` ``10年`` in three
runs reads ``机密★10年``); each table cell is one chunk, and a row of two or more filled cells
is first given as a *row line*: cell texts joined by tabs at their grid columns (``gridSpan``,
``gridBefore``, empty cells kept), as a sheet row, so column headers (``账号``) judge the values
under them (:mod:`secaudit.detect.tables` hands row lines to the info-type detector and cells to
the marking detector); text boxes (``w:txbxContent``) and
WordArt watermarks (VML ``textpath``, common in headers: a diagonal "机密") are chunks of their
own. ``index`` counts the non-empty blocks of a location in reading order, so index 0 is the
first text of the document. Headers → ``header``, footers → ``footer``, comments → ``comment``,
footnotes/endnotes continue the body. Deleted revisions, field codes and the ``mc:Fallback``
copies of drawings are skipped (not displayed / duplicated).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from lxml import etree

from secaudit.extract.base import ExtractContext
from secaudit.extract.zipparts import ZipParts, children, descendants, local
from secaudit.model import Location, TextChunk

_SKIP = frozenset({"pPr", "rPr", "delText", "instrText", "Fallback", "del", "sectPr", "tblPr"})
_HEADER = re.compile(r"(header|footer)\d*\.xml$", re.I)
_CONTAINERS = frozenset({"sdt", "sdtContent", "customXml", "smartTag", "ins", "Choice"})


class _Counter:
    """Reading-order index per location."""

    def __init__(self) -> None:
        self.next: dict[Location, int] = {}

    def take(self, location: Location) -> int:
        value = self.next.get(location, 0)
        self.next[location] = value + 1
        return value


def extract(parts: ZipParts, main: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    main = main or "word/document.xml"
    counter = _Counter()
    folder = posixpath.dirname(main)
    yield from _part(parts, main, Location.BODY, counter, ctx)
    for name in sorted(parts.names()):
        match = _HEADER.search(name)
        if match and posixpath.dirname(name) == folder:
            where = Location.HEADER if match.group(1).lower() == "header" else Location.FOOTER
            yield from _part(parts, name, where, counter, ctx)
    for notes in ("footnotes.xml", "endnotes.xml"):
        yield from _part(parts, posixpath.join(folder, notes), Location.BODY, counter, ctx)
    yield from _part(parts, posixpath.join(folder, "comments.xml"), Location.COMMENT, counter, ctx)


def _part(
    parts: ZipParts, name: str, where: Location, counter: _Counter, ctx: ExtractContext
) -> Iterator[TextChunk]:
    if parts.find(name) is None:
        return
    root = parts.xml(name)
    if root is None:
        return
    container = next(descendants(root, "body"), root)
    for text in blocks(container):
        ctx.check_time()
        yield ctx.chunk(text, where, index=counter.take(where), standalone=True)


def blocks(container: etree._Element) -> Iterator[str]:
    """Non-empty texts of the paragraphs, cells and text boxes in ``container``, in order."""
    for el in container:
        name = local(el)
        if name == "p":
            boxes: list[etree._Element] = []
            text = _paragraph(el, boxes)
            if text:
                yield text
            for box in boxes:
                yield from _box(box)
        elif name == "tbl":
            yield from _table(el)
        elif name in _CONTAINERS or name in ("footnote", "endnote", "comment", "AlternateContent"):
            yield from blocks(el)


def _table(tbl: etree._Element) -> Iterator[str]:
    """Per row: the row line (see :func:`_row_line`) when two or more cells hold text, then
    each cell's text as a block of its own, each followed by its nested tables/text boxes."""
    for row in children(tbl, "tr"):
        cells = [_cell(tc) for tc in _row_cells(row)]
        lead = next((c for c in cells if c[1] or c[2]), None)
        if sum(1 for _span, own, _nested in cells if own) > 1 and lead and lead[1]:
            yield _row_line(row, cells)  # its first filled cell follows it at once
        for _span, own, nested in cells:
            if own:
                yield "\n".join(own)
            yield from nested


def _row_cells(row: etree._Element) -> Iterator[etree._Element]:
    """The ``w:tc`` of a row, also inside content controls / custom XML wrapping cells."""
    for el in row:
        name = local(el)
        if name == "tc":
            yield el
        elif name in ("sdt", "sdtContent", "customXml"):
            yield from _row_cells(el)


def _row_line(row: etree._Element, cells: list[tuple[int, list[str], list[str]]]) -> str:
    """Cell texts joined by tabs at their grid columns (``w:gridBefore``, ``w:gridSpan``), so a
    value stays under its column header as in a sheet row; trailing empty cells dropped."""
    values = [""] * _grid_value(row, "trPr", "gridBefore", 0)
    for span, own, _nested in cells:
        values.append(" ".join(own).replace("\t", " ").replace("\n", " "))
        values.extend([""] * max(0, span - 1))
    while values and not values[-1]:
        values.pop()
    return "\t".join(values)


def _grid_value(el: etree._Element, props: str, name: str, default: int) -> int:
    """``w:val`` of ``props/name`` (``tcPr/gridSpan``), capped so a hostile file stays small."""
    node = next((n for pr in children(el, props) for n in children(pr, name)), None)
    if node is None:
        return default
    raw = next((v for k, v in node.attrib.items() if k.rsplit("}", 1)[-1] == "val"), "")
    return min(int(raw), 64) if raw.isdigit() else default


def _cell(tc: etree._Element) -> tuple[int, list[str], list[str]]:
    """(grid columns spanned, own paragraph texts, texts of nested tables and text boxes)."""
    own: list[str] = []
    nested: list[str] = []
    for el in tc:
        if local(el) == "p":
            boxes: list[etree._Element] = []
            text = _paragraph(el, boxes)
            if text:
                own.append(text)
            for box in boxes:
                nested.extend(_box(box))
        elif local(el) in ("tbl", "sdt", "customXml"):
            nested.extend(blocks(el) if local(el) != "tbl" else _table(el))
    return _grid_value(tc, "tcPr", "gridSpan", 1), own, nested


def _box(box: etree._Element) -> Iterator[str]:
    if local(box) == "textpath":
        text = (box.get("string") or "").strip()
        if text:
            yield text
    else:
        yield from blocks(box)


def _paragraph(p: etree._Element, boxes: list[etree._Element]) -> str:
    out: list[str] = []
    _runs(p, out, boxes)
    return "".join(out).strip()


def _runs(el: etree._Element, out: list[str], boxes: list[etree._Element]) -> None:
    for node in el:
        name = local(node)
        if name in _SKIP or not name:
            continue
        if name in ("txbxContent", "textpath"):
            boxes.append(node)
        elif name == "t":
            out.append("".join(node.itertext()))
        elif name == "tab" and local(el) == "r":
            out.append("\t")
        elif name in ("br", "cr"):
            out.append("\n")
        elif name == "noBreakHyphen":
            out.append("-")
        else:
            _runs(node, out, boxes)
