"""What a scan reads, in order: the walk's files served from the cache or read by the workers.

The walk is consumed lazily by the worker pool, so reading starts with the first files found
(progress shows at once; a huge tree is never held in memory as a task list). Walk problems
(unreadable folders, links) come back as error results; cached files as they were stored.
Pictures (by name: ``.jpg``, ``.png`` …) are read last: OCR costs ~1 s each, and the documents of
a camera card or a photo folder should not wait behind them.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from secaudit.model import ExtractError, FileResult
from secaudit.scan.cache import ScanCache
from secaudit.scan.run import ScanRun
from secaudit.scan.walk import WalkEntry, WalkProblem, WalkTick, is_picture, walk

if TYPE_CHECKING:
    from secaudit.scan.analyze import Task
    from secaudit.scan.workers import WorkerPool

__all__ = ["MAX_DEFERRED_PICTURES", "results"]

MAX_DEFERRED_PICTURES = 20_000
"""Pictures held back until the other files are sent; past this many they go in walk order."""
"""Read after the other files of a scan (only the order changes: every file is read)."""


def results(
    run: ScanRun,
    keys: dict[str, tuple[int, int, int]],
    *,
    exclude: tuple[str, ...],
    cache: ScanCache | None,
    pool: Callable[[], WorkerPool],
) -> Iterator[FileResult]:
    """Cached results first-hand, walk problems as error results, the rest via workers.

    ``pool`` makes (or returns) the worker pool; it is called only when some file needs reading.
    ``keys`` receives (inode, ctime, device) of every file handed to the workers (cache key).
    """
    ready: deque[FileResult] = deque()  # cached and unreachable files, met during the walk
    pictures: list[Task] = []

    if cache:
        cache.prefetch(run.paths)

    failed: list[Exception] = []

    def tasks() -> Iterator[Task | None]:
        for item in _guarded(walk(run.paths, exclude, ticks=True), failed):
            if isinstance(item, WalkTick):
                yield None  # the pool hands out what it has before the walk goes on
                continue
            if isinstance(item, WalkProblem):
                err = ExtractError(item.reason, item.detail)
                ready.append(FileResult(item.path, 0, "", "unknown", (), (err,)))
                continue
            cached = None
            if cache:
                cached = cache.get(
                    item.path, item.size, item.mtime_ns, item.inode, item.ctime_ns, item.dev
                )
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
        for result in pool().run(itertools.chain((first,), source)):
            while ready:
                yield ready.popleft()
            yield result
    while ready:
        yield ready.popleft()
    if failed:  # the walk broke: what it had found is read and recorded, then the failure
        raise failed[0]


def _guarded(
    items: Iterator[WalkEntry | WalkProblem | WalkTick], failed: list[Exception]
) -> Iterator[WalkEntry | WalkProblem | WalkTick]:
    """``items`` until one fails; the failure goes to ``failed`` (files already found are still
    read before the scan reports it)."""
    try:
        yield from items
    except Exception as exc:  # noqa: BLE001 - re-raised by the caller once the pool is drained
        failed.append(exc)


def _task(entry: WalkEntry) -> Task:
    from secaudit.scan.analyze import Task

    return Task(
        path=entry.path,
        size=entry.size,
        mtime_ns=entry.mtime_ns,
        top=entry.top,
        rel=entry.rel,
        dev=entry.dev,
        ino=entry.inode,
    )
