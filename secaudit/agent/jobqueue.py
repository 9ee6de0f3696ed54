"""The agent's plumbing between watchers and the scanner: a debouncer and one bounded queue.

::

    tree watch ──touch(path, ctx)──► Debouncer ──put(job)──► JobQueue ──get_batch()──► scanner

- ``Debouncer`` waits until a path has been quiet for ``quiet`` seconds (a copy fires created,
  modified…, closed) but never longer than ``max_wait`` after its first event.
- ``JobQueue`` is bounded: ``put`` blocks when it is full (back-pressure on the watchers instead
  of unbounded memory) and drops a job equal to one already waiting (de-duplication).
  ``get_batch`` hands out the oldest job merged with waiting jobs of the same context, so a burst
  of 1,000 files becomes a few scans.

Both are thread-safe and stoppable (``close``). Add a job kind by adding a ``ScanJob.kind`` value
and handling it in the agent's consumer.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from secaudit.context import ScanContext


@dataclass(frozen=True, slots=True)
class ScanJob:
    kind: str
    """``files`` (scan paths with ``ctx``) or ``mail`` (read the mail stores in ``paths``)."""
    paths: tuple[str, ...]
    ctx: ScanContext | None = None
    trigger: str = "watch"

    def mergeable_with(self, other: ScanJob) -> bool:
        return (self.kind, self.ctx, self.trigger) == (other.kind, other.ctx, other.trigger)


class JobQueue:
    """Bounded, de-duplicating FIFO of scan jobs."""

    def __init__(self, maxsize: int = 10000) -> None:
        self.maxsize = max(1, maxsize)
        self._items: deque[ScanJob] = deque()
        self._keys: set[ScanJob] = set()
        self._in_flight = 0
        self._cond = threading.Condition()
        self._closed = False

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)

    def put(self, job: ScanJob, timeout: float | None = None) -> bool:
        """Enqueue unless an equal job waits already; block while full. False: closed/timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            if job in self._keys:
                return True
            while len(self._items) >= self.maxsize and not self._closed:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            if self._closed:
                return False
            self._items.append(job)
            self._keys.add(job)
            self._cond.notify_all()
            return True

    def get_batch(self, timeout: float | None = None, max_paths: int = 500) -> ScanJob | None:
        """The oldest job merged with waiting jobs like it; None on timeout or when closed."""
        with self._cond:
            if not self._items and not self._closed:
                self._cond.wait(timeout)
            if not self._items:
                return None
            first = self._items.popleft()
            self._keys.discard(first)
            self._in_flight += 1
            paths = list(first.paths)
            if first.kind == "files":
                keep: deque[ScanJob] = deque()
                while self._items:
                    job = self._items.popleft()
                    if len(paths) < max_paths and job.mergeable_with(first):
                        self._keys.discard(job)
                        paths.extend(job.paths)
                    else:
                        keep.append(job)
                self._items = keep
            self._cond.notify_all()
            return ScanJob(first.kind, tuple(dict.fromkeys(paths)), first.ctx, first.trigger)

    def done(self) -> None:
        """The job last handed out by ``get_batch`` is finished."""
        with self._cond:
            self._in_flight = max(0, self._in_flight - 1)
            self._cond.notify_all()

    def is_idle(self) -> bool:
        """Nothing waiting and nothing being worked on."""
        with self._cond:
            return not self._items and not self._in_flight

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class Debouncer:
    """Collects ``touch(key, payload)`` calls; emits each key once it has settled."""

    def __init__(
        self, emit: Callable[[Hashable, Any], None], quiet: float = 0.3, max_wait: float = 2.0
    ) -> None:
        self._emit = emit
        self.quiet, self.max_wait = quiet, max_wait
        self._pending: dict[Hashable, tuple[float, float, Any]] = {}
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="debouncer", daemon=True)
        self._thread.start()

    def touch(self, key: Hashable, payload: Any) -> None:
        now = time.monotonic()
        with self._cond:
            first = self._pending[key][0] if key in self._pending else now
            self._pending[key] = (first, now, payload)
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return len(self._pending)

    def _due(self, now: float) -> tuple[list[tuple[Hashable, Any]], float | None]:
        due, next_at = [], None
        for key, (first, last, payload) in list(self._pending.items()):
            at = min(last + self.quiet, first + self.max_wait)
            if at <= now:
                due.append((key, payload))
                del self._pending[key]
            else:
                next_at = at if next_at is None else min(next_at, at)
        return due, next_at

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                due, next_at = self._due(time.monotonic())
                if not due:
                    self._cond.wait(None if next_at is None else next_at - time.monotonic())
                    continue
            for key, payload in due:
                self._emit(key, payload)

    def close(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=5)
