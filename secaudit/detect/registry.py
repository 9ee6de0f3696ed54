"""Built-in detectors and the function that runs them over one file's chunks."""

from __future__ import annotations

from collections.abc import Sequence

from secaudit.detect.base import Detector
from secaudit.detect.prefilter import runnable
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Finding, TextChunk


def build_detectors(vocabulary: Vocabulary | None = None) -> tuple[Detector, ...]:
    """The built-in detectors, configured with the policy's marking vocabulary."""
    from secaudit.detect.authinfo import AuthInfoDetector
    from secaudit.detect.infotypes import InfoTypeDetector
    from secaudit.detect.markings import MarkingDetector

    return (
        MarkingDetector(vocabulary or Vocabulary.default()),
        InfoTypeDetector(),
        AuthInfoDetector(),
    )


DETECTOR_VERSIONS = (("marking", "13"), ("info_type", "7"), ("auth_info", "4"))
"""Ids and versions of :func:`build_detectors`' detectors, known without importing them (a
rescan served from the cache never compiles a pattern); a test keeps it equal to the classes'."""


def detectors_version(vocabulary: Vocabulary | None = None) -> str:
    """Cache-key component: ids and versions of the built-in detectors plus the vocabulary."""
    parts = [f"{i}@{v}" for i, v in DETECTOR_VERSIONS]
    parts.append((vocabulary or Vocabulary.default()).fingerprint())
    return ";".join(parts)


def detect(chunks: Sequence[TextChunk], detectors: Sequence[Detector]) -> list[Finding]:
    """Run every detector over the chunks of one file; findings de-duplicated, order kept."""
    seen: set[Finding] = set()
    out: list[Finding] = []
    for det in runnable(chunks, detectors):  # one native pass decides which can find anything
        for f in det.analyze(chunks):
            if f not in seen:
                seen.add(f)
                out.append(f)
    return out
