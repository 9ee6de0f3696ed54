"""The ledger events a report covers: a contiguous run ``first_seq..last_seq``.

By default a report starts right after the last issued report (``report_issued``), so the
periodic reports cover the ledger without gaps; with ``since`` it starts at the first event at or
after that time (none: after the ledger's head, an empty range). Events at or after ``until`` are
left out, and the run ends at the first gap in ``seq`` (a clock step may put an older ``ts`` after
a newer one). ``prev`` is the stored hash before the run (GENESIS at the start of the ledger).
"""

from __future__ import annotations

from secaudit.ledger import GENESIS, Event, Ledger

__all__ = ["select_events"]


def select_events(
    ledger: Ledger, since: str | None, until: str | None
) -> tuple[list[Event], int, str]:
    """The contiguous event run for the period, its first seq, and the ``prev`` hash before it."""
    if since is None:
        start = _after_last_report(ledger) + 1
    else:
        first = next(ledger.events(since=since), None)
        start = first.seq if first else _head_seq(ledger) + 1
    events = [e for e in ledger.events(first_seq=start) if until is None or e.ts < until]
    if events:
        # keep the run contiguous even if a clock step put an older ts after a newer one
        events = events[: _contiguous_len(events)]
        return events, start, events[0].prev
    before = ledger.get(start - 1)
    return [], start, before.hash if before else GENESIS


def _after_last_report(ledger: Ledger) -> int:
    last = 0
    for e in ledger.events(kinds=["report_issued"]):
        rng = e.data.get("ledger_range") or {}
        last = max(last, int(rng.get("last_seq") or 0))
    return last


def _head_seq(ledger: Ledger) -> int:
    head = ledger.head()
    return head.seq if head else 0


def _contiguous_len(events: list[Event]) -> int:
    for i in range(1, len(events)):
        if events[i].seq != events[i - 1].seq + 1:
            return i
    return len(events)
