"""Recomputing the ledger's hash chain from the rows' content, never trusting stored hashes.

``recompute`` walks every row in seq order and rebuilds the chain from ``seq, ts, kind, data``
alone. It names the first row where the stored columns disagree (a missing seq, a ``prev`` or
``hash`` that does not match, data that is not canonical JSON) and goes on, so the head and the
hashes it returns are those of the content as it stands: a report built from them never shows a
clean range over an edited ledger.

What this cannot see: rows cut off the end of the chain, or a chain rebuilt as a whole without
some events. Those are caught from outside only, by comparing the ledger head ``(seq, hash)`` a
report (or the forwarded log) carried earlier with what a later report says (``checkpoints``).

Example::

    >>> state = recompute(rows, want={100})     # rows: (seq, ts, kind, data_text, prev, hash)
    >>> state.intact, state.head_seq, state.hashes[100]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from secaudit.ledger.chain import GENESIS, canonical_json


@dataclass
class ChainState:
    """The chain recomputed from the rows' content."""

    count: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    first_bad_seq: int | None = None
    problem: str | None = None
    hashes: dict[int, str] = field(default_factory=dict)
    """Recomputed hash of the chain after each wanted seq (the last row at or before it)."""

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None

    def hash_at(self, seq: int) -> str:
        """Recomputed hash after ``seq`` (a wanted seq, or the head; ``GENESIS`` for 0)."""
        if seq <= 0:
            return GENESIS
        if seq >= self.head_seq:
            return self.head_hash
        return self.hashes[seq]

    def to_json(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "events": self.count,
            "first_bad_seq": self.first_bad_seq,
            "problem": self.problem,
        }


Row = tuple[int, str, str, str, str, str]


def recompute(rows: Iterable[Row], want: Iterable[int] = ()) -> ChainState:
    """Rebuild the chain over ``rows`` (in seq order); see the module docstring."""
    state = ChainState()
    pending = sorted({s for s in want if s > 0}, reverse=True)
    prev = GENESIS
    expected = 1
    for seq, ts, kind, data, row_prev, row_hash in rows:
        while pending and pending[-1] < seq:
            state.hashes[pending.pop()] = prev
        digest = row_digest(prev, seq, ts, kind, data)
        if digest != row_hash or seq != expected or row_prev != prev:
            problem = _problem(seq, expected, data, row_prev, prev)
            if state.first_bad_seq is None:
                state.first_bad_seq = min(seq, expected)
                state.problem = problem
        prev = digest
        expected = seq + 1
        state.count += 1
        state.head_seq = seq
    while pending:
        state.hashes[pending.pop()] = prev
    state.head_hash = prev
    return state


def row_digest(prev: str, seq: int, ts: str, kind: str, data: str) -> str:
    """:func:`~secaudit.ledger.chain.event_hash` of a stored row, built from its ``data`` text as
    stored: the same hash when that text is canonical JSON (as ``append`` writes it), a different
    one for any other text — so the check needs no JSON decoding (~10x faster over a long ledger).
    Keys in canonical (sorted) order: data, kind, seq, ts."""
    body = (
        f'{{"data":{data},"kind":{json.dumps(kind, ensure_ascii=False)},'
        f'"seq":{seq},"ts":{json.dumps(ts, ensure_ascii=False)}}}'
    )
    return hashlib.sha256(bytes.fromhex(prev) + body.encode("utf-8")).hexdigest()


def _problem(seq: int, expected: int, data: str, row_prev: str, prev: str) -> str:
    problem, _value = _check_row(seq, expected, data, row_prev, prev)
    return problem or f"seq {seq}: hash does not match its content"


def _check_row(
    seq: int, expected: int, data: str, row_prev: str, prev: str
) -> tuple[str | None, Any]:
    problem = None
    if seq != expected:
        problem = f"seq {expected} is missing (next row is {seq})"
    elif row_prev != prev:
        problem = f"seq {seq}: prev does not match the hash of seq {seq - 1}"
    try:
        value = json.loads(data)
    except ValueError:
        return problem or f"seq {seq}: data is not valid JSON", data
    if problem is None and canonical_json(value) != data:
        problem = f"seq {seq}: hash does not match its content"
    return problem, value
