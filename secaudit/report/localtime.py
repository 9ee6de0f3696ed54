"""Times as a person reads them: the host's local time, the zone named once per report.

The ledger and the report JSON keep ISO 8601 with the offset (``2026-12-03T20:06:00+08:00``);
an event written by a process that ran in another zone (an agent under systemd without ``TZ``
writes ``+00:00``) is converted, so every table of one report is in one zone, the one named on
the cover (:func:`zone_label`). E-mail ``Date:`` headers (RFC 2822) are turned into ISO 8601 for
the JSON (:func:`iso_time`) and into local time for the tables.
"""

from __future__ import annotations

import email.utils
from datetime import datetime
from typing import Any


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from ISO 8601 or RFC 2822 text; ``None`` when it is neither."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when is None:
        return None
    return when if when.tzinfo else when.astimezone()  # naive: the host's own time


def local_time(value: Any, seconds: bool = False) -> str:
    """``2026-12-03T12:06:00+00:00`` → ``2026-12-03 20:06`` on a host in UTC+8 (the zone is
    named once on the cover); text that is not a time is shown as it is."""
    when = parse_time(value)
    if when is None:
        return str(value or "")
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def iso_time(value: Any) -> str:
    """ISO 8601 with offset for a time in any accepted form; other text unchanged."""
    when = parse_time(value)
    return when.isoformat(timespec="seconds") if when else str(value or "")


def zone_label(now: datetime | None = None) -> str:
    """``UTC+08:00（CST）``: the host's zone as the cover names it."""
    here = (now or datetime.now()).astimezone()
    off = here.strftime("%z") or "+0000"
    name = here.tzname() or ""
    label = f"UTC{off[:3]}:{off[3:]}"
    return f"{label}（{name}）" if name and not name.startswith(("UTC", "+", "-")) else label
