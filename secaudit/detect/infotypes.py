"""Sensitive info-type detector (id ``info_type``): resident IDs, bank cards, mobiles, USCCs.

One guarded regex pass per (member, location) finds every number candidate — plain runs,
4-digit groups, ``+86``/dashed mobiles, 18-character credit codes — never inside a longer digit
run nor glued to ASCII letters; each candidate is then confirmed by a validator of
:mod:`secaudit.detect.validators`. A finding per (member, location, type) counts the distinct
valid values and carries one masked sample. Confidence is ``medium`` (pattern + checksum) or
``high`` when a keyword of that type stands within :data:`KEYWORD_WINDOW` characters (or in the
first rows of the same sheet), as Microsoft Purview does for its China resident ID type.

Where candidates stand is :mod:`secaudit.detect.numbercandidates`, which are which type
:mod:`secaudit.detect.infoclass`, the keywords :mod:`secaudit.detect.infokeywords`. To add a type:
a validator + mask in ``validators.py``, a branch in ``infoclass._validate``, keywords in
``infokeywords.KEYWORDS``, and table rows in ``tests/detect/test_infotypes.py``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import ClassVar

from secaudit.detect.base import with_ocr_note
from secaudit.detect.infoclass import (
    CONTEXT_CHARS,
    MASKS,
    MAYBE_VALID_RUN,
    TYPE_ORDER,
    labelled,
    validated,
    vetoed,
)
from secaudit.detect.infokeywords import KEYWORD_RE, keyword_matches, keyword_type
from secaudit.detect.numbercandidates import (
    ANY_DIGIT_RUN,
    RAW_QUICK,
    Candidate,
    candidates,
    half_width,
)
from secaudit.detect.tables import row_separator, split_rows
from secaudit.model import Confidence, Finding, Location, TextChunk

KEYWORD_WINDOW = 300
SHEET_HEADER_ROWS = 3


class InfoTypeDetector:
    """Counts validated sensitive values per (member, location, type)."""

    id: ClassVar[str] = "info_type"
    version: ClassVar[str] = "7"  # 6: allocated mobile ranges, no Message-ID; 7: long CSV values
    gate: ClassVar[str] = RAW_QUICK.pattern
    """Every candidate contains a :data:`RAW_QUICK` match (before width folding)."""

    def analyze(self, chunks: Sequence[TextChunk]) -> Iterator[Finding]:
        groups: dict[tuple[str | None, Location], list[TextChunk]] = {}
        filename, prop = Location.FILENAME, Location.PROPERTY
        for chunk in split_rows(chunks)[1]:  # table rows, tab-separated like sheet rows
            location = chunk.location
            if location is filename or (location is prop and _machine_id(chunk)):
                continue
            group = groups.get((chunk.member, location))
            if group is None:
                group = groups[chunk.member, location] = []
            group.append(chunk)
        for (member, location), group in groups.items():
            yield from self._analyze_group(member, location, group)

    def _analyze_group(
        self, member: str | None, location: Location, chunks: list[TextChunk]
    ) -> Iterator[Finding]:
        text, starts = _join(chunks)
        if not text:
            return  # every candidate holds at least 3 digits in a row
        values: dict[str, dict[str, int]] = {}  # type -> value -> first offset
        columns = _Columns(text)
        for m in candidates(text, MAYBE_VALID_RUN):  # not the runs no validator takes
            hit = validated(m.group, m.raw)
            if hit is None:
                continue  # the most common candidate: an account or serial number of no type
            line_start = text.rfind("\n", 0, m.start) + 1
            context = text[max(line_start, m.start - CONTEXT_CHARS) : m.start]
            hit = labelled(hit, context)
            if hit and hit[0] in ("cn_mobile", "bank_card") and _in_row(text, line_start, m):
                if vetoed(hit[0], "", columns.header_of(line_start, m.start)):
                    continue
            if hit:
                values.setdefault(hit[0], {}).setdefault(hit[1], m.start)
        if not values:
            return
        keywords = _keyword_offsets(text)
        header_types = _sheet_header_types(chunks)
        for typ in TYPE_ORDER:
            found = values.get(typ)
            if not found:
                continue
            high = _near(keywords.get(typ, []), found.values()) or any(
                typ in header_types.get(chunks[_chunk_at(starts, off)].key, ())
                for off in found.values()
            )
            yield Finding(
                kind="info_type",
                location=location,
                member=member,
                confidence=Confidence.HIGH if high else Confidence.MEDIUM,
                detector=self.id,
                type=typ,
                count=len(found),
                sample=MASKS[typ](next(iter(found))),
                note=with_ocr_note(
                    None, any(chunks[_chunk_at(starts, off)].ocr for off in found.values())
                ),
            )


MACHINE_ID_KEYS = frozenset(
    {"message-id", "in-reply-to", "references", "resent-message-id", "content-id", "thread-index"}
)
"""Property keys whose values are machine identifiers (``<13912345678@host>``), never contact
data: no info type is read in them."""


def _machine_id(chunk: TextChunk) -> bool:
    return chunk.location is Location.PROPERTY and (chunk.key or "").lower() in MACHINE_ID_KEYS


def _in_row(text: str, line_start: int, m: Candidate) -> bool:
    """The candidate is a cell of a tab-separated row, a CSV row or a Markdown pipe row."""
    if text.find("\t", line_start, m.start) >= 0 or text.startswith("\t", m.end):
        return True
    end = text.find("\n", m.end)
    line = text[line_start : end if end >= 0 else len(text)]
    return ("," in line or "|" in line) and row_separator(line) is not None


class _Columns:
    """Column headers of tab-separated rows (sheet rows, exported tables), built on first use:
    the header of a cell is the cell in the same column of the nearest row above that holds
    no digit run (``账号`` above 11-digit account numbers, ``交易流水号`` above serials)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None
        self.cells: list[tuple[str, list[str]]] = []

    def header_of(self, line_start: int, offset: int) -> str:
        starts = self.starts if self.starts is not None else self._index()
        i = bisect.bisect_right(starts, line_start - 1) - 1
        if i < 0:
            return ""
        sep, cells = self.cells[i]
        column = self.text.count(sep, line_start, offset)
        return cells[column] if column < len(cells) else ""

    def _index(self) -> list[int]:
        self.starts = []
        pos = 0
        for line in self.text.split("\n"):
            sep = row_separator(line) if not ANY_DIGIT_RUN.search(line) else None
            if sep is not None and line.strip(" \t|:-"):  # not a Markdown rule row |---|
                self.starts.append(pos)
                self.cells.append((sep, line.split(sep)))
            pos += len(line) + 1
        return self.starts


