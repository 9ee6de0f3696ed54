"""Last line of defence against leaks: mask any full sensitive number left in report strings.

The ledger already holds only markings and masked samples, but file names, mail subjects and error
details are free text written by users (``张三110101199003071234.xlsx``). Every string of the
report model passes through :func:`scrub` — the core's one masking function
(:func:`secaudit.sensitive.masked`, the detector's own validators). Hashes, serials and ids are
left alone (``KEEP_KEYS``).
"""

from __future__ import annotations

from typing import Any

from secaudit.sensitive import KEEP_KEYS, mask_text, masked

__all__ = ["KEEP_KEYS", "scrub", "scrub_text"]


def scrub_text(text: str) -> str:
    return mask_text(text)


def scrub(value: Any, key: str | None = None) -> Any:
    """A copy of ``value`` (JSON-like) with every string masked, except under ``KEEP_KEYS``."""
    return masked(value, key)
