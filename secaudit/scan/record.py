"""A scan run in the ledger, written as the run goes.

``scan_started`` at once; each file's ``finding``/``file_error`` and its ``violation`` events are
buffered and appended at most a second late (or every 200 events), violations already judged in
the report period folded into ``violation_repeated`` (``ledger/repeats.py``); ``scan_finished``
with the run's end state last. A scan that dies part-way thus has its findings in the ledger.
"""

from __future__ import annotations

import time
from typing import Any

from secaudit.ledger import Ledger
from secaudit.ledger.repeats import mark_repeats
from secaudit.model import FileResult, Violation
from secaudit.scan.run import ScanRun, finished_event, result_events, violation_events

__all__ = ["RunRecorder"]

FLUSH_EVENTS = 200
"""Buffered events that are appended at once, without waiting for :data:`FLUSH_SECONDS`."""
FLUSH_SECONDS = 1.0
"""The longest a buffered event waits for the ledger."""


class RunRecorder:
    """The ledger events of the runs of one scanner; without a ledger it records nothing."""

    def __init__(self, ledger: Ledger | None) -> None:
        self.ledger = ledger
        self._events: list[tuple[str, Any]] = []
        self._digests: dict[str, str] = {}
        self._flushed = 0.0

    def started(self, run: ScanRun, trigger: str) -> None:
        if not self.ledger:
            return
        ctx = run.context
        self.ledger.append(
            "scan_started",
            {
                "scan_id": run.scan_id,
                "paths": run.paths,
                "channel": ctx.channel.value,
                "host": {"hostname": ctx.hostname, "role": ctx.host_role.value},
                "policy": run.policy_identity,
                "trigger": trigger,
            },
        )

    def result(self, run: ScanRun, result: FileResult, violations: list[Violation]) -> None:
        """Buffer the events of one file (if it has any to record)."""
        if not (self.ledger and (result.findings or result.errors or violations)):
            return
        if result.sha256:
            self._digests[result.path] = result.sha256
        self._events += [*result_events(run, result), *violation_events(run, violations)]
        if len(self._events) >= FLUSH_EVENTS or time.monotonic() - self._flushed > FLUSH_SECONDS:
            self.flush()

    def finished(self, run: ScanRun) -> None:
        """The buffered events, then ``scan_finished``."""
        self.flush()
        if self.ledger:
            self.ledger.append_many([finished_event(run)])

    def flush(self) -> None:
        events, self._events = self._events, []
        digests, self._digests = self._digests, {}
        self._flushed = time.monotonic()
        if events and self.ledger:
            # violations already judged in the report period are folded (ledger/repeats.py)
            self.ledger.append_many(mark_repeats(self.ledger, events, digests=digests))
