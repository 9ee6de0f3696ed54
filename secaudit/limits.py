"""Resource limits of a scan: how much one file, container and member may cost.

Shared core: the config reads them, extraction and the scan workers enforce them.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits of one scan; each breach is an error record, never a silent pass."""

    max_file_size: int = 512 * MiB
    """Files larger than this are not read (reason ``too_large``)."""
    max_container_bytes: int = 1024 * MiB
    """Uncompressed bytes read out of one top-level file, all members together (``limit``)."""
    max_member_size: int = 256 * MiB
    """One container member larger than this is not read (``too_large``)."""
    max_depth: int = 6
    """Nesting depth of containers (zip in zip in mail …) (``limit``)."""
    max_members: int = 20000
    """Members read from one container (``limit``)."""
    max_ratio: float = 200.0
    """Largest uncompressed/compressed ratio of one member (zip bombs) (``limit``)."""
    file_timeout: float = 120.0
    """Seconds one file may take; the worker is killed after that (``timeout``)."""
    max_text_chars: int = 64 * MiB
    """Characters of text kept from one file; the rest is not examined (``limit``)."""
    ocr: str = "off"
    """OCR of scanned images: ``off`` or ``auto`` (image files, image-only PDF pages). Off here so
    library callers opt in; the product default is ``ScanConfig.ocr = "auto"``."""
    ocr_max_pages: int = 10
    """Images and image-only pages OCR'd per file (members included); later ones are reported
    ``unsupported``."""
    ocr_min_pixels: int = 20_000
    """Images with fewer pixels (icons up to 128×128) are not OCR'd (``unsupported``); a seal of
    150×150 or a 560×70 banner still is."""
    ocr_cache: str = ""
    """SQLite file of OCR verdicts for images without text, shared by the workers
    (:mod:`secaudit.extract.image.ocr_verdicts`: digests and verdicts only, never OCR'd text);
    empty: no such cache."""
