"""The detector contract."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar, Protocol

from secaudit.model import Finding, TextChunk

OCR_NOTE = "由OCR从扫描图像识别，请核对原件"
"""Note of a finding made in text read by OCR (a misread is possible; check the original)."""


def with_ocr_note(note: str | None, ocr: bool) -> str | None:
    """``note`` extended by :data:`OCR_NOTE` when the text came from OCR."""
    if not ocr:
        return note
    return f"{note}；{OCR_NOTE}" if note else OCR_NOTE


class Detector(Protocol):
    """A detector turns the chunks of one file (all its members) into findings."""

    id: ClassVar[str]
    """Stable id. Choose carefully: policies, ledgers and reports refer to it."""
    version: ClassVar[str]
    """Bump when results change; part of the incremental-cache key."""
    gate: str | None
    """A pattern (the syntax Python's ``re`` and Hyperscan share) every finding of this detector
    needs somewhere in the file's text, or ``None``: :mod:`secaudit.detect.prefilter` skips the
    detector when it does not match. It must be a superset of what the detector can find."""

    def analyze(self, chunks: Sequence[TextChunk]) -> Iterator[Finding]: ...
