"""Pictures inside Office and OpenDocument packages, read by OCR like image files.

A customer's ID-card copy or a scanned notice pasted into a Word file is a picture part of the
package (``word/media/image1.jpeg``, ``xl/media/``, ``ppt/media/``, ODF ``Pictures/``). With
``[scan] ocr = "auto"`` each picture of at least ``ocr_min_pixels`` is handed to the image
extractor as a member of the package (``word/media/image1.jpeg``), so its text is OCR'd under the
file's ``ocr_max_pages`` budget and its findings name the picture. Smaller pictures (logos,
icons, bullets) and vector formats (EMF/WMF) carry no scanned text and are passed over.
"""

from __future__ import annotations

from collections.abc import Iterator

from secaudit.extract.base import ExtractContext
from secaudit.extract.image.imagesize import pixels
from secaudit.extract.zipparts import ZipParts
from secaudit.model import TextChunk

PICTURE_FOLDERS = ("word/media/", "xl/media/", "ppt/media/", "pictures/")
PICTURE_TYPES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif")


def pictures(parts: ZipParts, ctx: ExtractContext) -> Iterator[TextChunk]:
    """OCR'd text of the package's pictures, each as a member (nothing when OCR is off)."""
    if ctx.limits.ocr == "off":
        return
    for name in sorted(parts.names()):
        low = name.lower()
        if not low.startswith(PICTURE_FOLDERS) or not low.endswith(PICTURE_TYPES):
            continue
        info = parts.infos[name]
        if info.file_size < 1024:
            continue  # a bullet or a spacer
        data = parts.read(name)
        if data and (pixels(data) or 0) >= ctx.limits.ocr_min_pixels:
            yield from ctx.recurse(name, data)
