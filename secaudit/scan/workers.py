"""Worker processes that extract and detect, with a hard time limit per file.

A parser that hangs or crashes (pypdfium2 on a hostile PDF, a decompression loop) must cost one
file, not the scan: each worker runs one batch of tasks at a time; when a task overruns its time
limit the worker is killed and replaced, and the file gets a ``timeout`` error record; when a
worker dies, its file gets a ``corrupt`` record naming the crash. Small files travel in batches to
keep the per-file IPC cost low. What a worker does with one file is :mod:`.analyze`.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from secaudit.detect.vocabulary import Vocabulary
from secaudit.limits import Limits
from secaudit.model import ErrorReason, ExtractError, FileResult
from secaudit.scan.analyze import Task, analyze
from secaudit.scan.safeopen import close_quietly
from secaudit.scan.walk import is_picture


def _worker_main(conn: Connection, limits: Limits, vocabulary: Vocabulary, nice: int) -> None:
    from secaudit.detect.prefilter import prefilter_for
    from secaudit.detect.registry import build_detectors

    # Ctrl-C reaches the whole process group: the parent stops the scan and records it as
    # interrupted; a worker just finishes its file (no traceback on the terminal)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    detectors = build_detectors(vocabulary)
    prefilter_for(detectors)  # compiled here (~0.1 s), not inside the first file's time limit
    conn.send(_READY)  # start-up (imports, patterns) does not count against the first file
    while True:
        try:
            batch = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if batch is None:
            return
        tops: dict[str, int] = {}  # top folders opened for this batch only (a stick unmounts)
        for task in batch:
            try:
                result = analyze(task, limits, detectors, tops)
            except Exception as exc:  # noqa: BLE001 - never let one file kill the worker
                detail = f"internal error: {type(exc).__name__}: {exc}"
                err = ExtractError(ErrorReason.CORRUPT, detail)
                result = FileResult(task.path, task.size, "", "unknown", (), (err,), task.mtime_ns)
            conn.send(result)
        for fd in tops.values():
            close_quietly(fd)


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


_REFILL_AT = 8
"""A worker is sent its next batch while it still has this many files to do, so it goes on
without waiting for the scan to notice it finished (a batch of 32 small files takes ~10 ms)."""
_READY = "secaudit-worker-ready"
"""First message of a worker: its set-up is done; the time limit of its batch starts now."""


@dataclass
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection
    batch: list[Task]
    done: int = 0
    started: float = 0.0


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
        self._ctx.set_forkserver_preload(["secaudit.scan.workers", "secaudit.extract.registry"])
        self._workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child, self.limits, self.vocabulary, self.nice),
            daemon=True,
            name="secaudit-worker",
        )
        proc.start()
        child.close()
        return _Worker(proc, parent, [])

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
                if pending and len(w.batch) - w.done <= _REFILL_AT:
                    self._assign(w, pending)
            busy = [w for w in self._workers if w.batch]
            if not busy:
                if exhausted and not pending:
                    return
                continue
            # after a tick only what is ready is collected: the walk goes on meanwhile
            yield from self._collect(busy, block=not ticked)

    def _assign(self, w: _Worker, pending: deque[Task]) -> None:
        batch = [pending.popleft()]
        # Small files go in batches of up to 32 files and 1 MiB (a batch of scans to OCR stays
        # short, so no worker is left with a long queue at the end); big ones alone, so a
        # timeout costs one file.
        small, total = 256 * 1024, batch[0].size
        while (
            pending
            and len(batch) < 32
            and batch[0].size < small
            and pending[0].size < small
            and not is_picture(batch[0].path)  # OCR'd pictures (~1 s each) go one at a time,
            and not is_picture(pending[0].path)  # so no worker holds several while one idles
            and total + pending[0].size <= 1024 * 1024
        ):
            total += pending[0].size
            batch.append(pending.popleft())
        self._send(w, batch)

    def _send(self, w: _Worker, batch: list[Task]) -> None:
        """Queue ``batch`` behind what ``w`` still has to do (so it never waits for the next
        batch); a worker that died is replaced first and given its unfinished tasks again."""
        try:
            w.conn.send(batch)
        except OSError:  # broken pipe: killed from outside (OOM killer, an operator)
            w.proc.kill()
            w.proc.join(5)
            w.conn.close()
            unfinished = w.batch[w.done :]
            fresh = self._spawn()
            self._workers[self._workers.index(w)] = fresh
            fresh.conn.send(unfinished + batch)
            fresh.batch, fresh.done, fresh.started = unfinished + batch, 0, time.monotonic()
            return
        if w.done >= len(w.batch):
            w.batch, w.done, w.started = batch, 0, time.monotonic()
        else:
            w.batch = w.batch + batch  # its clock keeps running for the file in hand

    def _collect(self, busy: list[_Worker], *, block: bool = True) -> Iterator[FileResult]:
        timeout = self.limits.file_timeout
        now = time.monotonic()
        next_deadline = min(w.started + timeout for w in busy)
        wait_s = max(0.0, next_deadline - now) + 0.05 if block else 0.0
        ready = wait([w.conn for w in busy], timeout=wait_s)
        for w in busy:
            if w.conn in ready:
                try:
                    result = w.conn.recv()
                except (EOFError, OSError):
                    yield from self._replace(w, ErrorReason.CORRUPT, "parser crashed")
                    continue
                if isinstance(result, str) and result == _READY:
                    w.started = time.monotonic()
                    continue
                yield result
                w.done += 1
                w.started = time.monotonic()
                if w.done >= len(w.batch):
                    w.batch, w.done = [], 0
            elif time.monotonic() > w.started + timeout:
                yield from self._replace(
                    w, ErrorReason.TIMEOUT, f"no result within {timeout:g} s; worker stopped"
                )

    def _replace(self, w: _Worker, reason: ErrorReason, detail: str) -> Iterator[FileResult]:
        """Kill ``w``; its current file gets an error record; the rest of its batch is requeued."""
        current = w.batch[w.done]
        rest = w.batch[w.done + 1 :]
        w.proc.kill()
        w.proc.join(5)
        w.conn.close()
        idx = self._workers.index(w)
        self._workers[idx] = self._spawn()
        yield FileResult(
            current.path,
            current.size,
            "",
            "unknown",
            (),
            (ExtractError(reason, detail),),
            current.mtime_ns,
        )
        if rest:
            self._send(self._workers[idx], rest)

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
