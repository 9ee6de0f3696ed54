"""The detector contract."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar, Protocol

from secaudit.model import Finding, TextChunk


class Detector(Protocol):
    """A detector turns the chunks of one file (all its members) into findings."""

    id: ClassVar[str]
    """Stable id. Choose carefully: policies, ledgers and reports refer to it."""
    version: ClassVar[str]
    """Bump when results change; part of the incremental-cache key."""

    def analyze(self, chunks: Sequence[TextChunk]) -> Iterator[Finding]: ...
