"""PresentationML content (pptx): slide text, footers, speaker notes and comments.

Slides are read in presentation order (``sldIdLst``). Every DrawingML paragraph of a slide is one
standalone chunk whose ``index`` is the slide ordinal (like pages of a PDF). Text of footer and
header placeholders goes to ``footer``/``header``, and so does the text of a plain text box drawn in
the bottom band of the slide (a footer typed by hand); date and slide-number placeholders are
skipped.
Speaker notes and review comments are ``comment`` chunks (``index`` = slide ordinal for notes).

Slide masters and layouts print on every slide that uses them: a text box placed there (a bank
template's ``内部资料 注意保密``) is read as ``header`` text, and their footer placeholders as
``footer``; their other placeholders only hold prompts (``单击此处编辑母版标题样式``) and are
skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from lxml import etree

from secaudit.extract.base import ExtractContext
from secaudit.extract.office.ooxml_package import paragraph_text, relationships
from secaudit.extract.zipparts import (
    ZipParts,
    any_ns,
    children,
    descendants,
    local,
    parse_xml,
    text_of,
)
from secaudit.model import Location, TextChunk

_PLACEHOLDER_LOCATION = {"ftr": Location.FOOTER, "hdr": Location.HEADER}
_SKIPPED_PLACEHOLDERS = frozenset({"sldNum", "dt", "sldImg"})
_NUMBER = re.compile(r"(\d+)\.xml$")
_COMMENT_TAGS = any_ns("cm", "comment")
_COMMENTS_PART = re.compile(r"ppt/comments/[^/]+\.xml$", re.I)
_SLIDE_PART = re.compile(r"ppt/slides/slide\d+\.xml$", re.I)
_MASTER_PART = re.compile(
    r"ppt/(?:slideMasters/slideMaster|slideLayouts/slideLayout)\d+\.xml$", re.I
)


def extract(parts: ZipParts, main: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    main = main or "ppt/presentation.xml"
    slides = slide_parts(parts, main)
    height = slide_height(parts, main)
    for ordinal, slide in enumerate(slides):
        root = parts.xml(slide)
        if root is not None:
            ctx.check_time()
            for where, text in shape_paragraphs(root, height):
                yield ctx.chunk(text, where, index=ordinal, standalone=True)
        yield from _notes(parts, slide, ordinal, ctx)
    for name in sorted(parts.names()):
        if _COMMENTS_PART.match(name):
            yield from _comments(parts, name, ctx)
    yield from _masters(parts, ctx)


def _masters(parts: ZipParts, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Text boxes and footers of slide masters and layouts (each distinct text once)."""
    seen: set[tuple[Location, str]] = set()
    for name in sorted(n for n in parts.names() if _MASTER_PART.match(n)):
        for where, text in _master_texts(parts, name, ctx):
            if (where, text) not in seen:
                seen.add((where, text))
                yield ctx.chunk(text, where, standalone=True)


_MASTER_CACHE: dict[bytes, list[tuple[Location, str]]] = {}
"""Texts of master/layout parts by content digest: decks made from one template (a bank's, or
PowerPoint's default) share these parts byte for byte, so a scan parses each once per worker."""
_MASTER_CACHE_SIZE = 512


def _master_texts(parts: ZipParts, name: str, ctx: ExtractContext) -> list[tuple[Location, str]]:
    raw = parts.read(name)
    if raw is None:
        return []
    key = hashlib.sha1(raw, usedforsecurity=False).digest()
    cached = _MASTER_CACHE.get(key)
    if cached is not None:
        return cached
    errors = len(ctx.errors)
    root = parse_xml(raw, ctx, f"OOXML part {name}")
    out: list[tuple[Location, str]] = []
    for body in descendants(root, "txBody") if root is not None else ():
        kind = _placeholder_type(body)
        if kind is not None and kind not in _PLACEHOLDER_LOCATION:
            continue  # title/body/date/number placeholders: prompts, not content
        where = _PLACEHOLDER_LOCATION.get(kind or "", Location.HEADER)
        out.extend((where, text) for p in children(body, "p") if (text := paragraph_text(p)))
    if len(ctx.errors) == errors and len(_MASTER_CACHE) < _MASTER_CACHE_SIZE:
        _MASTER_CACHE[key] = out  # a damaged part is parsed (and reported) every time
    return out


def slide_parts(parts: ZipParts, main: str) -> list[str]:
    """Slide part names in presentation order (part-name order if the list is missing)."""
    rels = relationships(parts, main)
    root = parts.xml(main) if parts.find(main) else None
    ordered: list[str] = []
    for el in descendants(root, "sldId") if root is not None else ():
        rel_id = next((v for k, v in el.attrib.items() if k.endswith("}id")), "")
        target = rels.get(rel_id, ("", ""))[1]
        if target and parts.find(target):
            ordered.append(parts.find(target) or target)
    if ordered:
        return ordered
    found = [n for n in parts.names() if _SLIDE_PART.match(n)]
    return sorted(found, key=_number)


