"""Guarded reading of parts of zip-based documents (OOXML, OFD) and a safe XML parser.

:class:`ZipParts` opens a document package, reads a part only after its declared size and
compression ratio pass :class:`~secaudit.extract.base.Limits` (zip bombs), charges the bytes to the
file's budget and never reads more than it declared. :func:`parse_xml` parses with entity
resolution, DTD loading, network access and huge trees off; a damaged part is parsed in recovery
mode and reported as ``corrupt`` so the readable rest is still examined.

Helpers for namespace-agnostic access (:func:`local`, :func:`children`, :func:`descendants`) serve
producers that use no or unusual namespaces (OFD writers do).
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext
from secaudit.extract.sniff import open_zip
from secaudit.limits import MiB
from secaudit.model import ErrorReason

_RATIO_FLOOR = 1 * MiB
"""Parts smaller than this are never refused for their compression ratio (XML packs well)."""


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


class ZipParts:
    """Read-only view of a zip package with per-part limits (use as a context manager)."""

    def __init__(self, data: bytes, ctx: ExtractContext, kind: str) -> None:
        self.ctx = ctx
        self.kind = kind
        try:
            self.zip = open_zip(data)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise CorruptError(f"{kind} package is not a readable zip: {exc}") from exc
        self.infos = {info.filename.lstrip("/"): info for info in self.zip.infolist()}
        self._lower = {name.lower(): name for name in self.infos}
        self.memo: dict[object, object] = {}
        """Values derived from parts (relationships), computed once per package."""

    def __enter__(self) -> ZipParts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def names(self) -> list[str]:
        return list(self.infos)

    def find(self, name: str) -> str | None:
        """The stored name for ``name`` (leading ``/`` and letter case ignored)."""
        name = posixpath.normpath(name.replace("\\", "/")).lstrip("/")
        if name in self.infos:
            return name
        return self._lower.get(name.lower())

    def read(self, name: str) -> bytes | None:
        """Bytes of a part, or ``None`` (error recorded) when missing or over a limit."""
        stored = self.find(name)
        if stored is None:
            return None
        info = self.infos[stored]
        limits = self.ctx.limits
        if info.file_size > limits.max_member_size:
            self.ctx.error(
                ErrorReason.TOO_LARGE,
                f"{self.kind} part {stored}: {info.file_size} bytes > max_member_size",
            )
            return None
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > limits.max_ratio:
            self.ctx.error(
                ErrorReason.LIMIT, f"{self.kind} part {stored}: compression ratio {ratio:.0f}"
            )
            return None
        self.ctx.charge(info.file_size)
        try:
            with self.zip.open(info) as fh:
                return fh.read(info.file_size + 1)[: info.file_size]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
                zlib.error) as exc:
            reason = ErrorReason.ENCRYPTED if info.flag_bits & 0x1 else ErrorReason.CORRUPT
            self.ctx.error(reason, f"{self.kind} part {stored} cannot be read: {exc}")
            return None

    def xml(self, name: str) -> etree._Element | None:
        """Parsed XML of a part, or ``None`` (error recorded) when missing, too big or garbage."""
        data = self.read(name)
        if data is None:
            return None
        return parse_xml(data, self.ctx, f"{self.kind} part {self.find(name)}")


def parse_xml(data: bytes, ctx: ExtractContext, what: str) -> etree._Element | None:
    """Parse safely; on damage parse in recovery mode and record a ``corrupt`` error."""
    try:
        return etree.fromstring(data, _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        ctx.error(ErrorReason.CORRUPT, f"{what}: damaged XML ({exc}); read what was recoverable")
    try:
        root = etree.fromstring(data, _parser(recover=True))
    except etree.XMLSyntaxError:
        root = None
    return root


_LOCAL_NAMES: dict[object, str] = {}
"""Clark tag → local name (a document repeats a few dozen tags thousands of times)."""


def local(el: etree._Element) -> str:
    """Tag name without namespace (``""`` for comments and processing instructions)."""
    tag = el.tag
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < 4096:  # hostile files may invent endless tags
            _LOCAL_NAMES[tag] = name
    return name


def any_ns(*names: str) -> tuple[str, ...]:
    """lxml tag filters matching ``names`` in any namespace or none (``{*}name``)."""
    return tuple(f"{{*}}{name}" for name in names)


def children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    """Child elements whose local name is ``name`` (any namespace), in document order."""
    return el.iterchildren(f"{{*}}{name}")


def child(el: etree._Element, name: str) -> etree._Element | None:
    return next(children(el, name), None)


def descendants(el: etree._Element, name: str) -> Iterator[etree._Element]:
    """``el`` and its descendants whose local name is ``name`` (any namespace), in order."""
    return el.iter(f"{{*}}{name}")


def text_of(el: etree._Element | None) -> str:
    """All text inside ``el`` (its descendants' text joined), stripped."""
    if el is None:
        return ""
    return "".join(el.itertext()).strip()
