"""File watching for the agent: one watchdog observer per watched folder, handlers kept thin.

``Watches`` maps a watched folder (a mounted medium, an internet-host root, a mail store) to its
observer; the handler only forwards the path of a created/modified/closed/moved-to file to a
callback (the agent's debouncer). inotify is used where it works; the polling observer where
inotify may miss changes (FAT/exFAT/NTFS/FUSE/network filesystems, see
``secaudit.sources.removable.POLLING_FSTYPES``) or when ``agent.watch_polling`` is set.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from secaudit.logs import logger

log = logger(__name__)

PathCallback = Callable[[str], None]
_INTERESTING = frozenset({"created", "modified", "closed", "moved"})


class _ForwardHandler(FileSystemEventHandler):
    def __init__(self, on_path: PathCallback) -> None:
        self._on_path = on_path

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _INTERESTING:
            return
        if event.is_directory and event.event_type != "created" and event.event_type != "moved":
            return
        path = event.dest_path if event.event_type == "moved" else event.src_path
        if isinstance(path, bytes):
            path = path.decode("utf-8", "surrogateescape")
        if path:
            self._on_path(path)


class Watches:
    """Observers by watched folder; thread-safe ``add``/``remove``/``close``."""

    def __init__(self, poll_interval: float = 1.0) -> None:
        self.poll_interval = poll_interval
        self._observers: dict[str, BaseObserver] = {}
        self._lock = threading.Lock()

    def add(self, folder: str, on_path: PathCallback, *, polling: bool = False,
            recursive: bool = True) -> bool:
        """Start watching ``folder``; False when it cannot be watched (gone, no permission)."""
        with self._lock:
            if folder in self._observers:
                return True
            observer: BaseObserver = (
                PollingObserver(timeout=self.poll_interval) if polling else Observer()
            )
            try:
                observer.schedule(_ForwardHandler(on_path), folder, recursive=recursive)
                observer.daemon = True
                observer.start()
            except OSError as exc:
                log.warning("cannot watch %s: %s", folder, exc)
                with contextlib.suppress(Exception):
                    observer.stop()
                return False
            self._observers[folder] = observer
            return True

    def remove(self, folder: str) -> None:
        with self._lock:
            observer = self._observers.pop(folder, None)
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)

    def folders(self) -> list[str]:
        with self._lock:
            return sorted(self._observers)

    def close(self) -> None:
        for folder in self.folders():
            self.remove(folder)
