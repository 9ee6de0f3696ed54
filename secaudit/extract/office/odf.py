"""OpenDocument ``.odt/.ott``, ``.ods/.ots``, ``.odp/.otp``, ``.odg``; flat ``.fodt/.fods/.fodp``.

LibreOffice, Yozo Office (永中) and WPS write ODF, and the domestic desktops (国产化) default to
it. A package is a zip whose first member ``mimetype`` says
``application/vnd.oasis.opendocument.*``; a flat file is one XML document with the same
elements. Elements are matched by local name (any namespace prefix).

Output, shaped as the OOXML extractors shape theirs so the detectors treat both alike:

- ``meta.xml``: title, subject, description, keywords and user-defined fields (``密级``) as
  ``property`` chunks (key = the field name, lower-cased for the standard ones);
- text documents: one standalone chunk per paragraph/heading (lists, sections and text boxes
  included), tables as in ``.docx`` — a *row line* of the filled cells joined by tabs at their
  columns, then each cell (see :mod:`secaudit.detect.tables`); footnotes in the body, comments
  (``office:annotation``) as ``comment`` chunks;
- spreadsheets: each sheet name (``sheet_name``) and each non-empty row as tab-joined cells
  (key = sheet name, index = row ordinal), as ``.xlsx`` rows;
- presentations/drawings: the text of each page's frames (index = page ordinal), speaker notes as
  ``comment``;
- ``styles.xml`` master pages: headers and footers;
- embedded objects (``Object 1/content.xml``) read as part of the document.

A password-protected package (``manifest:encryption-data`` in ``META-INF/manifest.xml``) is
``encrypted``: only its file name is examined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from secaudit.errors import CorruptError, EncryptedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.image.ocr_embedded import pictures
from secaudit.extract.zipparts import ZipParts, children, descendants, local, parse_xml
from secaudit.model import Location, TextChunk

MAX_REPEAT = 64
"""``number-columns-repeated`` / ``text:c`` beyond this are capped (hostile files stay small)."""
_META_KEYS = {"title": "title", "subject": "subject", "description": "description",
              "keyword": "keywords", "creator": "author", "initial-creator": "author"}
_EMBEDDED = re.compile(r"^Object[ _]?\d+/content\.xml$", re.I)
_INLINE_SKIP = frozenset({"annotation", "annotation-end", "note", "frame", "bookmark-ref",
                          "tracked-changes", "deletion", "change", "change-start", "change-end"})
_BLOCKS = frozenset({"p", "h"})
_CONTAINERS = frozenset({"list", "list-item", "list-header", "section", "index-body",
                         "table-header-rows", "table-rows", "table-row-group", "text-box",
                         "table-of-content", "illustration-index", "alphabetical-index"})


def extract_odf(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    with ZipParts(data, ctx, "ODF") as parts:
        manifest = parts.find("META-INF/manifest.xml")
        if manifest is not None and b"encryption-data" in (parts.read(manifest) or b""):
            raise EncryptedError("password-protected OpenDocument file; content not examined")
        if parts.find("meta.xml") is not None:
            meta = parts.xml("meta.xml")
            if meta is not None:
                yield from _meta(meta, ctx)
        content = parts.xml("content.xml") if parts.find("content.xml") else None
        if content is None:
            raise CorruptError("OpenDocument package without a readable content.xml")
        yield from _document(content, ctx)
        if parts.find("styles.xml") is not None:
            styles = parts.xml("styles.xml")
            if styles is not None:
                yield from _master_pages(styles, ctx)
        for name in sorted(n for n in parts.names() if _EMBEDDED.match(n)):
            embedded = parts.xml(name)
            if embedded is not None:
                yield from _document(embedded, ctx)
        yield from pictures(parts, ctx)


def extract_flat_odf(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    root = parse_xml(data, ctx, "flat OpenDocument file")
    if root is None:
        raise CorruptError("flat OpenDocument file cannot be parsed")
    yield from _meta(root, ctx)
    yield from _document(root, ctx)
    yield from _master_pages(root, ctx)


# -- meta ---------------------------------------------------------------------------------------


def _meta(root: etree._Element, ctx: ExtractContext) -> Iterator[TextChunk]:
    for meta in descendants(root, "meta"):
        for el in meta:
            name, value = local(el), _text(el)
            if not value:
                continue
            if name == "user-defined":
                key = _attr(el, "name")
                if key:
                    yield ctx.chunk(value, Location.PROPERTY, key=key)
            elif name in _META_KEYS:
                yield ctx.chunk(value, Location.PROPERTY, key=_META_KEYS[name])
        return  # one office:meta per document


def local_attr(qname: str) -> str:
    return qname.rsplit("}", 1)[-1]


# -- body ---------------------------------------------------------------------------------------


def _document(root: etree._Element, ctx: ExtractContext) -> Iterator[TextChunk]:
    body = next(descendants(root, "body"), None)
    if body is None:
        return
    for kind in body:
        name = local(kind)
        if name == "spreadsheet":
            yield from _spreadsheet(kind, ctx)
        elif name in ("presentation", "drawing"):
            yield from _pages(kind, ctx)
        elif name in ("text", "chart"):
            yield from _flow(kind, Location.BODY, ctx)


def _flow(container: etree._Element, where: Location, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Chunks of a text flow: paragraphs in order, with their notes, comments and text boxes."""
    counters: dict[Location, int] = {}  # ordinal of the chunk among those of its location
    for text, loc in _blocks(container, where):
        ctx.check_time()
        index = counters.get(loc, 0)
        counters[loc] = index + 1
        yield ctx.chunk(text, loc, index=index, standalone=True)


