"""Last line of defence against leaks: mask any full ID or card number left in report strings.

The ledger already holds only markings and masked samples, but file names, mail subjects and error
details are free text written by users (``张三110101199003071234.xlsx``). Every string of the
report model passes through :func:`scrub`; a digit run that validates as a resident ID (GB 11643
check digit) or a payment card (Luhn, 13–19 digits) is masked the way findings are
(``1101**********123X``). Hashes, serials and ids are left alone (``KEEP_KEYS``).
"""

from __future__ import annotations

import re
from typing import Any

KEEP_KEYS = frozenset(
    {"sha256", "hash", "prev", "prev_hash", "last_hash", "serial", "fs_uuid", "scan_id", "key"}
)
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_CARD = re.compile(r"(?<!\d)\d{13,19}(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def is_resident_id(value: str) -> bool:
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17].upper()


def is_luhn(value: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(value)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def scrub_text(text: str) -> str:
    text = _ID.sub(lambda m: mask(m[0]) if is_resident_id(m[0]) else m[0], text)
    return _CARD.sub(lambda m: mask(m[0]) if is_luhn(m[0]) else m[0], text)


def scrub(value: Any, key: str | None = None) -> Any:
    """A copy of ``value`` (JSON-like) with every string scrubbed, except under ``KEEP_KEYS``."""
    if isinstance(value, str):
        return value if key in KEEP_KEYS else scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v, key) for v in value]
    return value
