"""OOXML side parts whose text is not in the application's main parts.

- **Shapes on sheets** (``xl/drawings/drawingN.xml``): text boxes, callouts and WordArt drawn
  over a worksheet (a ``内部资料`` box at the top of a customer list). One standalone ``body``
  chunk per shape, in drawing order.
- **SmartArt** (``*/diagrams/dataN.xml``): the text of each diagram node, one chunk per node.
- **Charts** (``*/charts/chartN.xml``): the title, axis titles and the cached series names and
  category labels Office keeps in the chart (``c:strCache``): one chunk per chart, one line each.
- **Alternative-format chunks** (``w:altChunk``): HTML, MHT, RTF or a whole ``.docx`` that an
  application (an OA export, a mail merge) put into a Word document as it is; Word shows it as
  body text, though ``document.xml`` holds none of it. Each is read as a member
  (``word/afchunk.mht``), with the limits of any other member.

Parts are found by name under the package's application folder, so a package whose
relationships are missing or broken is still read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator

from lxml import etree

from secaudit.extract.base import ExtractContext
from secaudit.extract.office.ooxml_package import paragraph_text, relationships
from secaudit.extract.zipparts import ZipParts, descendants, local
from secaudit.model import Location, TextChunk

_SHEET_DRAWING = re.compile(r"^xl/drawings/drawing\d*\.xml$", re.I)
_DIAGRAM = re.compile(r"^(?:word|xl|ppt)/diagrams/data\d*\.xml$", re.I)
_CHART = re.compile(r"^(?:word|xl|ppt)/charts/chart\d*\.xml$", re.I)
_ALT_CHUNK = "/aFChunk"
_SHAPES = frozenset({"sp", "cxnSp"})


def extract_side_parts(parts: ZipParts, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Chunks of every shape drawing, SmartArt diagram and chart of the package."""
    index = 0
    for name in parts.names():
        if _SHEET_DRAWING.match(name):
            texts = list(_shape_texts(parts, name))
        elif _DIAGRAM.match(name):
            texts = list(_diagram_texts(parts, name))
        elif _CHART.match(name):
            chart = "\n".join(_chart_texts(parts, name))
            texts = [chart] if chart else []
        else:
            continue
        ctx.check_time()
        for text in texts:
            yield ctx.chunk(text, Location.BODY, index=index, standalone=True)
            index += 1


def alt_chunks(parts: ZipParts, main: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    """The members a Word document imports as alternative-format chunks (``w:altChunk``)."""
    folder, base = posixpath.split(main)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    raw = parts.read(rels) if parts.find(rels) else None
    if raw is None or _ALT_CHUNK.encode() not in raw:
        return  # most documents: no parse of their relationships
    for rel_type, target in relationships(parts, main).values():
        if rel_type.endswith(_ALT_CHUNK) and parts.find(target):
            name = parts.find(target) or target
            data = parts.read(name)
            if data is not None:
                yield from ctx.recurse(name, data)


def _shape_texts(parts: ZipParts, name: str) -> Iterator[str]:
    """One text per shape (``sp``, ``cxnSp``) of a sheet drawing, its paragraphs as lines."""
    root = parts.xml(name)
    shapes = (el for el in root.iter() if local(el) in _SHAPES) if root is not None else ()
    yield from _paragraph_blocks(shapes)


def _diagram_texts(parts: ZipParts, name: str) -> Iterator[str]:
    """One text per SmartArt node (``dgm:pt``), its paragraphs as lines."""
    root = parts.xml(name)
    yield from _paragraph_blocks(descendants(root, "pt") if root is not None else ())


def _paragraph_blocks(elements: Iterable[etree._Element]) -> Iterator[str]:
    for el in elements:
        lines = [paragraph_text(p) for p in descendants(el, "p")]
        text = "\n".join(line for line in lines if line)
        if text:
            yield text


def _chart_texts(parts: ZipParts, name: str) -> Iterator[str]:
    root = parts.xml(name)
    if root is None:
        return
    for title in descendants(root, "title"):
        text = " ".join(paragraph_text(p) for p in descendants(title, "p")).strip()
        if text:
            yield text
    for cache in descendants(root, "strCache"):
        for value in descendants(cache, "v"):
            if value.text and value.text.strip():
                yield value.text.strip()
