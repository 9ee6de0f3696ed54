"""The scan pipeline run once: walk → (cache | workers: extract + detect) → policy → ledger.

Usable without the CLI::

    >>> with Scanner(load_config(home), load_policy(), ledger=Ledger(path)) as scanner:
    ...     run = scanner.scan(["/media/usb"], ScanContext(channel=Channel.REMOVABLE_MEDIA))
    >>> run.to_json()["summary"]
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from secaudit import __version__
from secaudit.config import Config
from secaudit.detect.registry import build_detectors, detect, detectors_version
from secaudit.extract.image.ocr import ocr_cache_key
from secaudit.ledger import Ledger, now_iso
from secaudit.ledger.repeats import mark_repeats
from secaudit.model import (
    Channel,
    ExtractError,
    FileResult,
    Location,
    ScanContext,
    TextChunk,
)
from secaudit.policy.evaluate import evaluate_file
from secaudit.scan.cache import ScanCache
from secaudit.scan.partial import needs_partial_read, partial_findings
from secaudit.scan.run import ScanRun, finished_event, result_events, violation_events
from secaudit.scan.walk import WalkEntry, WalkProblem, WalkTick, is_picture, walk
from secaudit.textsafe import readable_name

if TYPE_CHECKING:
    from secaudit.detect.base import Detector
    from secaudit.policy import Policy
    from secaudit.scan.workers import Task, WorkerPool

__all__ = ["Progress", "ScanRun", "Scanner"]

EXTRACT_VERSION = "8"  # 7: pptx table row lines (issue 17); 8: pptx footer text boxes
"""Bump when extraction output changes (part of the cache key)."""
MAX_DEFERRED_PICTURES = 20_000
"""Pictures held back until the other files are sent; past this many they go in walk order."""
"""Read after the other files of a scan (only the order changes: every file is read)."""

Progress = Callable[[int, int, str], None]
"""progress(files_done, bytes_done, current_path)"""


class Scanner:
    """Runs scans with one worker pool, one cache and (optionally) one ledger."""

    def __init__(
        self,
        config: Config,
        policy: Policy,
        *,
        ledger: Ledger | None = None,
        workers: int | None = None,
        use_cache: bool = True,
        nice: int = 0,
    ) -> None:
        self.config = config
        self.policy = policy
        self.ledger = ledger
        self.limits = config.scan.limits()
        self.version_key = (
            f"secaudit {__version__};extract {EXTRACT_VERSION};{ocr_cache_key(self.limits)};"
            f"{detectors_version(policy.vocabulary)}"
        )
        self._workers = workers if workers is not None else config.scan.workers
        self._nice = nice
        self._pool_obj: WorkerPool | None = None
        self._events: list[tuple[str, Any]] = []
        self._digests: dict[str, str] = {}
        self._flushed = 0.0
        self._detectors: tuple[Detector, ...] | None = None
        self._cache = (
            ScanCache(config.home.cache_dir / "scan-cache.db", self.version_key)
            if use_cache
            else None
        )

    @property
    def detectors(self) -> tuple[Detector, ...]:
        """The detectors, built on first use (a rescan served from the cache needs none)."""
        if self._detectors is None:
            self._detectors = build_detectors(self.policy.vocabulary)
        return self._detectors

    @property
    def _pool(self) -> WorkerPool:
        """The worker pool, made on first use (its processes start with the first task)."""
        if self._pool_obj is None:
            from secaudit.scan.workers import WorkerPool

            self._pool_obj = WorkerPool(
                self.limits, self.policy.vocabulary, self._workers, nice=self._nice
            )
        return self._pool_obj

    def release_workers(self, *, servers: bool = False) -> None:
        """Stop the worker processes now (and with ``servers`` the fork server and resource
        tracker too); the next scan starts them again."""
        if self._pool_obj is not None:
            self._pool_obj.close()
        if servers:
            from secaudit.scan.workers import stop_process_servers

            stop_process_servers()

    def close(self) -> None:
        if self._pool_obj is not None:
            self._pool_obj.close()
        if self._cache:
            self._cache.close()

    def __enter__(self) -> Scanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API -------------------------------------------------------------------------

    def scan(
        self,
        paths: Sequence[str | Path],
        ctx: ScanContext,
        *,
        trigger: str = "cli",
        list_all: bool = False,
        progress: Progress | None = None,
        keep_clean: bool = True,
    ) -> ScanRun:
        """Scan files and folders; evaluate the policy; record in the ledger as results come.

        A scan that fails part-way (or is interrupted) still records what it found and a
        ``scan_finished`` whose ``state`` says so; the exception is raised again.
        """
        run = self._start([os.path.abspath(p) for p in paths], ctx, trigger, list_all)
        run.keep_clean = keep_clean or list_all
        t0 = time.monotonic()
        keys: dict[str, tuple[int, int, int]] = {}
        with self._recorded(run, t0):
            for result in self._results(run, keys):
                self._accept(run, result, keys.pop(result.path, None), progress)
        return run

    def scan_blob(
        self,
        name: str,
        data: bytes,
        ctx: ScanContext,
        *,
        trigger: str = "mail",
        display_path: str | None = None,
    ) -> ScanRun:
        """Scan bytes that are not a file of their own (one e-mail message of a mailbox)."""
        path = display_path or name
        run = self._start([path], ctx, trigger, False)
        t0 = time.monotonic()
        from secaudit.scan.workers import Task

        task = Task(path=path, size=len(data), data=data, name=name)
        return self.scan_tasks(run, [task], t0)

    def scan_slice(
        self, name: str, file: str, offset: int, length: int, ident: tuple[int, int],
        ctx: ScanContext, *, trigger: str = "mail", display_path: str | None = None,
    ) -> ScanRun:
        """Scan ``length`` bytes at ``offset`` of ``file`` (one message of an mbox, a whole
        ``.eml``): a worker reads them (:mod:`.safeopen`, ``max_file_size``, its time limit),
        so the caller never holds the bytes. ``ident`` is the file's (device, inode)."""
        from secaudit.scan.workers import Task

        path = display_path or file
        run = self._start([path], ctx, trigger, False)
        task = Task(path=path, size=length, name=name, top=file, dev=ident[0], ino=ident[1],
                    offset=offset, length=length)
        return self.scan_tasks(run, [task], time.monotonic())

    def scan_tasks(self, run: ScanRun, tasks: list[Task], t0: float) -> ScanRun:
        with self._recorded(run, t0):
            for result in self._pool.run(tasks):
                self._accept(run, result, None, None)
        return run

    @contextlib.contextmanager
    def _recorded(self, run: ScanRun, t0: float) -> Iterator[None]:
        """The run's end state (complete, failed, interrupted) and its ``scan_finished``, however
        the body ends; the exception goes on."""
        try:
            yield
            run.state = "complete"
        except BaseException as exc:
            run.state = "failed" if isinstance(exc, Exception) else "interrupted"
            run.failure = f"{type(exc).__name__}: {exc}"[:500]
            raise
        finally:
            self._finish(run, t0)

    # -- internals --------------------------------------------------------------------------

    def _start(self, paths: list[str], ctx: ScanContext, trigger: str, list_all: bool) -> ScanRun:
        if not ctx.hostname:
            ctx = replace(ctx, hostname=self.config.hostname)
        run = ScanRun(
            scan_id=uuid.uuid4().hex,
            paths=paths,
            context=ctx,
            policy_identity=self.policy.identity(),
            started=now_iso(),
            list_all=list_all,
        )
        if self.ledger:
            self.ledger.append(
                "scan_started",
                {
                    "scan_id": run.scan_id,
                    "paths": paths,
                    "channel": ctx.channel.value,
                    "host": {"hostname": ctx.hostname, "role": ctx.host_role.value},
                    "policy": run.policy_identity,
                    "trigger": trigger,
                },
            )
        return run

    def _results(
        self, run: ScanRun, keys: dict[str, tuple[int, int, int]]
    ) -> Iterator[FileResult]:
        """Cached results first-hand, walk problems as error results, the rest via workers.

        The walk is consumed lazily by the worker pool, so reading starts with the first files
        found (progress shows at once; a huge tree is never held in memory as a task list).
        Pictures (by name: ``.jpg``, ``.png`` …) are read last: OCR costs ~1 s each, and the
        documents of a camera card or a photo folder should not wait behind them.
        ``keys`` receives (inode, ctime, device) of every file handed to the workers (cache key).
        """
        ready: deque[FileResult] = deque()  # cached and unreachable files, met during the walk
        pictures: list[Task] = []

        if self._cache:
            self._cache.prefetch(run.paths)

        failed: list[Exception] = []

        def tasks() -> Iterator[Task | None]:
            for item in _guarded(walk(run.paths, self.config.scan.exclude, ticks=True), failed):
                if isinstance(item, WalkTick):
                    yield None  # the pool hands out what it has before the walk goes on
                    continue
                if isinstance(item, WalkProblem):
                    err = ExtractError(item.reason, item.detail)
                    ready.append(FileResult(item.path, 0, "", "unknown", (), (err,)))
                    continue
                cached = None
                if self._cache:
                    cached = self._cache.get(item.path, item.size, item.mtime_ns, item.inode,
                                             item.ctime_ns, item.dev)
                if cached is not None:
                    run.cached_files += 1
                    ready.append(cached)
                else:
                    # only fresh results go into the cache
                    keys[item.path] = (item.inode, item.ctime_ns, item.dev)
                    if is_picture(item.path) and len(pictures) < MAX_DEFERRED_PICTURES:
                        pictures.append(_task(item))
                    else:
                        yield _task(item)
            yield from pictures

        source = tasks()
        # all cached: no worker pool is made, nothing is imported
        first = next((t for t in source if t is not None), None)
        if first is not None:
            for result in self._pool.run(itertools.chain((first,), source)):
                while ready:
                    yield ready.popleft()
                yield result
        while ready:
            yield ready.popleft()
        if failed:  # the walk broke: what it had found is read and recorded, then the failure
            raise failed[0]

    def _accept(
        self, run: ScanRun, result: FileResult, key: tuple[int, int, int] | None,
        progress: Progress | None,
    ) -> None:
        if not result.findings and not result.sha256:
            # never read (too large, timeout, unreadable): its name is still checked
            name = readable_name(os.path.basename(result.path))
            name_chunk = TextChunk(text=name, location=Location.FILENAME)
            found = tuple(detect([name_chunk], self.detectors))
            if needs_partial_read(result):  # too large: its head and tail are still read
                found += partial_findings(result, self.detectors)
            result = replace(result, findings=found)
        result = result.masked()  # issue 12 #9: no full ID/card number past this point
        if self._cache and key is not None:
            self._cache.put(result, *key)
        if run.keep_clean or result.findings or result.errors:
            run.results.append(result)
        if result.sha256 or result.format != "unknown":
            run.files_scanned += 1
            run.bytes_scanned += result.size
        violations = evaluate_file(self.policy, result, _context_for(run.context, result))
        run.violations.extend(violations)
        if self.ledger and (result.findings or result.errors or violations):
            # recorded as they come (at most a second late): a scan that dies later has its
            # findings in the ledger
            if result.sha256:
                self._digests[result.path] = result.sha256
            self._events += [*result_events(run, result), *violation_events(run, violations)]
            if len(self._events) >= 200 or time.monotonic() - self._flushed > 1.0:
                self._flush_events()
        if progress:
            progress(run.files_scanned, run.bytes_scanned, result.path)

    def _finish(self, run: ScanRun, t0: float) -> None:
        run.finished = now_iso()
        run.duration_s = round(time.monotonic() - t0, 3)
        if self._cache:
            self._cache.flush()
        self._flush_events()
        if self.ledger:
            self.ledger.append_many([finished_event(run)])

    def _flush_events(self) -> None:
        events, self._events = self._events, []
        digests, self._digests = self._digests, {}
        self._flushed = time.monotonic()
        if events and self.ledger:
            # violations already judged in the report period are folded (ledger/repeats.py)
            self.ledger.append_many(mark_repeats(self.ledger, events, digests=digests))


