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
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import psutil

from secaudit import __version__
from secaudit.agent import routines, triggers
from secaudit.agent.consumer import Consumer
from secaudit.agent.jobqueue import Debouncer, JobQueue, ScanJob
from secaudit.agent.lock import AgentLock
from secaudit.agent.media import MediaMonitor
from secaudit.agent.periodic import Schedule
from secaudit.agent.status import remove_status
from secaudit.agent.watchset import WatchSet
from secaudit.config import Config
from secaudit.context import Medium, ScanContext
from secaudit.ledger import Ledger
from secaudit.logs import logger
from secaudit.model import Channel, HostRole
from secaudit.policy import Policy, load_policy
from secaudit.sources.connectivity import ConnectivityState
from secaudit.sources.hostfacts import host_facts

__all__ = ["Agent", "Hook"]

log = logger(__name__)
STATUS_INTERVAL = 5.0


Hook = Callable[["Agent"], None]
"""Called once with the agent at start; typically registers periodic work with ``every``."""


class Agent:
    """One agent process. ``run()`` blocks until SIGTERM (or, with ``once``, one full pass)."""

    def __init__(
        self,
        config: Config,
        *,
        loader: Callable[[], Config] | None = None,
        once: bool = False,
        hooks: Sequence[Hook] = (),
    ) -> None:
        self.config = config
        self._hooks = tuple(hooks)
        self.policy: Policy = load_policy(config.policy.path or None)
        self.once = once
        self._loader = loader
        self.connectivity: ConnectivityState | None = None
        self.recheck_host = False
        """Set by a reload: the next connectivity check judges the host rules again."""
        self.generation = 0
        self.started = time.time()
        self.queue = JobQueue(config.agent.queue_size)
        self._stop, self._reload = threading.Event(), threading.Event()
        self._wake = threading.Event()
        self.ledger = Ledger(config.home.ledger)
        self._schedule = Schedule(self, self.ledger)
        self.debouncer = Debouncer(partial(triggers.file_settled, self))
        self.watches = WatchSet(self)
        self.media = MediaMonitor(
            self, partial(triggers.medium_inserted, self), partial(triggers.medium_removed, self)
        )
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
        return ScanContext(
            channel=channel,
            host_role=self.config.host.role,
            hostname=self.config.hostname,
            connected=self.connected,
            medium=medium,
        )

    def every(self, name: str, interval_s: float, fn: Callable[[Agent], None]) -> None:
        """Run ``fn(agent)`` in the main thread every ``interval_s`` seconds (first run: now)."""
        self._schedule.add(name, interval_s, fn)
        self._wake.set()

    def request_stop(self, *_: object) -> None:
        self._stop.set()
        self._wake.set()

    def request_reload(self, *_: object) -> None:
        self._reload.set()
        self._wake.set()

    def health(self) -> dict[str, Any]:
        """Agent health for the forwarding heartbeat (main thread): uptime, queue, media."""
        return {
            "uptime_s": round(time.time() - self.started, 1),
            "queue_depth": len(self.queue),
            "busy": not self.queue.is_idle(),
            "connected": self.connected,
            "media": [m.mountpoint for m in self.media.current()],
            "watched": len(self.watches.watched()),
            "generation": self.generation,
        }

    def refresh_status(self) -> None:
        """Rewrite the status file soon (after a change the status should show)."""
        self._schedule.run_soon("status")
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

    def identity(self) -> dict[str, Any]:
        """What the lifecycle events and the status file say about this agent."""
        return {
            "pid": os.getpid(),
            "version": __version__,
            "config": str(self.config.source) if self.config.source else None,
            "policy": self.policy.identity(),
            "role": self.config.host.role.value,
        }

    def _start(self) -> None:
        self.config.home.ensure()
        self.ledger.append("agent_started", {**self.identity(), "host": host_facts(self.config)})
        log.info(
            "started: pid %s, role %s, ledger %s",
            os.getpid(),
            self.config.host.role.value,
            self.config.home.ledger,
        )
        self._consumer.start()
        routines.record_usb_history(self)
        self.every("connectivity", self.config.connectivity.interval, routines.check_connectivity)
        self.every("roots", self.config.agent.scan_interval, routines.scan_roots)
        self.every("mail", max(30.0, self.config.connectivity.interval), routines.discover_mail)
        self.every("status", STATUS_INTERVAL, routines.update_status)
        self._load_hooks()
        if not self.once:
            self.media.start()

    def _run_once(self) -> None:
        self.media.sync_once(self.ledger)
        self._schedule.run_all()
        while not (self.queue.is_idle() and not self.debouncer.pending()):
            if self._stop.wait(0.1):
                break

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._reload.is_set():
                self._do_reload()
            next_at = self._schedule.run_due()
            self._wake.wait(max(0.05, next_at - time.monotonic()))
            self._wake.clear()

    def _shutdown(self) -> None:
        self.media.stop()
        self.watches.close()
        self.debouncer.close()
        self.queue.close()
        self._stop.set()
        self._consumer.join(timeout=30)
        self.ledger.append("agent_stopped", self.identity())
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
        self.recheck_host = True  # judge the host rules (违规外联) again with the new role
        self.watches.reset_roots_and_mail()
        self.watches.sync_roots()
        self.ledger.append("agent_reloaded", self.identity())
        log.info("reloaded: role %s, policy %s", config.host.role.value, policy.identity()["id"])
        self._schedule.run_soon()

    def _lower_priority(self) -> None:
        with contextlib.suppress(OSError):
            os.nice(self.config.agent.nice)
        with contextlib.suppress(Exception):
            psutil.Process().ionice(psutil.IOPRIO_CLASS_BE, value=7)

    def _load_hooks(self) -> None:
        for hook in self._hooks:
            hook(self)

    # -- consumer thread --------------------------------------------------------------------

    def _consume(self) -> None:
        Consumer(self).run(self._stop)
