"""File watching for the agent: one bounded :class:`.treewatch.TreeWatch` per watched folder.

``Watches`` maps a watched folder (a mounted medium, an internet-host root, a mail store) to its
tree watch; the watch only forwards the path of a created/modified/closed/moved-to file (or a new
folder) to a callback (the agent's debouncer). inotify is used where it works, with at most
``agent.max_watches_per_medium`` watches per tree and ``agent.max_watches`` in all; past that, and
where inotify may miss changes (FAT/exFAT/NTFS/FUSE/network filesystems, see
``secaudit.sources.removable.POLLING_FSTYPES``, or ``agent.watch_polling``), folders are polled
every ``agent.watch_rescan_interval`` seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from secaudit.agent.inotify import InotifyUnavailable
from secaudit.agent.treewatch import DegradedCallback, TreeWatch, WatchBudget
from secaudit.logs import logger

log = logger(__name__)

PathCallback = Callable[[str], None]
SETUP_WAIT_S = 2.0
"""``add`` waits this long for a tree's watches to be set up (a huge tree goes on behind)."""


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
            tree.start()
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
        if tree is not None:
            tree.stop()

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
