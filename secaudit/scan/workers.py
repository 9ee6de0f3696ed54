"""Worker processes that extract and detect, with a hard time limit per file.

A parser that hangs or crashes (pypdfium2 on a hostile PDF, a decompression loop) must cost one
file, not the scan: each worker runs one batch of tasks at a time; when a task overruns its time
limit the worker is killed and replaced, and the file gets a ``timeout`` error record; when a
worker dies, its file gets a ``corrupt`` record naming the crash. Small files travel in batches
and their results come back per batch, to keep the per-file IPC cost low; which file a worker
has in hand, and since when, the pool reads from the worker's progress array
(:mod:`.workerproc`). What a worker does with one file is :mod:`.analyze`.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from secaudit.detect.vocabulary import Vocabulary
from secaudit.limits import Limits
from secaudit.model import ErrorReason, ExtractError, FileResult
from secaudit.scan.analyze import Task
from secaudit.scan.batching import may_ocr, next_batch
from secaudit.scan.servers import PRELOAD
from secaudit.scan.workerproc import DONE, READY, STARTED, worker_main


def stop_process_servers() -> None:
    """Stop multiprocessing's fork server and resource tracker; both start again on demand.

    The agent calls this when it has been idle a while, so an idle agent is one process. Uses
    the standard library's ``_stop`` hooks where they exist (CPython 3.8+); without them the
    servers simply stay.
    """
    from multiprocessing import forkserver, resource_tracker

    for server in (forkserver._forkserver, resource_tracker._resource_tracker):
        stop = getattr(server, "_stop", None)
        if stop is not None:
            with contextlib.suppress(Exception):
                stop()


_QUEUED = 2
"""Batches a worker holds at most: the one in hand and the next, so it goes on without waiting
for the scan to answer its results (results come back per batch)."""


@dataclass
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection
    progress: Any
    """The worker's shared progress array (:data:`~.workerproc.DONE`, ``STARTED``)."""
    batch: list[Task]
    """Tasks sent whose results are not all back; ``batch[done]`` is the first one missing."""
    done: int = 0
    sizes: deque[int] = field(default_factory=deque)
    """Lengths of the batches sent whose results are not all back."""
    received: int = 0
    """Results received from this process (its ``DONE`` counts the same files)."""
    ready: bool = False
    started: float = 0.0
    """When its first batch was sent (before it is ready, start-up counts against that file)."""

    def in_hand(self) -> tuple[int, float] | None:
        """Index in ``batch`` of the file the worker is reading and since when (None: none, or
        it is just moving to the next)."""
        if not self.ready:
            return (self.done, self.started) if self.batch else None
        before = self.progress[DONE]
        since = self.progress[STARTED]
        if not since or self.progress[DONE] != before:
            return None
        index = self.done + int(before) - self.received
        return (index, since) if index < len(self.batch) else None


