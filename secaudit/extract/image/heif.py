"""HEIC/HEIF photos (what iPhones and many Android phones take) decoded for OCR.

Staff photograph documents with their phones; such a photo copied to a PC or a USB stick is a
scan like any other. Tesseract cannot read HEIF, so the photo is decoded with pillow-heif
(libheif bundled in its wheel) into an 8-bit grayscale bitmap and handed over as a PGM. A variant
pillow-heif does not decode (AVIF in recent versions) is ``unsupported``; bytes it cannot decode
are ``corrupt``.
"""

from __future__ import annotations

from secaudit.errors import CorruptError, UnsupportedError
from secaudit.extract.image.ocr import pgm_from_gray


def heif_to_pgm(data: bytes) -> tuple[bytes, int, int]:
    """``(PGM bytes, width, height)`` of a HEIF photo, in grayscale."""
    try:
        import pillow_heif
    except ImportError as exc:  # a trimmed install: say what is missing
        raise UnsupportedError(
            "HEIC/HEIF photo: no decoder installed (pillow-heif); content not examined"
        ) from exc
    if not pillow_heif.is_supported(data):
        raise UnsupportedError(
            "HEIF/AVIF variant this decoder does not read (pillow-heif); content not examined"
        )
    try:
        photo = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        gray = photo.to_pillow().convert("L")
    except (ValueError, RuntimeError, OSError, SyntaxError) as exc:
        raise CorruptError(f"HEIC/HEIF photo cannot be decoded: {exc}") from exc
    width, height = gray.size
    return pgm_from_gray(width, height, width, gray.tobytes()), width, height
