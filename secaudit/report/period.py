"""The report period from ``--since``/``--until``: strict parsing, refused with the accepted forms.

``yesterday``, ``2026-13-45`` or an ``--until`` before ``--since`` used to give a signed report of
nothing (exit 0). Now they raise :class:`~secaudit.errors.UsageError` (exit 2) naming the forms
accepted. A bound is normalised to the host's local time with its offset, the form the ledger
writes, so the ledger's text comparison of timestamps holds.
"""

from __future__ import annotations

import re
from datetime import datetime

from secaudit.errors import UsageError

ACCEPTED = (
    "YYYY-MM-DD (本地时间零点 local midnight), YYYY-MM-DDTHH:MM[:SS] or 'YYYY-MM-DD HH:MM[:SS]', "
    "optionally with an offset (+08:00, Z)"
)
_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_bound(text: str | None, option: str) -> str | None:
    """``text`` as ISO 8601 local time with offset; ``None`` stays ``None``."""
    if text is None:
        return None
    value = text.strip()
    when = None
    if _FORM.match(value):
        try:
            when = datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00"))
        except ValueError:
            when = None
    if when is None:
        raise UsageError(f"{option} {text!r} 不是有效的日期时间 is not a valid date/time; "
                         f"accepted: {ACCEPTED}")
    return when.astimezone().isoformat(timespec="seconds")


def parse_period(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """Both bounds parsed; ``--until`` must be after ``--since``."""
    start, end = parse_bound(since, "--since"), parse_bound(until, "--until")
    if start and end and datetime.fromisoformat(end) <= datetime.fromisoformat(start):
        raise UsageError(f"--until {until!r} 不晚于 --since {since!r} (the period would be empty); "
                         f"accepted: {ACCEPTED}")
    return start, end