class WorkerPool:
    """A fixed number of worker processes fed with batches of tasks."""

    def __init__(
        self, limits: Limits, vocabulary: Vocabulary, workers: int = 0, nice: int = 0
    ) -> None:
        self.limits = limits
        self.vocabulary = vocabulary
        self.size = workers or os.cpu_count() or 1
        self.nice = nice
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(PRELOAD)
        self._workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        progress = self._ctx.RawArray("d", 2)
        proc = self._ctx.Process(
            target=worker_main,
            args=(child, self.limits, self.vocabulary, self.nice, progress),
            daemon=True,
            name="secaudit-worker",
        )
        proc.start()
        child.close()
        return _Worker(proc, parent, progress, [])

    def run(self, tasks: Iterable[Task | None]) -> Iterator[FileResult]:
        """Analyze ``tasks``; yield results as they finish (order not kept). A ``None`` in
        ``tasks`` says "nothing new yet": the tasks pending are handed out before more are
        taken (a long walk through empty folders does not hold back the files found)."""
        pending: deque[Task] = deque()
        source = iter(tasks)
        first = next((t for t in source if t is not None), None)
        if first is None:
            return  # nothing to read: no worker is started
        pending.append(first)
        exhausted = False
        while len(self._workers) < self.size:
            self._workers.append(self._spawn())
        while True:
            ticked = False
            if not exhausted and len(pending) < self.size * 64:
                for task in source:
                    if task is None:
                        ticked = bool(pending) or any(w.batch for w in self._workers)
                        if ticked:
                            break
                        continue
                    pending.append(task)
                    if len(pending) >= self.size * 64:
                        break
                else:
                    exhausted = True
            for w in self._workers:
                while pending and len(w.sizes) < _QUEUED and self._takes(w, pending[0]):
                    self._assign(w, pending)
            busy = [w for w in self._workers if w.batch]
            if not busy:
                if exhausted and not pending:
                    return
                continue
            # after a tick only what is ready is collected: the walk goes on meanwhile
            yield from self._collect(busy, block=not ticked)

    @staticmethod
    def _takes(w: _Worker, task: Task) -> bool:
        """Whether ``task`` may be queued to ``w`` now: a picture that may be OCR'd waits for a
        worker that has none left to read (the first one free takes it)."""
        return not may_ocr(task) or not any(may_ocr(t) for t in w.batch[w.done :])

    def _assign(self, w: _Worker, pending: deque[Task]) -> None:
        self._send(w, next_batch(pending))

    def _send(self, w: _Worker, batch: list[Task]) -> None:
        """Queue ``batch`` behind what ``w`` still has to do (so it never waits for the next
        batch); a worker that died is replaced first and given its unfinished tasks again."""
        try:
            w.conn.send(batch)
        except OSError:  # broken pipe: killed from outside (OOM killer, an operator)
            self._stop(w)
            batch = w.batch[w.done :] + batch
            w = self._fresh(w)
            w.conn.send(batch)  # failing again: no worker can run here, the scan stops
        if w.done >= len(w.batch):
            w.batch, w.done, w.started = batch, 0, time.monotonic()
        else:
            w.batch = w.batch + batch  # its clock keeps running for the file in hand
        w.sizes.append(len(batch))

    def _collect(self, busy: list[_Worker], *, block: bool = True) -> Iterator[FileResult]:
        timeout = self.limits.file_timeout
        now = time.monotonic()
        starts = [h[1] for w in busy if (h := w.in_hand()) is not None]
        wait_s = max(0.0, min(starts, default=now) + timeout - now) + 0.05 if block else 0.0
        ready = wait([w.conn for w in busy], timeout=wait_s)
        for w in busy:
            if w.conn in ready:
                try:
                    message = w.conn.recv()
                except (EOFError, OSError):
                    yield from self._replace(w, ErrorReason.CORRUPT, "parser crashed")
                    continue
                yield from self._received(w, message)
            elif (hand := w.in_hand()) is not None and time.monotonic() > hand[1] + timeout:
                detail = f"no result within {timeout:g} s; worker stopped"
                yield from self._replace(w, ErrorReason.TIMEOUT, detail, hand[0])

    def _received(self, w: _Worker, message: list[FileResult] | str) -> Iterator[FileResult]:
        if isinstance(message, str):
            w.ready = w.ready or message == READY
            return
        for result in message:
            yield result
            w.done += 1
            w.received += 1
            w.sizes[0] -= 1
            if not w.sizes[0]:
                w.sizes.popleft()
        if w.done >= len(w.batch):
            w.batch, w.done = [], 0

    def _replace(
        self, w: _Worker, reason: ErrorReason, detail: str, overran: int | None = None
    ) -> Iterator[FileResult]:
        """Kill ``w``; the file in hand gets an error record (a timeout only if it is still the
        one that ``overran``); files done but not sent back, and those queued behind, go to a
        fresh worker."""
        self._stop(w)
        while True:  # results sent before it died are still in the pipe
            try:
                if not w.conn.poll(0):
                    break
                message = w.conn.recv()
            except (EOFError, OSError):
                break
            yield from self._received(w, message)
        hand = w.in_hand()
        index = hand[0] if hand is not None else len(w.batch)
        if reason is ErrorReason.TIMEOUT and index != overran:
            index = len(w.batch)  # it had moved on: nothing to blame, everything is read again
        redo = w.batch[w.done : index] + w.batch[index + 1 :]
        fresh = self._fresh(w)
        if index < len(w.batch):
            bad = w.batch[index]
            err = ExtractError(reason, detail)
            yield FileResult(bad.path, bad.size, "", "unknown", (), (err,), bad.mtime_ns)
        if redo:
            self._send(fresh, redo)

    def _stop(self, w: _Worker) -> None:
        w.proc.kill()
        w.proc.join(5)

    def _fresh(self, w: _Worker) -> _Worker:
        """A new worker in ``w``'s place (``w`` is stopped; its pipe is closed here)."""
        w.conn.close()
        fresh = self._spawn()
        self._workers[self._workers.index(w)] = fresh
        return fresh

    def close(self) -> None:
        for w in self._workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in self._workers:
            w.proc.join(2)
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(2)
            w.conn.close()
        self._workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
