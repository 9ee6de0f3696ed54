"""The agent (daemon): wires sources to the scan pipeline, the policy and the ledger.

::

    MediaMonitor (mountinfo poll) ─┐                      ┌─ files: Scanner.scan(paths, ctx)
    tree watches (Watches) ────────┼─► Debouncer ─► JobQueue ─► consumer thread
    main loop: connectivity, root ─┘   (agent_queue)     └─ mail:  scan_mail_once(stores)
    scans, mail discovery, status file, hooks

Threads: the main thread runs the schedule and handles signals (SIGTERM/SIGINT stop, SIGHUP
reloads config and policy); ``MediaMonitor`` and the consumer each own a ledger connection.
Every event goes to the ledger (kinds in docs/ledger-events.md). The process lowers its CPU and
I/O priority (``agent.nice``, ionice best-effort 7); idle, every thread sleeps in a blocking wait.

**Hooks**: ``agent.every(name, interval_s, fn)`` runs ``fn(agent)`` in the main thread every
``interval_s`` seconds. Later stages never get imported here: whoever starts the agent (the CLI)
hands it ``hooks``, functions called with the agent at start so they can call ``every`` (e.g.
:func:`secaudit.selfcheck.schedule.register` scheduling the self-inspection every
``agent.selfcheck_interval_days``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import psutil

from secaudit import __version__
from secaudit.agent.consumer import Consumer
from secaudit.agent.jobqueue import Debouncer, JobQueue, ScanJob
from secaudit.agent.lock import AgentLock
from secaudit.agent.media import MediaMonitor, violation_data
from secaudit.agent.status import collect_status, remove_status, write_status
from secaudit.agent.watchset import WatchSet
from secaudit.config import Config
from secaudit.ledger import Ledger
from secaudit.ledger.repeats import mark_repeats
from secaudit.logs import logger
from secaudit.model import Channel, HostRole, Medium, ScanContext
from secaudit.policy import Policy, load_policy
from secaudit.policy.evaluate import evaluate_host
from secaudit.sources.connectivity import ConnectivityState, probe_connectivity
from secaudit.sources.hostfacts import host_facts
from secaudit.sources.usbhistory import usb_history

__all__ = ["Agent", "Hook"]

log = logger(__name__)
STATUS_INTERVAL = 5.0


@dataclass
class _Periodic:
    name: str
    interval: float
    fn: Callable[[Agent], None]
    next_at: float = 0.0


Hook = Callable[["Agent"], None]
"""Called once with the agent at start; typically registers periodic work with ``every``."""


class Agent:
    """One agent process. ``run()`` blocks until SIGTERM (or, with ``once``, one full pass)."""

    def __init__(self, config: Config, *, loader: Callable[[], Config] | None = None,
                 once: bool = False, hooks: Sequence[Hook] = ()) -> None:
        self.config = config
        self._hooks = tuple(hooks)
        self.policy: Policy = load_policy(config.policy.path or None)
        self.once = once
        self._loader = loader
        self.connectivity: ConnectivityState | None = None
        self._recheck_host = False
        self.generation = 0
        self.started = time.time()
        self.queue = JobQueue(config.agent.queue_size)
        self._stop, self._reload = threading.Event(), threading.Event()
        self._wake = threading.Event()
        self._periodic: list[_Periodic] = []
        self.ledger = Ledger(config.home.ledger)
        self.debouncer = Debouncer(self._settled)
        self.watches = WatchSet(self)
        self.media = MediaMonitor(self, self._medium_inserted, self._medium_removed)
        self._consumer = threading.Thread(target=self._consume, name="scan-consumer", daemon=True)

    # -- public -----------------------------------------------------------------------------

    @property
    def connected(self) -> bool | None:
        return self.connectivity.connected if self.connectivity else None

    @property
    def watches_roots(self) -> bool:
        """Roots are scanned and watched on every host: the configured role decides how their
        files are judged (:attr:`root_channel`), connectivity only decides 违规外联."""
        return True

    @property
    def root_channel(self) -> Channel:
        """``internet_host`` on an internet-role host, else ``local`` (judged with the role)."""
        internet = self.config.host.role is HostRole.INTERNET
        return Channel.INTERNET_HOST if internet else Channel.LOCAL

    def context(self, channel: Channel, *, medium: Medium | None = None) -> ScanContext:
        return ScanContext(channel=channel, host_role=self.config.host.role,
                           hostname=self.config.hostname, connected=self.connected, medium=medium)

    def every(self, name: str, interval_s: float, fn: Callable[[Agent], None]) -> None:
        """Run ``fn(agent)`` in the main thread every ``interval_s`` seconds (first run: now)."""
        self._periodic.append(_Periodic(name, max(1.0, interval_s), fn))
        self._wake.set()

    def request_stop(self, *_: object) -> None:
        self._stop.set()
        self._wake.set()

    def request_reload(self, *_: object) -> None:
        self._reload.set()
        self._wake.set()

    def health(self) -> dict[str, Any]:
        """Agent health for the forwarding heartbeat (main thread): uptime, queue, media."""
        return {"uptime_s": round(time.time() - self.started, 1), "queue_depth": len(self.queue),
                "busy": not self.queue.is_idle(), "connected": self.connected,
                "media": [m.mountpoint for m in self.media.current()],
                "watched": len(self.watches.watched()), "generation": self.generation}

    def refresh_status(self) -> None:
        """Rewrite the status file soon (after a change the status should show)."""
        for task in self._periodic:
            if task.name == "status":
                task.next_at = 0.0
        self._wake.set()

    def enqueue(self, job: ScanJob) -> None:
        self.queue.put(job)

    def run(self) -> int:
        lock = AgentLock(self.config.home.run_dir)  # a second agent on this home: exit 2
        lock.acquire()
        try:
            return self._run()
        finally:
            lock.release()

    def _run(self) -> int:
        self._lower_priority()
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGHUP, self.request_reload)
        self._start()
        try:
            if self.once:
                self._run_once()
            else:
                self._loop()
        finally:
            self._shutdown()
        return 0

    # -- lifecycle --------------------------------------------------------------------------

    def _identity(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "version": __version__,
                "config": str(self.config.source) if self.config.source else None,
                "policy": self.policy.identity(), "role": self.config.host.role.value}

    def _start(self) -> None:
        self.config.home.ensure()
        self.ledger.append("agent_started", {**self._identity(), "host": host_facts(self.config)})
        log.info("started: pid %s, role %s, ledger %s", os.getpid(),
                 self.config.host.role.value, self.config.home.ledger)
        self._consumer.start()
        self._record_usb_history()
        self.every("connectivity", self.config.connectivity.interval, Agent._check_connectivity)
        self.every("roots", self.config.agent.scan_interval, Agent._scan_roots)
        self.every("mail", max(30.0, self.config.connectivity.interval), Agent._discover_mail)
        self.every("status", STATUS_INTERVAL, Agent._write_status)
        self._load_hooks()
        if not self.once:
            self.media.start()

    def _run_once(self) -> None:
        self.media.sync_once(self.ledger)
        for task in list(self._periodic):
            self._run_task(task)
        while not (self.queue.is_idle() and not self.debouncer.pending()):
            if self._stop.wait(0.1):
                break

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._reload.is_set():
                self._do_reload()
            now = time.monotonic()
            for task in list(self._periodic):
                if task.next_at <= now:
                    self._run_task(task)
            next_at = min(t.next_at for t in self._periodic)
            self._wake.wait(max(0.05, next_at - time.monotonic()))
            self._wake.clear()

    def _run_task(self, task: _Periodic) -> None:
        task.next_at = time.monotonic() + task.interval
        try:
            task.fn(self)
        except Exception as exc:  # a failing task is recorded and retried on schedule
            log.exception("periodic task %s", task.name)
            self.ledger.append("error", {"where": f"agent.{task.name}", "message": str(exc)[:500]})

    def _shutdown(self) -> None:
        self.media.stop()
        self.watches.close()
        self.debouncer.close()
        self.queue.close()
        self._stop.set()
        self._consumer.join(timeout=30)
        self.ledger.append("agent_stopped", self._identity())
        log.info("stopped")
        remove_status(self.config.home)
        self.ledger.close()

    def _do_reload(self) -> None:
        self._reload.clear()
        try:
            config = self._loader() if self._loader else self.config
            policy = load_policy(config.policy.path or None)
        except Exception as exc:  # keep running with the old config
            self.ledger.append("error", {"where": "agent.reload", "message": str(exc)[:500]})
            return
        self.config, self.policy = config, policy
        self.generation += 1
        self._recheck_host = True  # judge the host rules (违规外联) again with the new role
        self.watches.reset_roots_and_mail()
        self.watches.sync_roots()
        self.ledger.append("agent_reloaded", self._identity())
        log.info("reloaded: role %s, policy %s", config.host.role.value, policy.identity()["id"])
        for task in self._periodic:
            task.next_at = 0.0

    def _lower_priority(self) -> None:
        with contextlib.suppress(OSError):
            os.nice(self.config.agent.nice)
        with contextlib.suppress(Exception):
            psutil.Process().ionice(psutil.IOPRIO_CLASS_BE, value=7)

    def _load_hooks(self) -> None:
        for hook in self._hooks:
            hook(self)

    # -- sources ----------------------------------------------------------------------------

    def _record_usb_history(self) -> None:
        known = {(e.data.get("vendor_id"), e.data.get("product_id"), e.data.get("serial"),
                  e.data.get("last_seen")) for e in self.ledger.events(kinds=["media_seen"])}
        new = [r.to_json() for r in usb_history()
               if (r.vendor_id, r.product_id, r.serial, r.last_seen) not in known]
        if new:
            self.ledger.append_many(("media_seen", data) for data in new)

    def _check_connectivity(self) -> None:
        state = probe_connectivity(self.config.connectivity,
                                   internal_domains=self.policy.internal_domains)
        first, previous = self.connectivity is None, self.connected
        self.connectivity = state
        recheck, self._recheck_host = self._recheck_host, False
        if not first and not recheck and state.connected == previous:
            return
        items: list[tuple[str, Any]] = []
        if first or state.connected != previous:
            items.append(("connectivity", replace(state, previous=previous).to_json()))
        ctx = self.context(self.root_channel)
        items += [("violation", violation_data(v, {"connectivity": state.to_json()}))
                  for v in evaluate_host(self.policy, ctx)]
        self.ledger.append_many(mark_repeats(self.ledger, items))
        log.info("connectivity: %s (%s)", {True: "connected", False: "not connected"}.get(
            state.connected, "unknown"), state.decided_by)
        self.watches.sync_roots()
        self.refresh_status()

    def _scan_roots(self) -> None:
        if not self.watches_roots:
            return
        roots = self.watches.roots()
        if roots:
            self.enqueue(ScanJob("files", tuple(roots), self.context(self.root_channel),
                                 "schedule"))

    def _discover_mail(self) -> None:
        stores = self.watches.sync_mail()
        if stores:
            self.enqueue(ScanJob("mail", tuple(stores), None, "mail"))

    def _write_status(self) -> None:
        for root in self.watches.sync_roots():  # a root folder created after the start
            self.enqueue(ScanJob("files", (root,), self.context(self.root_channel), "watch"))
        write_status(self.config.home, collect_status(self, self._identity()))

    # -- media callbacks (media-monitor thread) ---------------------------------------------

    def _medium_inserted(self, medium: Medium, ctx: ScanContext) -> None:
        log.info("medium at %s: label %r serial %r uuid %r registered %s", medium.mountpoint,
                 medium.label, medium.serial, medium.fs_uuid, medium.registered)
        self.enqueue(ScanJob("files", (medium.mountpoint,), ctx, "media"))
        self.watches.watch_medium(medium)
        self.refresh_status()

    def _medium_removed(self, medium: Medium) -> None:
        self.watches.unwatch(medium.mountpoint)
        self.refresh_status()

    # -- debounced file events → jobs --------------------------------------------------------

    def _settled(self, key: Hashable, tag: Any) -> None:
        kind, where = tag
        path = key[1] if isinstance(key, tuple) else str(key)
        if kind == "mail":
            self.enqueue(ScanJob("mail", (where,), None, "mail"))
        elif kind == "medium":
            medium = next((m for m in self.media.current() if m.mountpoint == where), None)
            if medium is not None and os.path.lexists(path):
                self.enqueue(ScanJob("files", (path,),
                                     self.context(Channel.REMOVABLE_MEDIA, medium=medium), "watch"))
        elif kind == "root" and self.watches_roots and os.path.lexists(path):
            self.enqueue(ScanJob("files", (path,), self.context(self.root_channel), "watch"))

    # -- consumer thread --------------------------------------------------------------------

    def _consume(self) -> None:
        Consumer(self).run(self._stop)
