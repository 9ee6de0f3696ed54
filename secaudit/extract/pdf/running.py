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
_DIGIT_CHARS = "0123456789０１２３４５６７８９"
"""The characters :data:`_DIGITS` folds."""
_SEPARATOR = "\x00"


def line_key(line: str) -> str:
    """A line compared across pages: digits folded, spaces dropped."""
    return _DIGITS.sub("#", _SPACE.sub("", line))


def line_keys(lines: Sequence[str]) -> list[str]:
    """``[line_key(line) for line in lines]`` in two passes over the joined lines instead of
    two regular expressions per line (a page: ~25 instead of ~100 µs). ``str.split`` drops the
    same whitespace as ``\\s`` (``str.isspace``); the separator, neither a space nor a digit,
    keeps the lines apart."""
    joined = _SEPARATOR.join(lines)
    if len(lines) < 2 or joined.count(_SEPARATOR) != len(lines) - 1:
        return [line_key(line) for line in lines]
    joined = "".join(joined.split())
    if any(digit in joined for digit in _DIGIT_CHARS):
        joined = _DIGITS.sub("#", joined)
    return joined.split(_SEPARATOR)


def running_keys(per_page: Sequence[Sequence[str]]) -> set[str]:
    """Keys of the lines found in the band of every page (or every page but the first, with
    four or more pages); empty for a single page."""
    if len(per_page) < 2:
        return set()
    counts: dict[str, int] = {}
    first: set[str] = set()
    for n, lines in enumerate(per_page):
        keys = {key for ln, key in zip(lines, line_keys(lines), strict=True) if ln.strip()}
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
    at_top = [key in keys for key in line_keys(lines)]
    if not any(at_top):
        return lines
    top = [ln for ln, t in zip(lines, at_top, strict=True) if t]
    return top + [ln for ln, t in zip(lines, at_top, strict=True) if not t]
