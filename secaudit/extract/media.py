"""Files that carry no extractable text: images, executables, empty files.

Images are reported (``unsupported``): a scanned secret document is an image, and secaudit has no
OCR, so the officer must know the file's content was not examined. Other binaries and empty files
yield nothing beyond their file name, which is checked like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from secaudit.errors import UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.model import TextChunk


def extract_image(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    raise UnsupportedError("image without a text layer; content not examined (no OCR)")
    yield  # pragma: no cover


def extract_binary(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    return iter(())


def extract_empty(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    return iter(())
