"""Files that carry no text layer: images, executables, empty files.

An image may be a scanned secret document or an ID-card copy (HEIC photos of phones included:
:mod:`secaudit.extract.image.heif`). With ``[scan] ocr = "auto"`` it is read by OCR
(:mod:`secaudit.extract.image.ocr`): its lines become standalone ``body`` chunks (index 0) and a
``property`` chunk ``ocr`` says the text came from OCR. An image that is not OCR'd (OCR off,
an icon under ``ocr_min_pixels``, Tesseract not installed, or no text-like content — a photo
without text, a blank scan: :mod:`secaudit.extract.image.textlike`) is reported ``unsupported`` so
the officer knows its content was not examined. So is a container or disk image secaudit cannot
open (Outlook ``.pst``, ``.cab``, ``.vhd``, ``.dmg`` … see :func:`.sniff.opaque_container`): it may
hold whole folders of documents. Other binaries and empty files yield nothing beyond their file
name, which is checked like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from secaudit.errors import EncryptedError, UnsupportedError
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


def extract_binary(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    return iter(())


def extract_empty(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    return iter(())


def extract_opaque(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    what = opaque_container(data) or "container"
    if what.startswith("LUKS"):
        raise EncryptedError(f"{what}: content not examined")
    raise UnsupportedError(f"{what}: secaudit cannot open it; content not examined")
    yield  # pragma: no cover - a generator like every extractor
