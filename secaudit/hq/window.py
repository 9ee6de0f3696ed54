"""Review periods: ``--period 2026-11`` (a calendar month) or ``--since`` / ``--until``.

A report belongs to the period that holds the middle of the time it covers (``reports.mid``), so
a monthly report issued a day late still counts for its month, and each report counts once.
Times are the head-office machine's local time zone unless written with an offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from secaudit.errors import UsageError

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    """Exclusive."""
    label: str
    monthly: bool = False

    @property
    def span(self) -> tuple[float, float]:
        return self.start.timestamp(), self.end.timestamp()

    def previous(self) -> Window:
        if self.monthly:
            return month(_add_months(self.start, -1).strftime("%Y-%m"))
        length = self.end - self.start
        start = self.start - length
        return Window(start, self.start, f"{_day(start)} – {_day(self.start)}")

    def iso(self) -> dict[str, str]:
        return {"since": self.start.isoformat(), "until": self.end.isoformat(), "label": self.label}


def month(text: str) -> Window:
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise UsageError(f"--period must be YYYY-MM, not {text!r}")
    start = datetime(int(match[1]), int(match[2]), 1).astimezone()
    end = _add_months(start, 1)
    return Window(start, end, f"{match[1]}年{int(match[2])}月", monthly=True)


def between(since: str, until: str | None) -> Window:
    start = _parse(since, "--since")
    end = _parse(until, "--until") if until else datetime.now().astimezone()
    if end <= start:
        raise UsageError("--until must be after --since")
    return Window(start, end, f"{_day(start)} – {_day(end)}")


def choose(
    period: str | None, since: str | None, until: str | None, latest: float | None
) -> Window:
    """The window asked for; with nothing asked, the month of the latest report (or this month)."""
    if period and (since or until):
        raise UsageError("use either --period or --since/--until")
    if period:
        return month(period)
    if since:
        return between(since, until)
    if until:
        raise UsageError("--until needs --since")
    when = datetime.fromtimestamp(latest).astimezone() if latest else datetime.now().astimezone()
    return month(when.strftime("%Y-%m"))


def trend_months(window: Window, count: int = 12) -> list[Window]:
    """The ``count`` calendar months ending with the one the window ends in (oldest first)."""
    last = window.end - timedelta(seconds=1)
    first = _add_months(datetime(last.year, last.month, 1).astimezone(), -(count - 1))
    return [month(_add_months(first, i).strftime("%Y-%m")) for i in range(count)]


def _add_months(when: datetime, n: int) -> datetime:
    index = when.year * 12 + when.month - 1 + n
    return datetime(index // 12, index % 12 + 1, 1).astimezone()


def _parse(text: str, option: str) -> datetime:
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"{option} must be an ISO date or date-time, not {text!r}") from exc
    return when if when.tzinfo else when.astimezone()


def _day(when: datetime) -> str:
    return when.strftime("%Y-%m-%d")
