"""Which folders the agent watches, and where their file events go.

``WatchSet`` owns the observers (:class:`.watches.Watches`) of three kinds of folders and routes
every event to the agent's debouncer with a tag saying what the folder is:

- ``medium``: a mounted removable medium (polling observer for FUSE/network filesystems or
  when ``agent.watch_polling``), watched from insertion to removal;
- ``root``: the configured roots (``agent.roots``, ``~`` = every user's home), watched on
  every host (judged as ``internet_host`` or ``local`` by the configured role); a root created
  later is picked up by the next ``sync_roots``;
- ``mail``: the folders holding the mail stores (mbox files: their folder, not recursive).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from secaudit.agent.watches import Watches
from secaudit.model import Medium
from secaudit.sources.mailstores import expand_user_globs, find_mail_stores
from secaudit.sources.removable import needs_polling


def path_in(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


class WatchSet:
    def __init__(self, agent: Any) -> None:
        self.agent = agent
        cfg = agent.config.agent
        self.observers = Watches(poll_interval=cfg.watch_rescan_interval,
                                 limit=cfg.max_watches_per_medium, total=cfg.max_watches,
                                 on_degraded=self._degraded)
        self._lock = threading.Lock()
        self._roots: list[str] = []
        self._stores: list[str] = []
        self._mail_folders: list[str] = []

    def _degraded(self, folder: str, detail: dict[str, object]) -> None:
        """A tree is partly polled: recorded (``watch_degraded``) from the watch's thread."""
        from secaudit.ledger import Ledger

        with Ledger(self.agent.config.home.ledger) as ledger:
            ledger.append("watch_degraded", {**detail, "folder": folder})

    def _touch(self, kind: str, where: str, path: str) -> None:
        self.agent.debouncer.touch((kind, path), (kind, where))

    # -- media --------------------------------------------------------------------------------

    def watch_medium(self, medium: Medium) -> None:
        mp = medium.mountpoint
        polling = needs_polling(medium.fstype) or self.agent.config.agent.watch_polling
        self.observers.add(mp, lambda p: self._touch("medium", mp, p), polling=polling)

    def unwatch(self, folder: str) -> None:
        self.observers.remove(folder)

    # -- internet-host roots ------------------------------------------------------------------

    def roots(self) -> list[str]:
        """The configured roots that exist (``~`` expanded for every user)."""
        # a root replaced by a link stays in the list: the scan refuses it with a record
        return [str(p) for p in expand_user_globs(self.agent.config.agent.roots)
                if p.is_dir() or p.is_symlink()]

    def sync_roots(self) -> list[str]:
        """Watch the roots while the agent says so; returns the roots newly watched (a folder
        such as ``~/下载`` created after the agent started is picked up here)."""
        wanted = self.roots() if self.agent.watches_roots else []
        with self._lock:
            old, self._roots = self._roots, wanted
        for root in old:
            if root not in wanted:
                self.observers.remove(root)
        polling = self.agent.config.agent.watch_polling
        for root in wanted:
            self.observers.add(root, lambda p, r=root: self._touch("root", r, p), polling=polling)
        return [r for r in wanted if r not in old]

    # -- mail stores --------------------------------------------------------------------------

    def mail_stores(self) -> list[str]:
        with self._lock:
            return list(self._stores)

    def sync_mail(self) -> list[str]:
        """Find the mail stores again, watch their folders; returns the stores."""
        stores = [str(s) for s in find_mail_stores(self.agent.config.agent)]
        folders: dict[str, bool] = {}
        for store in stores:
            if Path(store).is_dir():
                folders[store] = True
            else:
                folders.setdefault(str(Path(store).parent), False)
        with self._lock:
            old, self._stores, self._mail_folders = self._mail_folders, stores, list(folders)
        for folder in old:
            if folder not in folders:
                self.observers.remove(folder)
        for folder, recursive in folders.items():
            self.observers.add(folder, self._mail_event, recursive=recursive,
                               polling=self.agent.config.agent.watch_polling)
        return stores

    def _mail_event(self, path: str) -> None:
        for store in self.mail_stores():
            if path_in(path, store):
                self._touch("mail", store, store)
                return

    # -- all ----------------------------------------------------------------------------------

    def reset_roots_and_mail(self) -> None:
        with self._lock:
            old = self._roots + self._mail_folders
            self._roots, self._mail_folders, self._stores = [], [], []
        for folder in old:
            self.observers.remove(folder)

    def watched(self) -> list[str]:
        return self.observers.folders()

    def close(self) -> None:
        self.observers.close()
