"""The lines of a text that hold a level word, found in one native pass (Hyperscan).

The marking detector reads only lines that name a level word (:meth:`.markwraps.WrappedLines.
naming_lines`). CPython's ``re`` needs ~7 ns a character to find every hit of the level-word
alternation in Chinese prose (30 KB: ~65 µs); Hyperscan scans the UTF-8 text in ~15 µs and the
line of each hit is the count of line feeds before it. The result is the same set of lines:
the pattern is the grammar's own hit pattern, which never spans a line feed, so every match
Hyperscan reports lies on the line of a match ``re.finditer`` finds, and the other way round.
Only for vocabularies without cased letters (Hyperscan folds ASCII case only, Python's
``IGNORECASE`` folds more: ``K`` U+212A, full-width ``Ｓ``), which the caller checks; otherwise,
or without the ``hyperscan`` wheel, the caller uses ``re``. Extra patterns compiled beside the
hit pattern report their lines from the same pass (the marking detector's supersets of the lines
a declaration could be read on: :class:`.markwraps.LineFacts`); the database is kept between
starts (:mod:`.hsdb`).
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from typing import Any

from secaudit.detect.hsdb import compiled

try:  # pragma: no cover - exercised by the import itself
    import hyperscan as _hs
except ImportError:  # pragma: no cover - no wheel for this platform
    _hs = None


_UNSAFE = re.compile(r"\n|\\[sSnWDpP?]|\[\^|(?<!\\)\.")
"""What may match a line feed (a line feed, ``\\s``, ``\\S``, ``\\n``, a negated class, a
dot) or the ``?`` a lone surrogate is encoded as: such a pattern is left to ``re``."""


class HitLines:
    """A compiled hit pattern, with optional *superset* patterns beside it; :meth:`scan` gives
    the indices of the lines each one matches, all from one pass."""

    def __init__(self, pattern: str, extra: tuple[tuple[str, bool], ...] = ()) -> None:
        if _hs is None:
            raise RuntimeError("hyperscan is not installed")
        if _UNSAFE.search(pattern):
            raise ValueError("the hit pattern may span a line feed or match a replaced character")
        exprs = [pattern.replace("\\u3000", "\\x{3000}"), *(p for p, _m in extra)]
        flags = [_hs.HS_FLAG_UTF8]
        flags += [_hs.HS_FLAG_UTF8 | (_hs.HS_FLAG_MULTILINE if m else 0) for _p, m in extra]
        self._db = compiled(_hs, [e.encode() for e in exprs], list(range(len(exprs))), flags)
        self._count = len(exprs)
        self._local = threading.local()

    def scan(self, text: str) -> list[set[int]]:
        """For the hit pattern and each extra pattern, the indices of the ``\\n``-separated
        lines of ``text`` where a match ends (an extra pattern must not span a line feed)."""
        data = text.encode("utf-8", "replace")  # a lone surrogate: "?", never a hit
        ends: list[tuple[int, int]] = []

        def found(pattern: int, _start: int, end: int, _flags: int, _ctx: Any) -> None:
            ends.append((end, pattern))

        self._db.scan(data, match_event_handler=found, scratch=self._scratch())
        out: list[set[int]] = [set() for _ in range(self._count)]
        line = prev = 0
        for end, pattern in sorted(ends):
            line += data.count(b"\n", prev, end)
            prev = end
            out[pattern].add(line)
        return out

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:  # one per thread: a scratch space must not be shared while scanning
            scratch = self._local.scratch = _hs.Scratch(self._db)
        return scratch


@lru_cache(maxsize=16)
def hit_lines_for(pattern: str, extra: tuple[tuple[str, bool], ...] = ()) -> HitLines | None:
    """The native line finder for ``pattern`` (a grammar's ``hit_re`` of a vocabulary without
    cased letters) and the ``extra`` (pattern, multi-line) supersets, or ``None``: use ``re``."""
    try:
        return HitLines(pattern, extra)
    except Exception as exc:  # noqa: BLE001 - no hyperscan, or a pattern it cannot compile
        logging.getLogger(__name__).debug("level-word lines found by re (%s)", exc)
        return None
