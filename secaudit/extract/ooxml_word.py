"""WordprocessingML content (docx/docm/dotx): paragraphs, table cells, text boxes, notes.

Each paragraph is one standalone chunk with its runs joined (``机`` ``密★`` ``10年`` in three
runs reads ``机密★10年``); each table cell is one chunk; text boxes (``w:txbxContent``) and
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
    for row in children(tbl, "tr"):
        for cell in children(row, "tc"):
            own: list[str] = []
            nested: list[str] = []
            for el in cell:
                if local(el) == "p":
                    boxes: list[etree._Element] = []
                    text = _paragraph(el, boxes)
                    if text:
                        own.append(text)
                    for box in boxes:
                        nested.extend(_box(box))
                elif local(el) in ("tbl", "sdt", "customXml"):
                    nested.extend(blocks(el) if local(el) != "tbl" else _table(el))
            if own:
                yield "\n".join(own)
            yield from nested


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