def _blocks(container: etree._Element, where: Location) -> Iterator[tuple[str, Location]]:
    for el in container:
        name = local(el)
        if name in _BLOCKS:
            extras: list[etree._Element] = []
            text = _paragraph(el, extras)
            if text:
                yield text, where
            for extra in extras:
                inner = Location.COMMENT if local(extra) == "annotation" else where
                yield from _blocks(extra, inner)
        elif name == "table":
            yield from _table(el, where)
        elif name == "annotation":
            yield from _blocks(el, Location.COMMENT)
        elif name in _CONTAINERS or name in ("note-body", "frame", "g"):
            yield from _blocks(el, where)


def _paragraph(p: etree._Element, extras: list[etree._Element]) -> str:
    out: list[str] = [p.text or ""]
    _inline(p, out, extras)
    return "".join(out).strip()


def _inline(el: etree._Element, out: list[str], extras: list[etree._Element]) -> None:
    for node in el:
        name = local(node)
        if name in ("note", "annotation", "frame"):
            extras.append(node)
        elif name == "s":
            out.append(" " * _repeat(node, "c"))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif name not in _INLINE_SKIP and name:
            out.append(node.text or "")
            _inline(node, out, extras)
        out.append(node.tail or "")


def _table(table: etree._Element, where: Location) -> Iterator[tuple[str, Location]]:
    """Per row: the row line when two or more cells hold text, then each cell's text (as the
    ``.docx`` extractor gives them; see :mod:`secaudit.detect.tables`); comments in cells
    after their cell."""
    for row in _rows(table):
        cells = [(_repeat(c, "number-columns-repeated"), list(_blocks(c, where)))
                 for c in _cells(row)]
        owns = [[t for t, loc in found if loc is where] for _n, found in cells]
        if sum(1 for own in owns if own) > 1:
            values: list[str] = []
            for (n, _found), own in zip(cells, owns, strict=True):
                values.extend([" ".join(own).replace("\t", " ").replace("\n", " ")] * n)
            while values and not values[-1]:
                values.pop()
            yield "\t".join(values), where
        for (n, found), own in zip(cells, owns, strict=True):
            if own:
                yield from [("\n".join(own), where)] * n
            yield from ((t, loc) for t, loc in found if loc is not where)


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    for el in table:
        name = local(el)
        if name == "table-row":
            yield el
        elif name in ("table-header-rows", "table-rows", "table-row-group"):
            yield from _rows(el)


