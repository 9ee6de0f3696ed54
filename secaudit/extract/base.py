"""Extraction context, limits and the extractor contract.

An extractor is a function ``extract_xxx(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]``.
It yields chunks built with :meth:`ExtractContext.chunk` (which stamps the member path), raises an
:class:`~secaudit.errors.ExtractionError` subclass when the data cannot be read (the chunks it
already yielded are kept), and hands container members to :meth:`ExtractContext.recurse`, which
sniffs, applies the limits, and records member errors without stopping the parent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from types import MemberDescriptorType

from secaudit.errors import LimitError
from secaudit.limits import Limits
from secaudit.model import ErrorReason, ExtractError, Location, TextChunk


def cell_text(text: str) -> str:
    """A table cell's text as it stands in a row line (cells of a row line are joined by tabs)."""
    return text.replace("\t", " ").replace("\n", " ")


@dataclass(slots=True)
class _Budget:
    """Mutable counters shared by a top-level file and all its members."""

    container_bytes: int = 0
    text_chars: int = 0
    deadline: float | None = None
    ocr_pages: int = 0
    """Images and pages OCR'd so far (``Limits.ocr_max_pages`` applies to the whole file)."""


Dispatcher = Callable[["ExtractContext", bytes, str], Iterator[TextChunk]]

_CHUNK_FIELDS = ("text", "location", "member", "index", "key", "standalone", "ocr")


def _chunk_maker() -> Callable[[str, Location, str | None, int, str | None, bool, bool], TextChunk]:
    """``TextChunk(text, location, member, index, key, standalone, ocr)``, built by setting its
    slots directly: the frozen dataclass's ``__init__`` calls ``object.__setattr__`` once per
    field (~0.8 µs a chunk, and a sheet gives one chunk per row). The same object, equal and of
    equal hash (``tests/extract/test_base.py``); the class itself when it is no longer the
    seven slots in this order without ``__post_init__``."""
    slots = [TextChunk.__dict__.get(name) for name in _CHUNK_FIELDS]
    if (
        tuple(f.name for f in fields(TextChunk)) != _CHUNK_FIELDS
        or hasattr(TextChunk, "__post_init__")
        or not all(isinstance(slot, MemberDescriptorType) for slot in slots)
    ):
        return TextChunk
    new = object.__new__
    setters = [slot.__set__ for slot in slots]  # type: ignore[union-attr]
    text_, location_, member_, index_, key_, standalone_, ocr_ = setters

    def make(
        text: str,
        location: Location,
        member: str | None,
        index: int,
        key: str | None,
        standalone: bool,
        ocr: bool,
    ) -> TextChunk:
        chunk = new(TextChunk)
        text_(chunk, text)
        location_(chunk, location)
        member_(chunk, member)
        index_(chunk, index)
        key_(chunk, key)
        standalone_(chunk, standalone)
        ocr_(chunk, ocr)
        return chunk

    return make


make_chunk = _chunk_maker()


@dataclass(slots=True)
class ExtractContext:
    """State of one extraction: limits, member path, depth, error sink and shared budget."""

    limits: Limits = field(default_factory=Limits)
    member: str | None = None
    """Member path of the data being extracted (``None`` for the top-level file)."""
    depth: int = 0
    name: str = ""
    """Base name of the data being extracted (file or member), a hint for extractors."""
    errors: list[ExtractError] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    """Every member handed to :meth:`recurse` (coverage)."""
    formats: dict[str, str] = field(default_factory=dict)
    """Sniffed format per member path."""
    budget: _Budget = field(default_factory=_Budget)
    dispatch: Dispatcher | None = None
    """Set by the registry: sniff + extract of member data."""

    def chunk(
        self,
        text: str,
        location: Location = Location.BODY,
        *,
        index: int = 0,
        key: str | None = None,
        standalone: bool = False,
        ocr: bool = False,
    ) -> TextChunk:
        """A chunk of this context's member; counts characters against ``max_text_chars``."""
        budget = self.budget
        budget.text_chars += len(text)
        if budget.text_chars > self.limits.max_text_chars:
            raise LimitError(
                f"more than {self.limits.max_text_chars} characters of text; rest not examined"
            )
        return make_chunk(text, location, self.member, index, key, standalone, ocr)

    def member_path(self, name: str) -> str:
        """Path of a member of the current data, nested containers joined with ``/``."""
        name = name.replace("\\", "/").strip("/") or "(unnamed)"
        return f"{self.member}/{name}" if self.member else name

    def error(self, reason: ErrorReason | str, detail: str, member: str | None = None) -> None:
        """Record that something could not be read; ``member`` defaults to this context's."""
        self.errors.append(
            ExtractError(
                reason=ErrorReason(reason),
                detail=detail,
                member=member if member is not None else self.member,
            )
        )

    def charge(self, nbytes: int) -> None:
        """Count ``nbytes`` of uncompressed member data; raise when over budget."""
        self.budget.container_bytes += nbytes
        if self.budget.container_bytes > self.limits.max_container_bytes:
            raise LimitError(
                f"more than {self.limits.max_container_bytes} bytes unpacked from this file"
            )

    def check_time(self) -> None:
        """Raise a ``timeout`` error when the file's deadline has passed (cooperative check)."""
        if self.budget.deadline is not None and time.monotonic() > self.budget.deadline:
            raise LimitError("time limit for this file reached", reason="timeout")

    def recurse(self, name: str, data: bytes) -> Iterator[TextChunk]:
        """Extract a container member: filename chunk, limits, sniff, extract, errors recorded.

        Never raises :class:`ExtractionError` for the member's own problems: they become error
        records with the member path, and the parent goes on with its next member.
        """
        if self.dispatch is None:  # pragma: no cover - registry always sets it
            raise RuntimeError("ExtractContext.dispatch not set")
        path = self.member_path(name)
        self.members.append(path)
        child = ExtractContext(
            limits=self.limits,
            member=path,
            depth=self.depth + 1,
            errors=self.errors,
            members=self.members,
            formats=self.formats,
            budget=self.budget,
            dispatch=self.dispatch,
        )
        leaf = path.rsplit("/", 1)[-1]
        yield child.chunk(leaf, Location.FILENAME)
        if child.depth > self.limits.max_depth:
            self.error(
                ErrorReason.LIMIT, f"nesting deeper than {self.limits.max_depth}", member=path
            )
            return
        yield from self.dispatch(child, data, leaf)
