"""Format → extractor mapping, and the dispatcher used for files and container members.

``EXTRACTORS`` maps each format id that :func:`~secaudit.extract.sniff.sniff` can return to
``"module:function"`` inside this package (imported lazily; never from a configured path).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from secaudit.errors import ExtractionError, LimitError
from secaudit.extract.base import ExtractContext
from secaudit.extract.sniff import forget_zip, sniff
from secaudit.limits import Limits
from secaudit.model import ErrorReason, ExtractError, Location, TextChunk

Extractor = Callable[[bytes, ExtractContext], Iterator[TextChunk]]

EXTRACTORS: dict[str, str] = {
    "text": "text.text:extract_text",
    "html": "text.html:extract_html",
    "rtf": "office.rtf:extract_rtf",
    "docx": "office.ooxml:extract_ooxml",
    "xlsx": "office.ooxml:extract_ooxml",
    "pptx": "office.ooxml:extract_ooxml",
    "doc": "office.ole:extract_doc",
    "wps": "office.ole:extract_doc",
    "xls": "office.ole:extract_xls",
    "et": "office.ole:extract_xls",
    "ppt": "office.ole:extract_ppt",
    "dps": "office.ole:extract_ppt",
    "ole": "office.ole:extract_ole_other",
    "ooxml_encrypted": "office.ole:extract_encrypted_ooxml",
    "pdf": "pdf.pdf:extract_pdf",
    "ofd": "pdf.ofd:extract_ofd",
    "odf": "office.odf:extract_odf",
    "fodf": "office.odf:extract_flat_odf",
    "xps": "pdf.xps:extract_xps",
    "eml": "mail.mail:extract_eml",
    "mht": "mail.mail:extract_eml",
    "mbox": "mail.mail:extract_mbox",
    "msg": "mail.mail:extract_msg",
    "tnef": "mail.tnef:extract_tnef",
    "zip": "archive.archive:extract_zip",
    "tar": "archive.archive_stream:extract_tar",
    "gz": "archive.archive_stream:extract_gz",
    "7z": "archive.archive:extract_7z",
    "rar": "archive.archive:extract_rar",
    "iso": "archive.archive:extract_iso",
    "opaque": "image.media:extract_opaque",
    "image": "image.media:extract_image",
    "binary": "image.media:extract_binary",
    "empty": "image.media:extract_empty",
}

_cache: dict[str, Extractor] = {}


def extractor_for(fmt: str) -> Extractor:
    target = EXTRACTORS[fmt]
    fn = _cache.get(target)
    if fn is None:
        module, func = target.split(":")
        fn = getattr(importlib.import_module(f"secaudit.extract.{module}"), func)
        _cache[target] = fn
    return fn


def _dispatch(ctx: ExtractContext, data: bytes, name: str) -> Iterator[TextChunk]:
    """Sniff and extract ``data``; every failure becomes an error record of ``ctx.member``."""
    try:
        fmt = sniff(data, name)
    except Exception as exc:  # noqa: BLE001 - sniffing hostile bytes must not stop the scan
        ctx.error(ErrorReason.CORRUPT, f"format cannot be told: {type(exc).__name__}: {exc}"[:500])
        return
    ctx.name = name
    ctx.formats[ctx.member or ""] = fmt
    try:
        ctx.check_time()
        yield from extractor_for(fmt)(data, ctx)
    except ExtractionError as exc:
        ctx.error(exc.reason, str(exc))
    except RecursionError:
        ctx.error(ErrorReason.LIMIT, "structure nested too deeply to parse")
    except MemoryError:
        ctx.error(ErrorReason.TOO_LARGE, "not enough memory to parse")
    except Exception as exc:  # noqa: BLE001 - hostile input must never stop the scan
        ctx.error(ErrorReason.CORRUPT, f"{fmt} parser failed: {type(exc).__name__}: {exc}"[:500])


@dataclass(frozen=True, slots=True)
class Extraction:
    """What was read from one file."""

    format: str
    chunks: tuple[TextChunk, ...]
    errors: tuple[ExtractError, ...]
    members: tuple[str, ...]
    member_formats: dict[str, str]


def extract_bytes(
    data: bytes,
    name: str,
    *,
    limits: Limits | None = None,
    deadline: float | None = None,
) -> Extraction:
    """Extract every chunk of a file's bytes (``name`` is its base name, used as a hint)."""
    ctx = ExtractContext(limits=limits or Limits(), dispatch=_dispatch)
    ctx.budget.deadline = deadline
    chunks: list[TextChunk] = [TextChunk(text=name, location=Location.FILENAME)]
    try:
        chunks.extend(_dispatch(ctx, data, name))
    except LimitError as exc:  # budget errors raised outside any dispatch
        ctx.error(exc.reason, str(exc))
    finally:
        forget_zip()  # a zip sniffed but never read (time limit) must not outlive its file
    fmt = ctx.formats.get("", "binary")
    return Extraction(
        format=fmt,
        chunks=tuple(chunks),
        errors=tuple(ctx.errors),
        members=tuple(ctx.members),
        member_formats=dict(ctx.formats),
    )
