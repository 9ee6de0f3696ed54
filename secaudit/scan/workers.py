"""Worker processes that extract and detect, with a hard time limit per file.

A parser that hangs or crashes (pypdfium2 on a hostile PDF, a decompression loop) must cost one
file, not the scan: each worker runs one batch of tasks at a time; when a task overruns its time
limit the worker is killed and replaced, and the file gets a ``timeout`` error record; when a
worker dies, its file gets a ``corrupt`` record naming the crash. Small files travel in batches to
keep the per-file IPC cost low.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing as mp
import os
import signal
import stat
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from secaudit.detect.vocabulary import Vocabulary
from secaudit.limits import Limits
from secaudit.model import ErrorReason, ExtractError, FileResult
from secaudit.scan.safeopen import (
    Identity,
    Refused,
    close_quietly,
    open_regular,
    open_top,
    read_capped,
)
from secaudit.scan.walk import is_picture
from secaudit.textsafe import readable_name


@dataclass(frozen=True, slots=True)
class Task:
    """One file to read: from disk (``data is None``) or bytes handed over (an e-mail message)."""

    path: str
    """Path reported in results (for a blob: its display path)."""
    size: int
    mtime_ns: int = 0
    data: bytes | None = None
    name: str | None = None
    # -- where to read it (safeopen): below the top folder ``top``, never through a link -----
    top: str = ""
    """Top folder of the scan (``rel == ""``: ``top`` or else ``path`` is the file itself)."""
    rel: str = ""
    dev: int = 0
    ino: int = 0
    """Device and inode the walk saw (0: not checked); the opened file must be that one."""
    offset: int = 0
    length: int = -1
    """A slice of the file (one message of an mbox); -1: the whole file."""


def analyze(task: Task, limits: Limits, detectors: tuple,  # type: ignore[type-arg]
            tops: dict[str, int] | None = None) -> FileResult:
    """Read, extract and detect one file (runs inside a worker process, or inline)."""
    from secaudit.detect.registry import detect
    from secaudit.extract.registry import Extraction, extract_bytes

    name = task.name or readable_name(os.path.basename(task.path))  # GBK bytes → 机密.doc
    if task.data is None and task.size > limits.max_file_size:
        reason = ErrorReason.TOO_LARGE
        err = ExtractError(reason, f"{task.size} bytes > max_file_size {limits.max_file_size}")
        return FileResult(task.path, task.size, "", "unknown", (), (err,), task.mtime_ns)
    try:
        data = task.data if task.data is not None else read_task(task, limits, tops)
    except Refused as exc:
        return _failed(task, exc.reason, exc.detail)
    except FileNotFoundError:
        return _failed(task, ErrorReason.VANISHED, "file disappeared before it could be read")
    except PermissionError as exc:
        return _failed(task, ErrorReason.PERMISSION, f"not readable: {exc.strerror}")
    except OSError as exc:
        return _failed(task, ErrorReason.CORRUPT, f"read error: {exc}")
    digest = hashlib.sha256(data).hexdigest()
    deadline = time.monotonic() + limits.file_timeout
    ext: Extraction = extract_bytes(data, name, limits=limits, deadline=deadline)
    findings = detect(ext.chunks, detectors)
    return FileResult(
        path=task.path,
        size=len(data),
        sha256=digest,
        format=ext.format,
        findings=tuple(findings),
        errors=ext.errors,
        mtime_ns=task.mtime_ns,
        members=ext.members,
    )


def _failed(task: Task, reason: ErrorReason, detail: str) -> FileResult:
    err = ExtractError(reason, detail)
    return FileResult(task.path, task.size, "", "unknown", (), (err,), task.mtime_ns)


def read_task(task: Task, limits: Limits, tops: dict[str, int] | None = None) -> bytes:
    """The bytes of ``task`` read as :mod:`.safeopen` allows: below its top folder with no link
    on the way, a regular file that is the one the walk saw, at most ``max_file_size`` bytes.
    ``tops`` keeps the top folders opened during one batch (closed by the caller)."""
    expect = None
    if task.ino:
        size = task.size if task.length < 0 else -1
        expect = Identity(task.dev, task.ino, size)
    if task.rel:
        top_fd = (tops or {}).get(task.top)
        if top_fd is None:
            top_fd, st = open_top(task.top)
            if not stat.S_ISDIR(st.st_mode):
                close_quietly(top_fd)
                raise Refused(ErrorReason.VANISHED, "its folder was replaced during the scan")
            if tops is not None:
                tops[task.top] = top_fd
        fd = open_regular(top_fd, task.rel, expect)
        if tops is None:
            close_quietly(top_fd)
    else:
        fd = open_regular(None, "", expect, top=task.top or task.path)
    try:
        return read_capped(fd, limits.max_file_size, offset=task.offset, length=task.length)
    finally:
        os.close(fd)


def _worker_main(conn: Connection, limits: Limits, vocabulary: Vocabulary, nice: int) -> None:
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
