"""OFD documents (GB/T 33190, the Chinese fixed-layout format of e-invoices and 公文).

An OFD is a zip: ``OFD.xml`` → ``DocBody`` (``DocInfo`` + ``DocRoot``) → ``Document.xml`` →
``Pages/Page@BaseLoc`` → page ``Content.xml`` with ``TextObject/TextCode`` text. Producers differ:
paths are absolute (``/Doc_0/…``), relative to the referencing file, or neither; the namespace
may be any or none. So elements are matched by local name and every path is tried in the few
places a reader would look (:meth:`_Doc.resolve`).

Output: per page, the text lines rebuilt from positions (codes on one baseline joined in X
order; a marking alone at the top is its own line), one standalone chunk per line, ``index`` =
page ordinal; lines repeated at the top or bottom of every page are given once as ``header`` /
``footer`` chunks (:mod:`.running`). Template pages are merged into the first page that uses
them. ``DocInfo`` fields and
``CustomData Name=…`` become ``property`` chunks; annotation remarks become ``comment`` chunks and
annotation appearance text joins its page; attachments go to ``ctx.recurse``. Signatures are not
text. Missing parts are ``corrupt`` errors while the rest is read. Geometry lives in
:mod:`.ofd_layout`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from lxml import etree

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext
from secaudit.extract.image.ocr import ocr_marker
from secaudit.extract.pdf.ofd_layout import page_lines
from secaudit.extract.pdf.pdf_ocr import PageOcr
from secaudit.extract.pdf.running import line_key, running_keys
from secaudit.extract.zipparts import ZipParts, child, children, descendants, local, text_of
from secaudit.model import ErrorReason, Location, TextChunk

RUNNING_LINES = 2
"""Lines at the top and bottom of each page compared for running heads and feet."""
DOCINFO_KEYS = {"Title": "title", "Subject": "subject", "Author": "author",
                "Abstract": "abstract", "DocUsage": "doc_usage"}


def extract_ofd(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    with ZipParts(data, ctx, "OFD") as parts:
        entry = parts.find("OFD.xml")
        root = parts.xml(entry) if entry else None
        if root is None:
            raise CorruptError("OFD package without a readable OFD.xml")
        bodies = list(descendants(root, "DocBody"))
        if not bodies:
            raise CorruptError("OFD.xml has no DocBody")
        first_page = 0
        for body in bodies:
            yield from _doc_info(child(body, "DocInfo"), ctx)
            doc_root = text_of(child(body, "DocRoot"))
            if not doc_root:
                ctx.error(ErrorReason.CORRUPT, "OFD DocBody without DocRoot")
                continue
            doc = _Doc(parts, doc_root, ctx)
            yield from doc.extract(first_page)
            first_page += doc.page_count


def _doc_info(info: etree._Element | None, ctx: ExtractContext) -> Iterator[TextChunk]:
    if info is None:
        return
    for el in info:
        name = local(el)
        if name in DOCINFO_KEYS and text_of(el):
            yield ctx.chunk(text_of(el), Location.PROPERTY, key=DOCINFO_KEYS[name])
        elif name == "Keywords":
            words = [text_of(k) for k in children(el, "Keyword") if text_of(k)]
            if words or text_of(el):
                yield ctx.chunk(" ".join(words) or text_of(el), Location.PROPERTY, key="keywords")
        elif name == "CustomDatas":
            for item in children(el, "CustomData"):
                key, value = (item.get("Name") or "").strip(), text_of(item)
                if key and value:
                    yield ctx.chunk(value, Location.PROPERTY, key=key)


class _Doc:
    """One document of the package (``Document.xml`` and the parts it names)."""

    def __init__(self, parts: ZipParts, doc_root: str, ctx: ExtractContext) -> None:
        self.parts, self.ctx = parts, ctx
        self.name = self.resolve(doc_root, "")
        self.folder = posixpath.dirname(self.name or doc_root.lstrip("/"))
        self.page_count = 0

    def resolve(self, path: str, base: str | None = None) -> str | None:
        """Stored part name for ``path`` referenced from the folder ``base``."""
        path = path.strip().replace("\\", "/")
        if not path:
            return None
        bases = [base if base is not None else getattr(self, "folder", ""), "",
                 getattr(self, "folder", "")]
        for folder in bases:
            found = self.parts.find(path if path.startswith("/") else posixpath.join(folder, path))
            if found:
                return found
        return None

    def xml(self, path: str, what: str, base: str | None = None) -> etree._Element | None:
        name = self.resolve(path, base)
        if name is None:
            self.ctx.error(ErrorReason.CORRUPT, f"OFD {what} {path!r} is missing")
            return None
        return self.parts.xml(name)

    def extract(self, first_page: int) -> Iterator[TextChunk]:
        if self.name is None:
            self.ctx.error(ErrorReason.CORRUPT, "OFD DocRoot document is missing")
            return
        root = self.parts.xml(self.name)
        if root is None:
            return
        templates = {
            t.get("ID", ""): t.get("BaseLoc", "") for t in descendants(root, "TemplatePage")
        }
        pages = [(p.get("ID", ""), p.get("BaseLoc", "")) for p in descendants(root, "Page")]
        self.page_count = len(pages)
        annots = self._annotations(root)
        media = self._media(root)
        yield from self._pages(pages, templates, annots, first_page, media)
        yield from self._remarks(annots)
        yield from self._attachments(root)

    def _pages(self, pages: list[tuple[str, str]], templates: dict[str, str],
               annots: dict[str, list[etree._Element]], first_page: int,
               media: dict[str, str]) -> Iterator[TextChunk]:
        used: set[str] = set()
        textless: list[int] = []
        ocr = PageOcr(self.ctx)
        marked = False
        read_pages: list[tuple[int, list[str], bool]] = []
        for ordinal, (page_id, loc) in enumerate(pages):
            self.ctx.check_time()
            content = self.xml(loc, f"page {ordinal + 1}")
            layers = [content] if content is not None else []
            for tid in _template_ids(content, templates, first=ordinal == 0):
                if tid not in used and tid in templates:
                    used.add(tid)
                    tpl = self.xml(templates[tid], "template page")
                    layers += [tpl] if tpl is not None else []
            layers += annots.get(page_id, [])
            lines, from_ocr = page_lines(layers), False
            if not lines and any(_has(layer, "ImageObject") for layer in layers):
                read = ocr.read_images(self._page_images(layers, media), f"OFD page {ordinal + 1}")
                if read is None:
                    textless.append(ordinal + 1)
                    continue
                if ocr.pages_read and not marked:
                    marked = True
                    yield ocr_marker(self.ctx)
                lines, from_ocr = read, True
            read_pages.append((ordinal, lines, from_ocr))
        yield from self._running(read_pages)
        for ordinal, lines, from_ocr in read_pages:
            for line in lines:
                yield self.ctx.chunk(line, index=first_page + ordinal, standalone=True,
                                     ocr=from_ocr)
        if textless:
            self.ctx.error(ErrorReason.UNSUPPORTED, "OFD page(s) " + ", ".join(
                map(str, textless[:20])) + f" are images without text; {ocr.why_not}")

    def _running(self, read: list[tuple[int, list[str], bool]]) -> Iterator[TextChunk]:
        """Lines repeated among the first or last :data:`RUNNING_LINES` lines of every page
        (positions sort them top to bottom): one ``header``/``footer`` chunk each, dropped from
        the pages (:mod:`.running`)."""
        for where, bands in ((Location.HEADER, [lines[:RUNNING_LINES] for _o, lines, _r in read]),
                             (Location.FOOTER, [lines[-RUNNING_LINES:] for _o, lines, _r in read])):
            keys = running_keys(bands)
            emitted: set[str] = set()
            for line in (ln for band in bands for ln in band if line_key(ln) in keys):
                if line_key(line) not in emitted:
                    emitted.add(line_key(line))
                    yield self.ctx.chunk(line, where, standalone=True)
            for _o, lines, _r in read:
                lines[:] = [ln for ln in lines if line_key(ln) not in keys]

    def _page_images(self, layers: list[etree._Element], media: dict[str, str]) -> list[bytes]:
        """Bytes of the images a page draws (``ImageObject@ResourceID`` → ``MultiMedia``)."""
        out: list[bytes] = []
        for layer in layers:
            for obj in descendants(layer, "ImageObject"):
                name = media.get(obj.get("ResourceID", ""))
                data = self.parts.read(name) if name else None
                if data:
                    out.append(data)
        return out

    def _annotations(self, root: etree._Element) -> dict[str, list[etree._Element]]:
        """Page ID → parsed ``PageAnnot`` parts."""
        loc = text_of(child(root, "Annotations"))
        index = self.xml(loc, "annotation list") if loc else None
        out: dict[str, list[etree._Element]] = {}
        base = posixpath.dirname(self.resolve(loc) or "") if loc else ""
        for page in descendants(index, "Page") if index is not None else ():
            file_loc = text_of(child(page, "FileLoc"))
            annot = self.xml(file_loc, "annotation", base) if file_loc else None
            if annot is not None:
                out.setdefault(page.get("PageID", ""), []).append(annot)
        return out

    def _remarks(self, annots: dict[str, list[etree._Element]]) -> Iterator[TextChunk]:
        for layer_list in annots.values():
            for layer in layer_list:
                for remark in descendants(layer, "Remark"):
                    if text_of(remark):
                        yield self.ctx.chunk(text_of(remark), Location.COMMENT, standalone=True)

    def _attachments(self, root: etree._Element) -> Iterator[TextChunk]:
        loc = text_of(child(root, "Attachments"))
        index = self.xml(loc, "attachment list") if loc else None
        base = posixpath.dirname(self.resolve(loc) or "") if loc else ""
        for item in descendants(index, "Attachment") if index is not None else ():
            file_loc = text_of(child(item, "FileLoc"))
            name = self.resolve(file_loc, base) if file_loc else None
            if name is None:
                self.ctx.error(ErrorReason.CORRUPT, f"OFD attachment {file_loc!r} is missing")
                continue
            data = self.parts.read(name)
            if data is not None:
                label = item.get("Name") or posixpath.basename(name)
                if "." not in label:
                    label = posixpath.basename(name)
                yield from self.ctx.recurse(label, data)

    def _media(self, root: etree._Element) -> dict[str, str]:
        """``MultiMedia`` ID → package part of the media file; files that resource lists name
        but the package lacks are reported."""
        out: dict[str, str] = {}
        common = child(root, "CommonData")
        for res_name in ("PublicRes", "DocumentRes"):
            for el in children(common if common is not None else root, res_name):
                res = self.xml(text_of(el), "resource list")
                if res is None:
                    continue
                base = posixpath.join(self.folder, res.get("BaseLoc") or "")
                for item in descendants(res, "MultiMedia"):
                    for media in children(item, "MediaFile"):
                        name = self.resolve(text_of(media), base)
                        if name:
                            out[item.get("ID", "")] = name
                        else:
                            self.ctx.error(ErrorReason.CORRUPT,
                                           f"OFD resource {text_of(media)!r} is missing")
        return out


def _template_ids(content: etree._Element | None, templates: dict[str, str],
                  first: bool) -> list[str]:
    """Templates a page uses; the first page also takes templates no page names."""
    named = [t.get("TemplateID", "") for t in descendants(content, "Template")] if (
        content is not None) else []
    if first and not named:
        return list(templates)
    return named


def _has(tree: etree._Element, name: str) -> bool:
    return next(descendants(tree, name), None) is not None