def _context_for(ctx: ScanContext, result: FileResult) -> ScanContext:
    """An e-mail message scanned as channel ``email`` without known recipients (a ``.eml`` or
    ``.msg`` file given on the command line) is judged with its own headers (From, To, Cc …),
    so the rules on external recipients apply to it as they do in the agent's mail path."""
    if ctx.channel is not Channel.EMAIL or ctx.mail is not None:
        return ctx
    if result.format not in ("eml", "msg") or not result.sha256:
        return ctx
    from secaudit.extract.mail.mail import mail_meta
    from secaudit.scan.safeopen import open_top, read_capped

    try:
        fd, st = open_top(result.path)  # never through a link; a regular file
        try:
            head = read_capped(fd, _HEADERS_MAX, length=min(st.st_size, _HEADERS_MAX))
        finally:
            os.close(fd)
        return replace(ctx, mail=mail_meta(head))
    except Exception:  # noqa: BLE001 - unreadable headers: judge without recipients
        return ctx


_HEADERS_MAX = 1024 * 1024
"""Bytes of a message read in the scanning process for its headers (the rest: the workers)."""


def _guarded(items: Iterator[WalkEntry | WalkProblem | WalkTick],
             failed: list[Exception]) -> Iterator[WalkEntry | WalkProblem | WalkTick]:
    """``items`` until one fails; the failure goes to ``failed`` (files already found are still
    read before the scan reports it)."""
    try:
        yield from items
    except Exception as exc:  # noqa: BLE001 - re-raised by the caller once the pool is drained
        failed.append(exc)


def _task(entry: WalkEntry) -> Task:
    from secaudit.scan.workers import Task

    return Task(path=entry.path, size=entry.size, mtime_ns=entry.mtime_ns, top=entry.top,
                rel=entry.rel, dev=entry.dev, ino=entry.inode)
