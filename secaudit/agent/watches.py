"""File watching for the agent: one bounded :class:`.treewatch.TreeWatch` per watched folder.

``Watches`` maps a watched folder (a mounted medium, an internet-host root, a mail store) to its
tree watch, all driven by one thread (:class:`WatchLoop`); a watch only forwards the path of a
created/modified/closed/moved-to file (or a new folder) to a callback (the agent's debouncer).
inotify is used where it works, with at most ``agent.max_watches_per_medium`` watches per tree
and ``agent.max_watches`` in all; past that, and where inotify may miss changes
(FAT/exFAT/NTFS/FUSE/network filesystems, see ``secaudit.sources.removable.POLLING_FSTYPES``,
or ``agent.watch_polling``), folders are polled every ``agent.watch_rescan_interval`` seconds.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import threading
import time
from collections.abc import Callable

from secaudit.agent.inotify import InotifyUnavailable
from secaudit.agent.treewatch import DegradedCallback, TreeWatch, WatchBudget
from secaudit.logs import logger

log = logger(__name__)

PathCallback = Callable[[str], None]
SETUP_WAIT_S = 2.0
"""``add`` waits this long for a tree's watches to be set up (a huge tree goes on behind)."""


class WatchLoop:
    """One thread for every tree watch: sets trees up, reads their inotify events (epoll), runs
    their polling passes, closes them. ``add``/``remove`` may be called from any thread."""

    def __init__(self) -> None:
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        self._sel.register(self._wake_r, selectors.EVENT_READ)
        self._lock = threading.Lock()
        self._todo: list[tuple[str, TreeWatch, threading.Event]] = []
        self._trees: list[TreeWatch] = []
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="tree-watches", daemon=True)
        self._thread.start()

    def add(self, tree: TreeWatch) -> None:
        self._ask("add", tree)

    def remove(self, tree: TreeWatch, timeout: float = 10.0) -> None:
        self._ask("remove", tree).wait(timeout)

    def _ask(self, what: str, tree: TreeWatch) -> threading.Event:
        done = threading.Event()
        with self._lock:
            self._todo.append((what, tree, done))
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        return done

    def close(self) -> None:
        self._stopping = True
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        self._thread.join(timeout=10)
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._sel.close()

    def _run(self) -> None:
        while not self._stopping:
            self._do_todo()
            due = min((t.next_pass for t in self._trees), default=float("inf"))
            timeout = None if due == float("inf") else max(0.0, due - time.monotonic())
            for key, _ in self._sel.select(timeout):
                if key.fd == self._wake_r:
                    with contextlib.suppress(OSError):
                        os.read(self._wake_r, 4096)
                else:
                    key.data.handle_events()
            now = time.monotonic()
            for tree in list(self._trees):
                if tree.next_pass <= now:
                    tree.poll_pass()
        for tree in self._trees:
            tree.close()

    def _do_todo(self) -> None:
        with self._lock:
            todo, self._todo = self._todo, []
        for what, tree, done in todo:
            if what == "add":
                tree.setup()
                if tree.fd is not None:
                    self._sel.register(tree.fd, selectors.EVENT_READ, tree)
                self._trees.append(tree)
            elif tree in self._trees:
                self._trees.remove(tree)
                if tree.fd is not None:
                    with contextlib.suppress(KeyError, ValueError):
                        self._sel.unregister(tree.fd)
                tree.close()
            done.set()


class Watches:
    """Tree watches by watched folder; thread-safe ``add``/``remove``/``close``."""

    def __init__(self, poll_interval: float = 1.0, *, limit: int = 10_000,
                 total: int = 50_000, on_degraded: DegradedCallback | None = None) -> None:
        self.poll_interval = poll_interval
        self.limit = limit
        self.budget = WatchBudget(total)
        self.on_degraded = on_degraded
        self._trees: dict[str, TreeWatch] = {}
        self._lock = threading.Lock()
        self._loop: WatchLoop | None = None

    def add(self, folder: str, on_path: PathCallback, *, polling: bool = False,
            recursive: bool = True) -> bool:
        """Start watching ``folder``; False when it cannot be watched (gone, no permission)."""
        with self._lock:
            if folder in self._trees:
                return True
            try:
                tree = self._tree(folder, on_path, polling, recursive)
            except OSError as exc:
                log.warning("cannot watch %s: %s", folder, exc)
                return False
            if self._loop is None:
                self._loop = WatchLoop()
            self._loop.add(tree)
            self._trees[folder] = tree
        tree.ready.wait(SETUP_WAIT_S)
        return True

    def _tree(self, folder: str, on_path: PathCallback, polling: bool,
              recursive: bool) -> TreeWatch:
        kw = {"budget": self.budget, "limit": self.limit, "recursive": recursive,
              "rescan_interval": self.poll_interval, "on_degraded": self.on_degraded}
        try:
            return TreeWatch(folder, on_path, polling=polling, **kw)  # type: ignore[arg-type]
        except InotifyUnavailable as exc:
            log.warning("no inotify (%s): polling %s", exc, folder)
            return TreeWatch(folder, on_path, polling=True, **kw)  # type: ignore[arg-type]

    def remove(self, folder: str) -> None:
        with self._lock:
            tree = self._trees.pop(folder, None)
        if tree is not None and self._loop is not None:
            self._loop.remove(tree)

    def folders(self) -> list[str]:
        with self._lock:
            return sorted(self._trees)

    def degraded(self) -> dict[str, dict[str, object]]:
        """Trees watched in degraded mode (partly polled), with why."""
        with self._lock:
            return {f: t.degraded for f, t in self._trees.items() if t.degraded is not None}

    def close(self) -> None:
        for folder in self.folders():
            self.remove(folder)
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is not None:
            loop.close()
