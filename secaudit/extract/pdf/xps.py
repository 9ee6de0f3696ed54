"""XPS and OpenXPS documents (``.xps``/``.oxps``): what "Microsoft XPS Document Writer" prints.

A document printed to XPS on a Windows PC (and carried away on a USB stick) is a zip package:
``FixedDocumentSequence.fdseq`` → ``FixedDocument.fdoc`` → one ``.fpage`` per page, whose
``Glyphs`` elements carry the text (``UnicodeString``) at a position (``OriginX``/``OriginY``).
Elements are matched by local name, so both the XPS 1.0 and the OpenXPS namespaces read.

Output: per page, glyph runs on one baseline joined in X order as one standalone ``body`` line
(``index`` = page ordinal), lines from top to bottom, so a marking typed alone at the top of the
first page is the first line; core properties (title, subject, keywords, category) as
``property`` chunks. Pages are taken in the order the sequence and documents name them, or in
name order when those parts are missing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from lxml import etree

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext
from secaudit.extract.zipparts import ZipParts, descendants, local, text_of
from secaudit.model import Location, TextChunk

_PAGE_PART = re.compile(r"\.fpage$", re.I)
_CORE_KEYS = {"title": "title", "subject": "subject", "keywords": "keywords",
              "category": "category", "description": "description"}
BASELINE_TOLERANCE = 0.3
"""Glyph runs whose baselines differ by less than this share of their font size share a line."""


def extract_xps(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    with ZipParts(data, ctx, "XPS") as parts:
        yield from _core_properties(parts, ctx)
        pages = _page_names(parts)
        if not pages:
            raise CorruptError("XPS package without any .fpage part")
        for ordinal, name in enumerate(pages):
            ctx.check_time()
            root = parts.xml(name)
            if root is None:
                continue
            for line in page_lines(root):
                yield ctx.chunk(line, index=ordinal, standalone=True)


def page_lines(root: etree._Element) -> list[str]:
    """Text lines of one fixed page: runs grouped by baseline, each line in X order."""
    runs: list[tuple[float, float, float, str]] = []  # (y, x, size, text)
    for glyphs in descendants(root, "Glyphs"):
        text = (glyphs.get("UnicodeString") or "").removeprefix("{}")
        if not text.strip():
            continue
        runs.append((_num(glyphs.get("OriginY")), _num(glyphs.get("OriginX")),
                     _num(glyphs.get("FontRenderingEmSize")) or 12.0, text))
    lines: list[list[tuple[float, float, float, str]]] = []
    for run in sorted(runs):
        if lines and abs(run[0] - lines[-1][0][0]) < BASELINE_TOLERANCE * run[2]:
            lines[-1].append(run)
        else:
            lines.append([run])
    out = []
    for line in lines:
        joined = "".join(r[3] for r in sorted(line, key=lambda r: r[1])).strip()
        if joined:
            out.append(joined)
    return out


def _page_names(parts: ZipParts) -> list[str]:
    """Page parts in reading order: sequence → documents → pages; else by name."""
    ordered: list[str] = []
    for seq in (n for n in parts.names() if n.lower().endswith(".fdseq")):
        root = parts.xml(seq)
        for ref in descendants(root, "DocumentReference") if root is not None else ():
            doc = _resolve(parts, seq, ref.get("Source") or "")
            doc_root = parts.xml(doc) if doc else None
            for page in descendants(doc_root, "PageContent") if doc_root is not None else ():
                name = _resolve(parts, doc or "", page.get("Source") or "")
                if name and name not in ordered:
                    ordered.append(name)
    if ordered:
        return ordered
    return sorted((n for n in parts.names() if _PAGE_PART.search(n)), key=_natural)


def _resolve(parts: ZipParts, base: str, source: str) -> str | None:
    if not source:
        return None
    if source.startswith("/"):
        return parts.find(source)
    return parts.find(posixpath.join(posixpath.dirname(base), source))


def _core_properties(parts: ZipParts, ctx: ExtractContext) -> Iterator[TextChunk]:
    name = next((n for n in parts.names() if n.lower().endswith("core.xml")), None)
    root = parts.xml(name) if name else None
    if root is None:
        return
    for el in root:
        key = _CORE_KEYS.get(local(el))
        if key and text_of(el):
            yield ctx.chunk(text_of(el), Location.PROPERTY, key=key)


def _num(raw: str | None) -> float:
    try:
        return float(raw) if raw else 0.0
    except ValueError:
        return 0.0


def _natural(name: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name.lower())]
