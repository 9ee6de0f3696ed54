"""Shared helpers of the held-out rounds' tests (test_round5.py, test_round6.py): the detectors,
a filler body, the marks and the file's level of extracted chunks, a plain-text file."""

from __future__ import annotations

from secaudit.detect.registry import build_detectors, detect
from secaudit.model import Finding, Level, TextChunk
from tests.detect.layout_builders import FILLER, extracted

DETECTORS = build_detectors()
BODY = "\n".join(FILLER)


def marks(chunks: list[TextChunk]) -> list[Finding]:
    return [f for f in detect(chunks, DETECTORS) if f.kind == "marking"]


def level(chunks: list[TextChunk]) -> str:
    found = [f.level for f in marks(chunks) if f.level]
    return Level.highest(found).value


def txt(text: str, encoding: str = "utf-8") -> list[TextChunk]:
    return extracted(text.encode(encoding), "通知.txt")
