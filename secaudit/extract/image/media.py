"""Files that carry no text layer: images, executables, empty files.

An image may be a scanned secret document or an ID-card copy (HEIC photos of phones included:
:mod:`secaudit.extract.image.heif`). With ``[scan] ocr = "auto"`` it is read by OCR
(:mod:`secaudit.extract.image.ocr`): its lines become standalone ``body`` chunks (index 0) and a
``property`` chunk ``ocr`` says the text came from OCR. An image that is not OCR'd (OCR off,
an icon under ``ocr_min_pixels``, Tesseract not installed, or no text-like content — a photo
without text, a blank scan: :mod:`secaudit.extract.image.textlike`) is reported ``unsupported`` so
the officer knows its content was not examined. So is a container or disk image secaudit cannot
open (Outlook ``.pst``, ``.cab``, ``.vhd``, ``.dmg`` … see :func:`.sniff.opaque_container`): it may
hold whole folders of documents. Binary content under a document's extension (random bytes
named ``.docx``, an executable named ``.pdf``) is reported ``corrupt``: it is not what its name
says, and a random-looking blob may be an encrypted container. Other binaries and empty files
yield nothing beyond their file name, which is checked like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from secaudit.errors import CorruptError, EncryptedError, UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.image.imagesize import image_size
from secaudit.extract.image.ocr import ocr_lines, ocr_marker
from secaudit.extract.sniff import opaque_container
from secaudit.model import TextChunk


def extract_image(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    if ctx.limits.ocr == "off":
        raise UnsupportedError("image without a text layer; content not examined (OCR off)")
    if data[4:8] == b"ftyp":  # a phone's HEIC/HEIF photo: decoded for Tesseract
        from secaudit.extract.image.heif import heif_to_pgm

        data, width, height = heif_to_pgm(data)
        size: tuple[int, int] | None = (width, height)
    else:
        size = image_size(data)
    if size is not None and size[0] * size[1] < ctx.limits.ocr_min_pixels:
        raise UnsupportedError(
            f"image of {size[0]}×{size[1]} pixels, too small to be a scanned document "
            f"(ocr_min_pixels {ctx.limits.ocr_min_pixels}); content not examined"
        )
    if ctx.budget.ocr_pages >= ctx.limits.ocr_max_pages:
        raise UnsupportedError(
            f"image not OCR'd: ocr_max_pages = {ctx.limits.ocr_max_pages} images/pages of this "
            "file were OCR'd already"
        )
    lines = ocr_lines(data, ctx, "image")
    ctx.budget.ocr_pages += 1
    yield ocr_marker(ctx)
    for line in lines:
        yield ctx.chunk(line, index=0, standalone=True, ocr=True)


DOCUMENT_SUFFIXES = frozenset(
    "doc docx docm dot dotx dotm xls xlsx xlsm xlt xltx ppt pptx pptm pps ppsx pot potx wps wpt "
    "et ett dps dpt pdf ofd odt ods odp odg rtf xps oxps msg zip 7z rar".split()
)
"""Extensions of documents and archives: binary content that no parser recognised under one of
these names is reported ``corrupt`` instead of passing as a clean file."""


def extract_binary(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    ext = ctx.name.rpartition(".")[2].lower() if "." in ctx.name else ""
    if ext in DOCUMENT_SUFFIXES:
        head = data[:4096]
        spread = len(set(head)) if head else 0
        blob = " (random-looking bytes: possibly an encrypted container)" if spread > 200 else ""
        raise CorruptError(f"content does not match the .{ext} extension: not a {ext} file "
                           f"secaudit can read{blob}; content not examined")
    return iter(())


def extract_empty(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    return iter(())


def extract_opaque(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    what = opaque_container(data) or "container"
    if what.startswith("LUKS"):
        raise EncryptedError(f"{what}: content not examined")
    raise UnsupportedError(f"{what}: secaudit cannot open it; content not examined")
    yield  # pragma: no cover - a generator like every extractor
