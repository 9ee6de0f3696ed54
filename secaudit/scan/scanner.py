"""The scan pipeline run once: walk → (cache | workers: extract + detect) → policy → ledger.

Usable without the CLI::

    >>> with Scanner(load_config(home), load_policy(), ledger=Ledger(path)) as scanner:
    ...     run = scanner.scan(["/media/usb"], ScanContext(channel=Channel.REMOVABLE_MEDIA))
    >>> run.to_json()["summary"]
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from secaudit import __version__
from secaudit.config import Config
from secaudit.context import ScanContext
from secaudit.detect.registry import build_detectors, detect, detectors_version
from secaudit.extract.image.ocr import ocr_cache_key
from secaudit.ledger import Ledger, now_iso
from secaudit.model import FileResult, Location, TextChunk
from secaudit.policy.evaluate import evaluate_file
from secaudit.scan import feed
from secaudit.scan.cache import ScanCache
from secaudit.scan.mailcontext import context_for
from secaudit.scan.partial import needs_partial_read, partial_findings
from secaudit.scan.record import RunRecorder
from secaudit.scan.run import ScanRun
from secaudit.scan.servers import CACHE_FILE
from secaudit.textsafe import readable_name

if TYPE_CHECKING:
    from secaudit.detect.base import Detector
    from secaudit.policy import Policy
    from secaudit.scan.analyze import Task
    from secaudit.scan.workers import WorkerPool

__all__ = ["Progress", "ScanRun", "Scanner"]

EXTRACT_VERSION = "8"  # 7: pptx table row lines (issue 17); 8: pptx footer text boxes
"""Bump when extraction output changes (part of the cache key)."""

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
        self._recorder = RunRecorder(ledger)
        self._detectors: tuple[Detector, ...] | None = None
        self._cache = (
            ScanCache(config.home.cache_dir / CACHE_FILE, self.version_key) if use_cache else None
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
            results = feed.results(
                run,
                keys,
                exclude=self.config.scan.exclude,
                cache=self._cache,
                pool=lambda: self._pool,
            )
            for result in results:
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
        from secaudit.scan.analyze import Task

        task = Task(path=path, size=len(data), data=data, name=name)
        return self.scan_tasks(run, [task], t0)

    def scan_slice(
        self,
        name: str,
        file: str,
        offset: int,
        length: int,
        ident: tuple[int, int],
        ctx: ScanContext,
        *,
        trigger: str = "mail",
        display_path: str | None = None,
    ) -> ScanRun:
        """Scan ``length`` bytes at ``offset`` of ``file`` (one message of an mbox, a whole
        ``.eml``): a worker reads them (:mod:`.safeopen`, ``max_file_size``, its time limit),
        so the caller never holds the bytes. ``ident`` is the file's (device, inode)."""
        from secaudit.scan.analyze import Task

        path = display_path or file
        run = self._start([path], ctx, trigger, False)
        task = Task(
            path=path,
            size=length,
            name=name,
            top=file,
            dev=ident[0],
            ino=ident[1],
            offset=offset,
            length=length,
        )
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
        self._recorder.started(run, trigger)
        return run

    def _accept(
        self,
        run: ScanRun,
        result: FileResult,
        key: tuple[int, int, int] | None,
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
        violations = evaluate_file(self.policy, result, context_for(run.context, result))
        run.violations.extend(violations)
        self._recorder.result(run, result, violations)  # at most a second late
        if progress:
            progress(run.files_scanned, run.bytes_scanned, result.path)

    def _finish(self, run: ScanRun, t0: float) -> None:
        run.finished = now_iso()
        run.duration_s = round(time.monotonic() - t0, 3)
        if self._cache:
            self._cache.flush()
        self._recorder.finished(run)
