"""Value types shared by every pipeline stage: what the scan reads, finds and judges.

Everything that crosses a stage boundary is a frozen dataclass or a ``str`` enum whose values are
the ids of the contracts in DESIGN.md (levels, channels, host roles, locations, error reasons;
defined in :mod:`secaudit.ids`, re-exported here). ``to_json()`` methods produce exactly the
contract's JSON shapes. The context a file is judged in (:class:`~secaudit.context.ScanContext`,
its medium and mail) is in :mod:`secaudit.context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from secaudit.ids import (
    INFO_TYPE_CLASS,
    Channel,
    Confidence,
    ErrorReason,
    HostRole,
    Level,
    Location,
    Severity,
)
from secaudit.sensitive import mask_text
from secaudit.textsafe import readable_name

__all__ = [
    "Channel",
    "Confidence",
    "ErrorReason",
    "ExtractError",
    "FileResult",
    "Finding",
    "HostRole",
    "Level",
    "Location",
    "Severity",
    "TextChunk",
    "Violation",
]


def shown_path(path: str) -> str:
    """A path as every output writes it: readable (GBK names decoded) and masked."""
    return mask_text(readable_name(path))


def _mask_opt(text: str | None) -> str | None:
    return mask_text(text) if text else text


def _by_fields(self: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle a slotted dataclass as a call of its constructor with its fields in order: results
    cross from worker processes to the scan by the thousand, and the dataclass state protocol
    (``fields()`` on every load) costs several times more."""
    return type(self), tuple(getattr(self, name) for name in self.__slots__)


@dataclass(frozen=True, slots=True)
class TextChunk:
    """A piece of text an extractor read from a file or one of its members."""

    text: str
    """The text, already decoded; paragraphs/lines separated by ``\\n``."""
    location: Location = Location.BODY
    """Where in the document the text stands."""
    member: str | None = None
    """Path inside the container (``a.zip/b.docx``); ``None`` for the file itself."""
    index: int = 0
    """Ordinal of this chunk among the chunks of the same member and location (0 = first).
    For a PDF/OFD it counts pages, for word processors paragraphs/blocks."""
    key: str | None = None
    """For properties: the property name (``密级``, ``keywords``, ``title``); for sheet cells the
    sheet name; otherwise ``None``."""
    standalone: bool = False
    """True when the extractor knows the text stands on its own (a table cell, a text box, a
    paragraph of its own); detectors may treat such a chunk as a line of its own."""
    ocr: bool = False
    """True when the text was read by OCR from an image (a scan): findings in it say so."""


@dataclass(frozen=True, slots=True)
class ExtractError:
    """A file or member that could not be (fully) read, with the contract's reason."""

    reason: ErrorReason
    detail: str
    member: str | None = None

    __reduce__ = _by_fields

    def to_json(self) -> dict[str, Any]:
        return {"member": self.member, "reason": self.reason.value, "detail": self.detail}

    def masked(self) -> ExtractError:
        return ExtractError(self.reason, mask_text(self.detail), _mask_opt(self.member))


@dataclass(frozen=True, slots=True)
class Finding:
    """One detector result. Never holds a full sensitive value, only a masked sample."""

    kind: str
    """``marking`` or ``info_type``."""
    location: Location
    member: str | None
    confidence: Confidence
    detector: str
    """Stable id of the detector that made the finding."""
    level: Level | None = None
    text: str | None = None
    """For markings: the marking as written (``机密★10年``)."""
    period: str | None = None
    type: str | None = None
    """For info types: the info-type id (``cn_resident_id`` …)."""
    count: int = 0
    """For info types: number of distinct valid values."""
    sample: str | None = None
    """For info types: one masked value."""
    note: str | None = None
    """Free remark, e.g. that a marking's form is non-standard."""

    __reduce__ = _by_fields

    @property
    def jrt_class(self) -> str | None:
        """JR/T 0171-2020 class (``C1``/``C2``/``C3``) of an info-type finding's type."""
        return INFO_TYPE_CLASS.get(self.type or "") if self.kind == "info_type" else None

    def to_json(self) -> dict[str, Any]:
        if self.kind == "marking":
            out: dict[str, Any] = {
                "kind": "marking",
                "level": self.level.value if self.level else None,
                "text": self.text,
                "period": self.period,
                "location": self.location.value,
                "member": self.member,
                "confidence": self.confidence.value,
            }
        else:
            out = {
                "kind": self.kind,
                "type": self.type,
                "count": self.count,
                "sample": self.sample,
                "location": self.location.value,
                "member": self.member,
                "confidence": self.confidence.value,
            }
            if self.jrt_class:
                out["jrt_class"] = self.jrt_class  # optional key, added in the same schema
        if self.note:
            out["note"] = self.note
        return out

    def masked(self) -> Finding:
        """This finding with every free string masked (:func:`secaudit.sensitive.mask_text`)."""
        return Finding(
            self.kind,
            self.location,
            _mask_opt(self.member),
            self.confidence,
            self.detector,
            self.level,
            _mask_opt(self.text),
            _mask_opt(self.period),
            self.type,
            self.count,
            self.sample,
            _mask_opt(self.note),
        )


@dataclass(frozen=True, slots=True)
class FileResult:
    """Everything the scan learned about one file (members included)."""

    path: str
    size: int
    sha256: str
    format: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[ExtractError, ...] = ()
    mtime_ns: int = 0
    members: tuple[str, ...] = ()
    """Container members read (for coverage); not part of the JSON contract."""

    __reduce__ = _by_fields

    @property
    def classification(self) -> Level:
        return Level.highest(f.level for f in self.findings if f.kind == "marking")

    def member_classification(self, member: str | None) -> Level:
        return Level.highest(
            f.level for f in self.findings if f.kind == "marking" and f.member == member
        )

    def info_counts(self) -> dict[str, int]:
        """Distinct valid values per info type, summed over locations and members."""
        counts: dict[str, int] = {}
        for f in self.findings:
            if f.kind == "info_type" and f.type:
                counts[f.type] = counts.get(f.type, 0) + f.count
        return counts

    def masked(self) -> FileResult:
        """This result as it may leave a worker: every finding, error and member name masked
        (the path stays as it is: it names the file to open; outputs mask it when written)."""
        if not (self.findings or self.errors or self.members):
            return self  # most files: nothing to mask
        return FileResult(
            self.path,
            self.size,
            self.sha256,
            self.format,
            tuple(f.masked() for f in self.findings),
            tuple(e.masked() for e in self.errors),
            self.mtime_ns,
            tuple(mask_text(m) for m in self.members),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "path": shown_path(self.path),
            "size": self.size,
            "sha256": self.sha256,
            "format": self.format,
            "classification": self.classification.value,
            "findings": [f.to_json() for f in self.findings],
            "errors": [e.to_json() for e in self.errors],
        }


@dataclass(frozen=True, slots=True)
class Violation:
    """A policy rule broken by a file, a medium or the host."""

    rule: str
    severity: Severity
    title: str
    channel: Channel
    basis: str
    remedy: str
    path: str | None = None
    member: str | None = None
    level: Level | None = None
    detail: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    """Extra evidence (medium serial, recipients …); not part of the scan JSON contract."""

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "title": self.title,
            "path": shown_path(self.path) if self.path else self.path,
            "member": _mask_opt(self.member),
            "channel": self.channel.value,
            "level": self.level.value if self.level else None,
            "basis": self.basis,
            "remedy": self.remedy,
        }
