"""Compiled passes over a file's text that say which detectors can find anything in it.

Much office text holds no C3 label and no digit run a card, ID, mobile or credit code could
be (a level word such as 内部 is common). Each detector names, as :attr:`gate`, a pattern that
every one of its findings needs somewhere in the file's text (a superset: the detector still
applies its own rules). :class:`Prefilter` compiles each gate into a Hyperscan database and
scans the text in native code, each gate until its first match (~30 µs for 30 KB of Chinese
text, its UTF-8 encoding included), so a detector whose gate does not match is not run at all;
Python's ``re`` needs 10–20 ns a character for each such pattern (docs/benchmarks.md, issue 18).

Without the ``hyperscan`` wheel (a platform it is not built for) or when a gate does not compile,
:func:`prefilter_for` returns ``None`` and every detector runs: the result is the same, only
slower. ``tests/detect/test_prefilter.py`` checks that gated and ungated detection agree.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from secaudit.detect.hsdb import compiled
from secaudit.model import TextChunk

try:  # pragma: no cover - exercised by the import itself
    import hyperscan as _hs
except ImportError:  # pragma: no cover - no wheel for this platform
    _hs = None

_FLAGS = ("HS_FLAG_UTF8", "HS_FLAG_SINGLEMATCH", "HS_FLAG_CASELESS")
"""No ``HS_FLAG_UCP``: every gate spells out its non-ASCII characters; caseless is for ASCII."""


class Prefilter:
    """The gates of some detectors, compiled; :meth:`present` scans the text once per gate.

    One database per gate, not one for all: a scan stops at its gate's first match, and the
    marking gate mostly matches early (bank prose names 内部), while one database holding it
    beside the number gates runs its automaton to the end of the text (30 KB of Chinese text:
    ~28 µs for three databases, ~44 µs for one; compiling them is faster too).
    """

    def __init__(self, gates: dict[str, str]) -> None:
        if _hs is None:
            raise RuntimeError("hyperscan is not installed")
        self.ids = list(gates)
        flags = 0
        for name in _FLAGS:
            flags |= getattr(_hs, name)
        self._dbs = []
        for gate_id in self.ids:
            self._dbs.append(compiled(_hs, [gates[gate_id].encode()], [0], [flags]))
        self._local = threading.local()

    def present(self, texts: Iterable[str]) -> set[str]:
        """Ids of the gates that match somewhere in ``texts`` (joined by newlines)."""
        data = "\n".join(texts).encode("utf-8", "replace")  # a lone surrogate: "?"
        found: set[str] = set()
        for gate_id, db, scratch in zip(self.ids, self._dbs, self._scratches(), strict=True):
            try:
                db.scan(data, match_event_handler=_stop, scratch=scratch)
            except _hs.ScanTerminated:  # the gate matched: its scan stopped there
                found.add(gate_id)
        return found

    def _scratches(self) -> list[Any]:
        scratches = getattr(self._local, "scratches", None)
        if scratches is None:  # one per thread: a scratch space must not be shared while scanning
            scratches = self._local.scratches = [_hs.Scratch(db) for db in self._dbs]
        return scratches


def _stop(_gate: int, _start: int, _end: int, _flags: int, _ctx: Any) -> bool:
    return True  # the first match answers the question: stop this gate's scan


@lru_cache(maxsize=16)
def _compiled(gates: tuple[tuple[str, str], ...]) -> Prefilter | None:
    try:
        return Prefilter(dict(gates))
    except Exception as exc:  # noqa: BLE001 - no hyperscan, or a gate it cannot compile
        logging.getLogger(__name__).warning(
            "native prefilter unavailable (%s): every detector runs on every file", exc
        )
        return None


def _gate(detector: object) -> str | None:
    gate = getattr(detector, "gate", None)
    return gate if isinstance(gate, str) and gate else None


def prefilter_for(detectors: Sequence[Any]) -> Prefilter | None:
    """The prefilter for the gates of ``detectors`` (``None``: run them all)."""
    gates = tuple((str(d.id), g) for d in detectors if (g := _gate(d)) is not None)
    return _compiled(gates) if gates else None


def runnable(chunks: Sequence[TextChunk], detectors: Sequence[Any]) -> list[Any]:
    """The detectors that can find something in ``chunks``: those without a gate, and those
    whose gate matches the chunks' text."""
    pf = prefilter_for(detectors)
    if pf is None:
        return list(detectors)
    present = pf.present(c.text for c in chunks)
    return [d for d in detectors if _gate(d) is None or d.id in present]