def _join(chunks: list[TextChunk]) -> tuple[str, list[int]]:
    texts = [c.text for c in chunks]
    # chunk i starts after the leading newline and the texts before it, each with its newline
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=1)) if texts else []
    # a leading newline keeps every lookbehind of CANDIDATE inside the string
    text = "\n" + "\n".join(texts)
    if not RAW_QUICK.search(text):
        return "", starts  # no candidate possible: skip the (costly) width folding
    return half_width(text), starts


def _chunk_at(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset) - 1


def _keyword_offsets(text: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for start, word in keyword_matches(text):
        out.setdefault(keyword_type(word), []).append(start)
    return out


def _near(keyword_offsets: list[int], value_offsets: Iterable[int]) -> bool:
    if not keyword_offsets:
        return False
    for off in value_offsets:
        i = bisect.bisect_left(keyword_offsets, off)
        for j in (i - 1, i):
            if 0 <= j < len(keyword_offsets) and abs(keyword_offsets[j] - off) <= KEYWORD_WINDOW:
                return True
    return False


def _sheet_header_types(chunks: list[TextChunk]) -> dict[str | None, set[str]]:
    """Types named by keywords in the first rows of each sheet (column headers)."""
    out: dict[str | None, set[str]] = {}
    rows: dict[str, int] = {}
    body = Location.BODY
    for c in chunks:
        if c.key is None or c.location is not body:
            continue
        seen = rows.get(c.key, 0)
        if seen >= SHEET_HEADER_ROWS:
            continue  # (its count matters no more)
        rows[c.key] = seen + 1
        for m in KEYWORD_RE.finditer(half_width(c.text)):
            out.setdefault(c.key, set()).add(keyword_type(m.group()))
    return out