def _number(name: str) -> int:
    match = _NUMBER.search(name)
    return int(match.group(1)) if match else 0


DEFAULT_SLIDE_HEIGHT = 6858000
"""EMU of a 4:3 or 16:9 slide's height when ``p:sldSz`` is missing (PowerPoint's default)."""
FOOTER_BAND = 0.85
"""A text box whose top lies below this fraction of the slide's height is the slide's footer."""


def slide_height(parts: ZipParts, main: str) -> int:
    """The slide height in EMU (``p:sldSz/@cy`` of the presentation part)."""
    root = parts.xml(main) if parts.find(main) else None
    for el in descendants(root, "sldSz") if root is not None else ():
        cy = el.get("cy", "")
        if cy.isdigit() and int(cy) > 0:
            return int(cy)
    return DEFAULT_SLIDE_HEIGHT


def shape_paragraphs(
    root: etree._Element, height: int = DEFAULT_SLIDE_HEIGHT
) -> Iterator[tuple[Location, str]]:
    """``(location, text)`` for every non-empty paragraph of every shape and table; a table row
    of two or more filled cells is first given as a row line (see :func:`_row_line`). A text
    box of the slide itself (not grouped, no placeholder) placed in the bottom band of the slide
    (:data:`FOOTER_BAND`) is a footer drawn by hand."""
    for body in descendants(root, "txBody"):
        kind = _placeholder_type(body)
        if kind in _SKIPPED_PLACEHOLDERS:
            continue
        where = _PLACEHOLDER_LOCATION.get(kind or "", Location.BODY)
        if kind is None and _in_footer_band(body, height):
            where = Location.FOOTER
        if row_line := _row_line(body):
            yield where, row_line
        for p in children(body, "p"):
            text = paragraph_text(p)
            if text:
                yield where, text


def _row_line(body: etree._Element) -> str | None:
    """The tab-joined row of a table cell's text body when it is the row's first filled cell,
    the row has two or more filled cells and each holds one paragraph (so the cell chunks that
    follow are the row's cells, as ``secaudit.detect.tables`` expects), else None."""
    cell = body.getparent()
    row = cell.getparent() if cell is not None else None
    if cell is None or row is None or local(cell) != "tc" or local(row) != "tr":
        return None
    texts = [
        [t for b in children(tc, "txBody") for p in children(b, "p") if (t := paragraph_text(p))]
        for tc in children(row, "tc")
    ]
    filled = [k for k, t in enumerate(texts) if t]
    if len(filled) < 2 or any(len(texts[k]) > 1 for k in filled):
        return None
    if list(children(row, "tc"))[filled[0]] is not cell:
        return None
    values = [t[0].replace("\t", " ") if t else "" for t in texts]
    while values and not values[-1]:
        values.pop()
    return "\t".join(values)


def _in_footer_band(body: etree._Element, height: int) -> bool:
    """``body`` is the text of a top-level shape whose top edge is in the slide's bottom band."""
    shape = body.getparent()
    tree = shape.getparent() if shape is not None else None
    if shape is None or tree is None or local(shape) != "sp" or local(tree) != "spTree":
        return False
    for sp_pr in children(shape, "spPr"):
        for xfrm in children(sp_pr, "xfrm"):
            for off in children(xfrm, "off"):
                y = off.get("y", "")
                return y.lstrip("-").isdigit() and int(y) >= FOOTER_BAND * height
    return False


def _placeholder_type(body: etree._Element) -> str | None:
    shape = body.getparent()
    if shape is None or local(shape) != "sp":
        return None
    for el in descendants(shape, "ph"):
        return el.get("type") or "body"
    return None


def _notes(parts: ZipParts, slide: str, ordinal: int, ctx: ExtractContext) -> Iterator[TextChunk]:
    for kind, target in relationships(parts, slide).values():
        if kind.endswith("/notesSlide") and parts.find(target):
            root = parts.xml(target)
            if root is None:
                continue
            for _where, text in shape_paragraphs(root):
                yield ctx.chunk(text, Location.COMMENT, index=ordinal, standalone=True)


def _comments(parts: ZipParts, name: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    root = parts.xml(name)
    if root is None:
        return
    for el in root.iter(*_COMMENT_TAGS):
        text = text_of(el)
        if text:
            yield ctx.chunk(text, Location.COMMENT, standalone=True)
