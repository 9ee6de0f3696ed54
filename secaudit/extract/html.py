"""HTML pages (.html/.htm, Word "save as web page"): title, meta properties and body lines.

Encoding: BOM, then ``<meta charset>`` / ``http-equiv`` declaration, then the guess of
:func:`secaudit.extract.text.decode_text`. ``<title>`` and ``<meta name=…>`` of the names in
:data:`META_NAMES` become ``property`` chunks (key = the lower-cased name). Body text is rebuilt so
that every block element (``p``, ``div``, ``td``, ``li``, ``h1``…) and ``<br>`` starts a line; each
non-empty line is one standalone chunk whose ``index`` is the line ordinal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext
from secaudit.extract.text import decode_text
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


def _lines(root: etree._Element) -> Iterator[str]:
    """Text of ``root`` with a line break at every block boundary; empty lines dropped."""
    parts: list[str] = []
    _collect(root, parts)
    for line in "".join(parts).split("\n"):
        line = " ".join(line.split())
        if line:
            yield line


def _collect(el: etree._Element, parts: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP_TAGS:
        if el.tail:
            parts.append(el.tail)
        return
    is_block = tag in BLOCK_TAGS
    if is_block:
        parts.append("\n")
    if el.text and tag:
        parts.append(el.text)
    for child in el:
        _collect(child, parts)
    if is_block:
        parts.append("\n")
    if el.tail:
        parts.append(el.tail)
