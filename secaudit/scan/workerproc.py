"""Inside one worker process of :mod:`.workers`: batches of tasks in, groups of results out.

A worker does not send one message per file: the results of a batch go back together (and at
least every :data:`FLUSH_S` seconds), which keeps the per-file IPC cost of a tree of small files
low on both sides. What file is in hand, and since when, the worker writes for the scan in a
small shared array (:data:`DONE`, :data:`STARTED`) before and after each file, so the time limit
of a file and the file to blame for a crash do not depend on messages.

The fork server imports this module (and builds the default detectors, see :func:`warm`) once;
every worker forked from it starts with the patterns compiled.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import MutableSequence
from multiprocessing.connection import Connection
from typing import Any

from secaudit.detect.vocabulary import Vocabulary
from secaudit.limits import Limits
from secaudit.model import ErrorReason, ExtractError, FileResult
from secaudit.scan.analyze import Task, analyze
from secaudit.scan.safeopen import close_quietly

READY = "secaudit-worker-ready"
"""First message of a worker: its set-up is done; the time limit of its batch starts now."""
DONE, STARTED = 0, 1
"""Slots of a worker's progress array: files finished since it started; ``time.monotonic()`` at
which the file in hand was started (0.0: none in hand)."""
FLUSH_S = 0.25
"""Results of a long batch are sent at least this often (progress display, the ledger)."""

_warm: dict[str, tuple[Any, ...]] = {}
"""Detectors built ahead (in the fork server), by vocabulary fingerprint."""


def warm() -> None:
    """Build the default vocabulary's detectors and compile their prefilter (~0.3 s) in this
    process, so that processes forked from it (the workers) start with them. Never raises: a
    worker that does not find them builds its own (and reports what fails)."""
    try:
        detectors_for(Vocabulary.default())
    except Exception:  # noqa: BLE001, S110 - an exception here would stop the fork server
        pass


def detectors_for(vocabulary: Vocabulary) -> tuple[Any, ...]:
    from secaudit.detect.prefilter import prefilter_for
    from secaudit.detect.registry import build_detectors

    key = vocabulary.fingerprint()
    detectors = _warm.get(key)
    if detectors is None:
        detectors = _warm[key] = build_detectors(vocabulary)
        prefilter_for(detectors)  # compiled here, not inside the first file's time limit
    return detectors


def worker_main(
    conn: Connection,
    limits: Limits,
    vocabulary: Vocabulary,
    nice: int,
    progress: MutableSequence[float],
) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the scan and records it as
    # interrupted; a worker just finishes its file (no traceback on the terminal)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    detectors = detectors_for(vocabulary)
    conn.send(READY)  # start-up (imports, patterns) does not count against the first file
    finished = 0
    while True:
        try:
            batch = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if batch is None:
            return
        tops: dict[str, int] = {}  # top folders opened for this batch only (a stick unmounts)
        out: list[FileResult] = []
        since = 0.0
        for task in batch:
            now = time.monotonic()
            if out and now - since >= FLUSH_S:
                conn.send(out)
                out = []
            if not out:
                since = now
            progress[STARTED] = now
            out.append(_analyzed(task, limits, detectors, tops))
            finished += 1
            progress[STARTED] = 0.0  # first: a scan that sees DONE move never sees a stale start
            progress[DONE] = finished
        conn.send(out)
        for fd in tops.values():
            close_quietly(fd)


def _analyzed(
    task: Task, limits: Limits, detectors: tuple[Any, ...], tops: dict[str, int]
) -> FileResult:
    try:
        return analyze(task, limits, detectors, tops)
    except Exception as exc:  # noqa: BLE001 - never let one file kill the worker
        err = ExtractError(ErrorReason.CORRUPT, f"internal error: {type(exc).__name__}: {exc}")
        return FileResult(task.path, task.size, "", "unknown", (), (err,), task.mtime_ns)
