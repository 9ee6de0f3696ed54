"""Watching one folder tree with a bounded number of inotify watches, polling past the bound.

A stick with 200,000 folders must not exhaust the kernel's watches, overflow the event queue or
keep the agent busy for minutes; one with 1,300 nested folders must not end the watch in a
``RecursionError``. So a :class:`TreeWatch`:

- sets up its watches breadth first and iteratively (no recursion), never through a link
  (``IN_DONT_FOLLOW | IN_ONLYDIR``); one thread drives every tree (``TasksMax`` stays small);
- watches at most ``limit`` folders of its tree, and only while the shared
  :class:`WatchBudget` (``agent.max_watches`` over all trees) has room;
- polls the folders past the bound every ``rescan_interval`` seconds: one ``lstat`` per folder,
  and only a folder whose mtime changed is listed; its new files and folders are reported. The
  tree is then *degraded* (``on_degraded`` is told once, the agent records ``watch_degraded``):
  files created, renamed or copied in are still seen within an interval, a file rewritten in
  place in a polled folder (same name, folder mtime unchanged) is not;
- with ``polling`` (FAT/FUSE/network filesystems inotify cannot see, ``agent.watch_polling``)
  polls every folder and lists each at every pass (its files' mtimes are compared);
- on an event-queue overflow reports the whole tree (rescanned; the scan cache keeps it cheap).
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
import time
from collections import deque
from collections.abc import Callable

from secaudit.agent import inotify
from secaudit.logs import logger

log = logger(__name__)

PathCallback = Callable[[str], None]
DegradedCallback = Callable[[str, dict[str, object]], None]
_FORWARD = inotify.IN_CLOSE_WRITE | inotify.IN_MOVED_TO | inotify.IN_CREATE | inotify.IN_MODIFY
_NEW_DIR = inotify.IN_CREATE | inotify.IN_MOVED_TO


class WatchBudget:
    """Inotify watches left for all trees together (``agent.max_watches``)."""

    def __init__(self, total: int) -> None:
        self.total, self.used = total, 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.used >= self.total:
                return False
            self.used += 1
            return True

    def give(self, n: int = 1) -> None:
        with self._lock:
            self.used = max(0, self.used - n)


class TreeWatch:
    """The watches of ``folder`` (and below it with ``recursive``); driven by one thread for all
    trees (:class:`secaudit.agent.watches.WatchLoop`): ``setup``, then ``handle_events`` when
    its fd is readable and ``poll_pass`` when ``next_pass`` is due, ``close`` at the end."""

    def __init__(self, folder: str, on_path: PathCallback, *, budget: WatchBudget, limit: int,
                 recursive: bool = True, polling: bool = False, rescan_interval: float = 10.0,
                 on_degraded: DegradedCallback | None = None) -> None:
        self.folder, self.on_path = folder, on_path
        self.budget, self.limit, self.recursive = budget, limit, recursive
        self.polling, self.rescan_interval = polling, rescan_interval
        self.on_degraded = on_degraded
        self.degraded: dict[str, object] | None = None
        self.ready = threading.Event()
        self.fd: int | None = None if polling else inotify.init()
        self.next_pass = float("inf")
        """``time.monotonic()`` of the next poll of the folders past the bound (inf: none)."""
        self._wds: dict[int, str] = {}
        self._watched: set[str] = set()
        self._polled: dict[str, int] = {}
        self._last_pass = time.time()

    # -- lifecycle --------------------------------------------------------------------------

    def setup(self) -> None:
        """Watch the tree (iteratively); what cannot be watched is polled."""
        try:
            self._add_tree(self.folder)
        except Exception:  # a hostile tree must not stop the watches of the others
            log.exception("watch setup of %s", self.folder)
        self._last_pass = time.time()
        self._schedule()
        self.ready.set()

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None
        self.budget.give(len(self._wds))
        self._wds.clear()

    def handle_events(self) -> None:
        try:
            self._drain()
        except Exception:  # noqa: BLE001 - keep watching whatever one event did
            log.exception("watch of %s", self.folder)
        self._schedule()

    def poll_pass(self) -> None:
        try:
            self._rescan()
        except Exception:  # noqa: BLE001 - keep watching whatever one folder did
            log.exception("poll of %s", self.folder)
        self.next_pass = float("inf")
        self._schedule()

    def _schedule(self) -> None:
        if self._polled and self.next_pass == float("inf"):
            self.next_pass = time.monotonic() + self.rescan_interval

    @property
    def watch_count(self) -> int:
        return len(self._wds)

    @property
    def polled_count(self) -> int:
        return len(self._polled)

    # -- setting up -------------------------------------------------------------------------

    def _add_tree(self, top: str) -> None:
        """Watch (or poll) ``top`` and, with ``recursive``, every folder below it."""
        queue = deque([top])
        while queue:
            folder = queue.popleft()
            self._add_folder(folder)
            if self.recursive:
                queue.extend(_subfolders(folder))

    def _add_folder(self, folder: str) -> None:
        if folder in self._watched or folder in self._polled:
            return
        if self.fd is not None and len(self._wds) < self.limit and self.budget.take():
            try:
                wd = inotify.add_watch(self.fd, folder)
            except OSError as exc:
                self.budget.give()
                if exc.errno == 28:  # ENOSPC: the kernel's fs.inotify.max_user_watches
                    self._degrade("kernel inotify watch limit reached "
                                  "(fs.inotify.max_user_watches)")
                    self._poll(folder)
                return  # vanished, or not a folder any more (a link now): nothing to watch
            old = self._wds.get(wd)
            if old is not None:
                self.budget.give()  # the same folder under a new name (moved)
                self._watched.discard(old)
            self._wds[wd] = folder
            self._watched.add(folder)
            return
        if self.fd is not None:
            self._degrade(f"more than {self.limit} folders (agent.max_watches_per_medium)"
                          if len(self._wds) >= self.limit else
                          f"all {self.budget.total} watches in use (agent.max_watches)")
        self._poll(folder)

    def _poll(self, folder: str) -> None:
        try:
            self._polled[folder] = os.lstat(folder).st_mtime_ns
        except OSError:
            pass

    def _degrade(self, why: str) -> None:
        if self.degraded is not None:
            return
        self.degraded = {"folder": self.folder, "reason": why, "watches": len(self._wds),
                         "rescan_interval_s": self.rescan_interval}
        log.warning("watching %s in degraded mode: %s", self.folder, why)
        if self.on_degraded is not None:
            self.on_degraded(self.folder, self.degraded)

    # -- events -----------------------------------------------------------------------------

    def _drain(self) -> None:
        if self.fd is None:
            return
        for ev in inotify.read_events(self.fd):
            if ev.mask & inotify.IN_Q_OVERFLOW:
                self.on_path(self.folder)  # events were lost: the whole tree again
                continue
            if ev.mask & inotify.IN_IGNORED:
                gone = self._wds.pop(ev.wd, None)
                if gone is not None:
                    self._watched.discard(gone)
                    self.budget.give()
                continue
            base = self._wds.get(ev.wd)
            if base is None or not ev.name:
                continue
            path = f"{base}/{ev.name}"
            if ev.mask & inotify.IN_ISDIR:
                if ev.mask & _NEW_DIR and self.recursive:
                    self._add_tree(path)
                    self.on_path(path)
            elif ev.mask & _FORWARD:
                self.on_path(path)

    def _rescan(self) -> None:
        """One pass over the polled folders: a changed folder is listed, what is new reported."""
        since, self._last_pass = self._last_pass - 2.0, time.time()
        for folder, old in list(self._polled.items()):
            try:
                mtime = os.lstat(folder).st_mtime_ns
            except OSError:
                self._polled.pop(folder, None)
                continue
            if mtime == old and not self.polling:
                continue
            self._polled[folder] = mtime
            self._list_changed(folder, since)

    def _list_changed(self, folder: str, since: float) -> None:
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            return
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if self.recursive and entry.path not in self._polled \
                        and entry.path not in self._watched:
                    self._add_tree(entry.path)
                    self.on_path(entry.path)
            elif max(st.st_mtime, st.st_ctime) >= since:
                self.on_path(entry.path)


def _subfolders(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as it:
            return sorted(e.path for e in it if e.is_dir(follow_symlinks=False))
    except OSError:
        return []
