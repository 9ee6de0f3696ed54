"""What the checks look at: one host (a filesystem root, live or not), the policy, the ledger.

:class:`HostView` reads each source once (cached) however many checks use it. ``live`` says
whether the root is the running host: only then are running processes and psutil sockets
looked at (a fake tree in tests, or a mounted disk image, has no processes of its own).
:class:`MarkedIndex` is what the ledger knows of marked documents: every ``finding`` event whose
classification is a level, by path and by sha256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from secaudit.ids import Level
from secaudit.policy.policy import Policy
from secaudit.sources import browser, desktop, doctraces, networks, software, syssettings, trash
from secaudit.sources.hostroot import HostRoot

_MAX_DIGEST = 64 * 1024 * 1024
"""Largest file hashed to look a recent document up by digest."""
DIGEST_BUDGET = 512 * 1024 * 1024
"""Bytes hashed per check run at most (a recent list can name hundreds of files)."""


@dataclass
class MarkedIndex:
    """Marked documents the ledger has seen: path → level id, sha256 → level id."""

    by_path: dict[str, str] = field(default_factory=dict)
    by_digest: dict[str, str] = field(default_factory=dict)
    hashed: int = 0
    """Bytes hashed so far (against ``DIGEST_BUDGET``)."""

    @classmethod
    def from_ledger(cls, ledger: Any) -> MarkedIndex:
        index = cls()
        if ledger is None:
            return index
        for event in ledger.events(kinds=["finding"]):
            data = event.data if isinstance(event.data, dict) else {}
            level = str(data.get("classification") or "none")
            if level == "none" or level not in {lv.value for lv in Level}:
                continue
            index.add(str(data.get("path") or ""), str(data.get("sha256") or ""), level)
        return index

    def add(self, path: str, sha256: str, level: str) -> None:
        for table, key in ((self.by_path, path), (self.by_digest, sha256)):
            if key and Level(level).rank > Level(table.get(key, "none")).rank:
                table[key] = level

    def level_of(self, host: HostRoot, path: str) -> str | None:
        """The level known for ``path``: by its path, else by the digest of the file there."""
        if path in self.by_path:
            return self.by_path[path]
        if not self.by_digest or self.hashed >= DIGEST_BUDGET:
            return None
        st = host.lstat(path)
        if st is None or st.st_size > min(_MAX_DIGEST, DIGEST_BUDGET - self.hashed):
            return None
        data = host.read_bytes(path, _MAX_DIGEST, quiet=True)
        if data is None:
            return None
        self.hashed += len(data)
        return self.by_digest.get(hashlib.sha256(data).hexdigest())


@dataclass
class HostView:
    """One host as the checks see it; each source is read on first use."""

    policy: Policy
    host: HostRoot = field(default_factory=HostRoot)
    live: bool = True
    marked: MarkedIndex = field(default_factory=MarkedIndex)
    role: str = "intranet"

    @cached_property
    def visits(self) -> list[browser.HostVisits]:
        return browser.browser_history(self.host)

    @cached_property
    def recent(self) -> list[doctraces.RecentDocument]:
        return doctraces.recent_documents(self.host)

    @cached_property
    def bins(self) -> list[trash.TrashBin]:
        return trash.trash_bins(self.host)

    @cached_property
    def profiles(self) -> list[networks.NetProfile]:
        return networks.network_profiles(self.host)

    @cached_property
    def radios(self) -> list[networks.Radio]:
        return networks.radios(self.host)

    @cached_property
    def packages(self) -> list[software.Package]:
        return software.installed_packages(self.host, live=self.live)

    @cached_property
    def programs(self) -> list[software.Program] | None:
        return software.running_programs() if self.live else None

    @cached_property
    def listeners(self) -> list[software.Listener]:
        return software.listening_sockets(self.host, live=self.live)

    @cached_property
    def screen_lock(self) -> desktop.ScreenLock:
        return desktop.screen_lock(self.host)

    @cached_property
    def password(self) -> syssettings.PasswordQuality:
        return syssettings.password_quality(self.host)
