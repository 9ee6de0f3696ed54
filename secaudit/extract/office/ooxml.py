"""Office Open XML packages (docx/docm/dotx, xlsx/xlsm, pptx): entry point and package parts.

:func:`extract_ooxml` decides the application from the package's part names (the main part named
by ``_rels/.rels``, else ``word/``, ``xl/``, ``ppt/``), reads the document properties every
application shares (core: title/subject/keywords/category/description/contentStatus; custom
properties such as ``密级``), delegates the content to :mod:`.ooxml_word`, :mod:`.ooxml_sheet` or
:mod:`.ooxml_slide`, reads shapes on sheets, SmartArt, charts and Word's alternative-format
chunks (:mod:`.ooxml_parts`), and hands embedded objects (``*/embeddings/*``) to
``ctx.recurse``.

Every part goes through :class:`~secaudit.extract.zipparts.ZipParts` (size/ratio limits, safe XML
parser). Encrypted OOXML is an OLE file and is handled in :mod:`.ole`. To read another part type,
add a reader to the application module and call it from its ``extract`` function.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from secaudit.errors import CorruptError, UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.image.ocr_embedded import pictures
from secaudit.extract.office import ooxml_parts, ooxml_sheet, ooxml_slide, ooxml_word
from secaudit.extract.office.ooxml_package import paragraph_text, relationships
from secaudit.extract.zipparts import ZipParts, child, children, local, text_of
from secaudit.model import Location, TextChunk

CORE_PROPERTIES = ("title", "subject", "keywords", "category", "description", "contentStatus")
_READERS = {"word": ooxml_word.extract, "xl": ooxml_sheet.extract, "ppt": ooxml_slide.extract}
_EMBEDDINGS = re.compile(r"^(?:word|xl|ppt)/embeddings/[^/]+$", re.I)


def extract_ooxml(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    with ZipParts(data, ctx, "OOXML") as parts:
        main = main_part(parts)
        app = main.split("/", 1)[0].lower() if main else _guess_app(parts)
        yield from core_properties(parts, ctx)
        yield from custom_properties(parts, ctx)
        reader = _READERS.get(app)
        if reader is None:
            raise UnsupportedError("OOXML package that is neither Word, Excel nor PowerPoint")
        yield from reader(parts, main or "", ctx)
        yield from ooxml_parts.extract_side_parts(parts, ctx)
        if app == "word":
            yield from ooxml_parts.alt_chunks(parts, main or "word/document.xml", ctx)
        yield from embedded_objects(parts, ctx)
        yield from pictures(parts, ctx)


def main_part(parts: ZipParts) -> str | None:
    """Name of the officeDocument part named by the package relationships."""
    for rel_type, target in relationships(parts, "").values():
        if rel_type.endswith("/officeDocument") and parts.find(target):
            return parts.find(target)
    return None


def _guess_app(parts: ZipParts) -> str:
    for app, part in (("word", "word/document.xml"), ("xl", "xl/workbook.xml")):
        if parts.find(part):
            return app
    if parts.find("ppt/presentation.xml"):
        return "ppt"
    raise CorruptError("OOXML package without a main document part")


def core_properties(parts: ZipParts, ctx: ExtractContext) -> Iterator[TextChunk]:
    name = "docProps/core.xml"
    root = parts.xml(name) if parts.find(name) else None
    if root is None:
        return
    for el in root:
        key = local(el)
        value = text_of(el)
        if key in CORE_PROPERTIES and value:
            yield ctx.chunk(value, Location.PROPERTY, key=key)


def custom_properties(parts: ZipParts, ctx: ExtractContext) -> Iterator[TextChunk]:
    """``docProps/custom.xml``: one chunk per property, key = its name (``密级``)."""
    name = "docProps/custom.xml"
    root = parts.xml(name) if parts.find(name) else None
    if root is None:
        return
    for prop in children(root, "property"):
        key = (prop.get("name") or "").strip()
        value = text_of(prop)
        if key and value:
            yield ctx.chunk(value, Location.PROPERTY, key=key)


def embedded_objects(parts: ZipParts, ctx: ExtractContext) -> Iterator[TextChunk]:
    for name in parts.names():
        if _EMBEDDINGS.match(name) and not name.endswith("/"):
            ctx.check_time()
            data = parts.read(name)
            if data is not None:
                yield from ctx.recurse(name, data)


__all__ = ["extract_ooxml", "relationships", "paragraph_text", "child", "text_of"]
