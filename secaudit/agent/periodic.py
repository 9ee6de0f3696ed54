"""The agent's periodic tasks, run one after the other in its main thread.

A task (``Agent.every(name, interval_s, fn)``) runs first at the next pass, then ``interval``
seconds after its last start; ``fn`` is called with the agent. A failing task is logged and
recorded as an ``error`` event (``where``: ``agent.<name>``) and runs again on schedule.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from secaudit.ledger import Ledger
from secaudit.logs import logger

__all__ = ["Periodic", "Schedule"]

log = logger("secaudit.agent.daemon")
"""The daemon's logger: the agent's log lines keep the name they always had."""


@dataclass
class Periodic:
    name: str
    interval: float
    fn: Callable[[Any], None]
    next_at: float = 0.0
    """``time.monotonic()`` of the next run (0: at the next pass)."""


class Schedule:
    """The periodic tasks of one agent; errors go to its ledger."""

    def __init__(self, agent: Any, ledger: Ledger) -> None:
        self._agent = agent
        self._ledger = ledger
        self.tasks: list[Periodic] = []

    def add(self, name: str, interval_s: float, fn: Callable[[Any], None]) -> None:
        self.tasks.append(Periodic(name, max(1.0, interval_s), fn))

    def run_soon(self, name: str | None = None) -> None:
        """Run the task ``name`` (``None``: every task) at the next pass."""
        for task in self.tasks:
            if name is None or task.name == name:
                task.next_at = 0.0

    def run_all(self) -> None:
        for task in list(self.tasks):
            self._run(task)

    def run_due(self) -> float:
        """Run the tasks that are due; ``time.monotonic()`` of the next one due."""
        now = time.monotonic()
        for task in list(self.tasks):
            if task.next_at <= now:
                self._run(task)
        return min(t.next_at for t in self.tasks)

    def _run(self, task: Periodic) -> None:
        task.next_at = time.monotonic() + task.interval
        try:
            task.fn(self._agent)
        except Exception as exc:  # a failing task is recorded and retried on schedule
            log.exception("periodic task %s", task.name)
            self._ledger.append("error", {"where": f"agent.{task.name}", "message": str(exc)[:500]})
