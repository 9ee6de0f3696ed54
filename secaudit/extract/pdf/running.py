"""Running heads and feet of paged documents (PDF, OFD): text repeated at the same place on every
page is a header or footer, whatever the producer called it.

A PDF has no header/footer structure: a mark printed at the foot of every page (``普通商密``,
``内部资料 注意保存``) is only page text. :func:`running_keys` finds the lines that stand in the
head (or foot) band of every page — all pages, or all but the cover when there are four or more
— comparing them with digits folded (``第 1 页`` and ``第 2 页`` are the same running line).
The extractor emits each running line once as a ``header``/``footer`` chunk and drops it from
the page bodies. :data:`BAND` is the share of the page height searched at the top and bottom.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

BAND = 0.12
"""Share of the page height at the top (head) and bottom (foot) where running lines stand."""
MAX_RUNNING = 8
"""Running lines kept per band (a page of repeated boilerplate is no header)."""
_DIGITS = re.compile(r"[0-9０-９]+")
_SPACE = re.compile(r"\s+")


def line_key(line: str) -> str:
    """A line compared across pages: digits folded, spaces dropped."""
    return _DIGITS.sub("#", _SPACE.sub("", line))


def running_keys(per_page: Sequence[Sequence[str]]) -> set[str]:
    """Keys of the lines found in the band of every page (or every page but the first, with
    four or more pages); empty for a single page."""
    if len(per_page) < 2:
        return set()
    counts: dict[str, int] = {}
    first: set[str] = set()
    for n, lines in enumerate(per_page):
        keys = {line_key(ln) for ln in lines if ln.strip()}
        if n == 0:
            first = keys
        for k in keys:
            counts[k] = counts.get(k, 0) + 1
    pages = len(per_page)
    found = {
        k for k, c in counts.items()
        if k and (c == pages or (pages >= 4 and c == pages - 1 and k not in first))
    }
    return found if len(found) <= MAX_RUNNING else set()


def top_first(lines: list[str], head: Sequence[str]) -> list[str]:
    """``lines`` with those of the head band first (content-stream order puts a header or a
    mark drawn last at the end of the page text, though it is printed at the top)."""
    keys = {line_key(h) for h in head}
    if not keys:
        return lines
    top = [ln for ln in lines if line_key(ln) in keys]
    return top + [ln for ln in lines if line_key(ln) not in keys] if top else lines
