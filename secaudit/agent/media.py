"""Removable-media side of the agent: notice mounts/unmounts and turn them into evidence.

``MediaMonitor`` runs in its own thread with its own ledger connection. It sleeps in ``poll()`` on
/proc/self/mountinfo (``MountinfoWatcher``), re-reads the mount table on a change (or every
``agent.media_poll_interval`` s as a safety net), and diffs the removable mounts:

- new mount: identify the medium, look it up in the policy's register, compute the host roles
  it was seen on (this ledger's history + register + this host), record ``media_inserted`` and
  the policy's medium violations, then hand it to the agent (scan at once, watch);
- a medium still mounted since the previous agent stopped is recorded as ``media_seen_again``,
  not as a new insertion; its violations already judged in the period become one
  ``violation_repeated`` event (:mod:`secaudit.ledger.repeats`);
- mount gone: record ``media_removed`` and tell the agent to stop watching.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from secaudit.ledger import Ledger
from secaudit.ledger.repeats import mark_repeats
from secaudit.logs import logger
from secaudit.model import Channel, Medium, ScanContext
from secaudit.policy.evaluate import evaluate_medium
from secaudit.sources.removable import (
    MountEntry,
    MountinfoWatcher,
    identify_medium,
    removable_mounts,
)

log = logger(__name__)


def seen_roles(ledger: Ledger, medium: Medium) -> set[str]:
    """Host roles recorded for this medium (same serial or fs UUID) in earlier insertions."""
    roles: set[str] = set()
    for ev in ledger.events(kinds=["media_inserted"]):
        old = ev.data.get("medium", {}) if isinstance(ev.data, dict) else {}
        same_serial = medium.serial and old.get("serial") == medium.serial
        same_uuid = medium.fs_uuid and old.get("fs_uuid") == medium.fs_uuid
        if (same_serial or same_uuid) and ev.data.get("host_role"):
            roles.add(str(ev.data["host_role"]))
    return roles


def open_insertions(ledger: Ledger) -> dict[str, dict[str, Any]]:
    """Media recorded as inserted and never removed, by mount point (still mounted when the
    previous agent stopped): found again at start they are ``media_seen_again``, not new."""
    open_: dict[str, dict[str, Any]] = {}
    for ev in ledger.events(kinds=["media_inserted", "media_removed"]):
        medium = ev.data.get("medium") if isinstance(ev.data, dict) else None
        if not isinstance(medium, dict):
            continue
        mp = str(medium.get("mountpoint") or "")
        if ev.kind == "media_inserted":
            open_[mp] = medium
        else:
            open_.pop(mp, None)
    return open_


def _same_medium(old: dict[str, Any] | None, new: Medium) -> bool:
    if not old:
        return False
    return (str(old.get("serial") or ""), str(old.get("fs_uuid") or ""),
            str(old.get("device") or "")) == (new.serial, new.fs_uuid, new.device)


def violation_data(violation: Any, detail: dict[str, Any]) -> dict[str, Any]:
    """Ledger ``violation`` data for a violation found outside a scan."""
    return {**violation.to_json(), "scan_id": None, "detail": {**violation.detail, **detail}}


class MediaMonitor:
    """Thread that reports removable media coming and going to the agent's callbacks."""

    def __init__(
        self,
        agent: Any,
        on_inserted: Callable[[Medium, ScanContext], None],
        on_removed: Callable[[Medium], None],
    ) -> None:
        self.agent = agent
        self._on_inserted, self._on_removed = on_inserted, on_removed
        self.media: dict[str, Medium] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher = MountinfoWatcher()
        self._thread: threading.Thread | None = None
        self._left_mounted: dict[str, dict[str, Any]] | None = None
        """Insertions still open in the ledger when this agent started (read on first sync)."""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="media-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._watcher.wake()
        if self._thread:
            self._thread.join(timeout=10)
        self._watcher.close()

    def current(self) -> list[Medium]:
        with self._lock:
            return list(self.media.values())

    def sync_once(self, ledger: Ledger) -> None:
        """Compare the mount table with the media known and record the difference."""
        extra = self.agent.config.agent.removable_extra
        mounts = removable_mounts(extra, entries=self._watcher.read())
        if self._left_mounted is None:
            self._left_mounted = open_insertions(ledger)
        with self._lock:
            gone = [mp for mp in self.media if mp not in mounts]
            new = [entry for mp, entry in mounts.items() if mp not in self.media]
        for mp in gone:
            self._removed(ledger, mp)
        for entry in new:
            try:
                self._inserted(ledger, entry)
            except Exception as exc:  # one odd device must not stop the monitor
                log.exception("medium %s", entry.mountpoint)
                ledger.append("error", {"where": "agent.media", "message": str(exc)[:500]})

    def _run(self) -> None:
        ledger = Ledger(self.agent.config.home.ledger)
        try:
            while not self._stop.is_set():
                self.sync_once(ledger)
                self._watcher.wait(self.agent.config.agent.media_poll_interval)
        finally:
            ledger.close()

    def _inserted(self, ledger: Ledger, entry: MountEntry) -> None:
        policy, role = self.agent.policy, self.agent.config.host.role.value
        medium = identify_medium(entry)
        registered, reg_role = policy.lookup_medium(medium.serial, medium.fs_uuid)
        roles = seen_roles(ledger, medium) | {role} | ({reg_role} if reg_role else set())
        lookalike = policy.unverified_entry(medium.serial, medium.fs_uuid)  # UUID only: 未验证
        medium = replace(medium, registered=registered, registered_role=reg_role,
                         seen_roles=frozenset(roles),
                         unverified=(lookalike.label or lookalike.fs_uuid) if lookalike else "")
        ctx = self.agent.context(Channel.REMOVABLE_MEDIA, medium=medium)
        left = (self._left_mounted or {}).pop(entry.mountpoint, None)
        kind = "media_seen_again" if _same_medium(left, medium) else "media_inserted"
        items: list[tuple[str, Any]] = [(kind, {"medium": medium.to_json(), "host_role": role})]
        items += [("violation", violation_data(v, {"medium": medium.to_json()}))
                  for v in evaluate_medium(policy, medium, ctx)]
        ledger.append_many(mark_repeats(ledger, items))
        with self._lock:
            self.media[entry.mountpoint] = medium
        self._on_inserted(medium, ctx)

    def _removed(self, ledger: Ledger, mountpoint: str) -> None:
        with self._lock:
            medium = self.media.pop(mountpoint)
        ledger.append("media_removed", {"medium": medium.to_json(),
                                        "host_role": self.agent.config.host.role.value})
        self._on_removed(medium)