def _cells(row: etree._Element) -> Iterator[etree._Element]:
    return (c for c in row if local(c) in ("table-cell", "covered-table-cell"))


def _cell_texts(cell: etree._Element) -> list[str]:
    """A cell's own texts (its comments are read separately)."""
    return [text for text, loc in _blocks(cell, Location.BODY) if loc is Location.BODY]


def _repeat(el: etree._Element, attr: str) -> int:
    raw = next((v for k, v in el.attrib.items() if local_attr(k) == attr), "1")
    return min(int(raw), MAX_REPEAT) if raw.isdigit() and int(raw) > 0 else 1


# -- spreadsheets and presentations -------------------------------------------------------------


def _spreadsheet(sheet_root: etree._Element, ctx: ExtractContext) -> Iterator[TextChunk]:
    for ordinal, table in enumerate(children(sheet_root, "table")):
        sheet = _attr(table, "name") or f"Sheet{ordinal + 1}"
        yield ctx.chunk(sheet, Location.SHEET_NAME, index=ordinal, standalone=True)
        row_no = 0
        for row in _rows(table):
            ctx.check_time()
            values: list[str] = []
            for cell in _cells(row):
                texts = _cell_texts(cell)
                values.extend([" ".join(texts)] * _repeat(cell, "number-columns-repeated"))
                for note in descendants(cell, "annotation"):
                    note_text = "\n".join(t for t, _ in _blocks(note, Location.COMMENT))
                    if note_text:
                        yield ctx.chunk(note_text, Location.COMMENT, key=sheet, standalone=True)
            text = "\t".join(values).rstrip("\t")
            if text.strip():
                yield ctx.chunk(text, key=sheet, index=row_no, standalone=True)
            row_no += _repeat(row, "number-rows-repeated") if not text.strip() else 1


def _pages(root: etree._Element, ctx: ExtractContext) -> Iterator[TextChunk]:
    for ordinal, page in enumerate(children(root, "page")):
        for el in page:
            name = local(el)
            if name == "notes":
                for text, _loc in _blocks(el, Location.COMMENT):
                    yield ctx.chunk(text, Location.COMMENT, index=ordinal, standalone=True)
            elif name in ("frame", "g", "custom-shape", "rect", "ellipse", "annotation"):
                where = Location.COMMENT if name == "annotation" else Location.BODY
                for text, loc in _blocks(el, where):
                    ctx.check_time()
                    yield ctx.chunk(text, loc, index=ordinal, standalone=True)


def _master_pages(root: etree._Element, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Headers and footers of text documents' master pages; text boxes of presentations' master
    pages (they print on every slide), their prompt placeholders skipped."""
    seen: set[tuple[Location, str]] = set()
    for master in descendants(root, "master-page"):
        for el in master:
            name = local(el)
            if name.startswith(("header", "footer")) and not name.endswith("style"):
                where = Location.HEADER if name.startswith("header") else Location.FOOTER
                found = _blocks(_regions(el), where)
            elif name in ("frame", "custom-shape", "g"):
                role = _attr(el, "class")
                if role and role != "footer":
                    continue  # title, outline, notes, date-time, page-number: prompts
                where = Location.FOOTER if role == "footer" else Location.HEADER
                found = _blocks(el, where)
            else:
                continue
            for text, _loc in found:
                if (where, text) not in seen:
                    seen.add((where, text))
                    yield ctx.chunk(text, where, standalone=True)


def _regions(el: etree._Element) -> etree._Element:
    """A header/footer, or the wrapper of its left/center/right regions (spreadsheets)."""
    if any(local(c).startswith("region-") for c in el):
        wrapper = etree.Element("regions")
        for region in el:
            wrapper.extend(list(region))
        return wrapper
    return el


def _attr(el: etree._Element, name: str) -> str:
    return next((v for k, v in el.attrib.items() if local_attr(k) == name), "").strip()


def _text(el: etree._Element) -> str:
    return "".join(el.itertext()).strip()
