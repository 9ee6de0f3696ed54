"""Plain-text output helpers for the terminal: width-aware tables (CJK counts double).

Every cell and clipped text goes through :func:`secaudit.textsafe.shown`: control characters and
bidi controls in a file name are printed as visible escapes, never sent to the terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from secaudit.textsafe import shown


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` display columns, marking the cut with ``…``."""
    text = shown(text)
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], max_width: int = 60) -> str:
    """Render rows as an aligned text table."""
    cells = [[clip(str(c), max_width) for c in row] for row in rows]  # clip() shows escapes
    head = [str(h) for h in headers]
    widths = [display_width(h) for h in head]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], display_width(c))

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (widths[i] - display_width(v)) for i, v in enumerate(values))

    out = [line(head), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in cells)
    return "\n".join(s.rstrip() for s in out)
