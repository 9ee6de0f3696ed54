"""Agent hook: forward the ledger to the config's ``[[forward]]`` outputs; write heartbeats.

The CLI hands :func:`register` to the agent as a start hook (``Agent(hooks=...)``); it uses only
``agent.every``, ``agent.config`` and ``agent.ledger`` (:class:`AgentLike`):

- ``forward`` every ``POLL_S`` seconds (main thread, microseconds): wakes the forwarding thread,
  which reads the ledger head (one indexed query) and sends what is new in batches; it (re)starts
  the thread after a config reload changed the outputs. Sending happens in that thread so a slow
  or unreachable collector never holds up the agent's main loop.
- ``heartbeat`` every ``agent.heartbeat_minutes`` (0 = never; the first one a period after the
  start): :func:`heartbeat` with the health
  the agent reports through an optional ``agent.health()`` (uptime, queue, last scan, media);
  without it, the process id and uptime of this hook.

At exit the thread sends what is left and closes its connections gracefully (``atexit``).
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from secaudit.config import Config
from secaudit.config_forward import ForwardOutput
from secaudit.forward.forwarder import Forwarder
from secaudit.forward.heartbeat import heartbeat
from secaudit.ledger import Ledger
from secaudit.logs import logger

log = logger(__name__)
POLL_S = 1.0
BUDGET_S = 0.5
"""Work per round before the thread looks at its stop flag again."""
_STARTED = time.time()


class AgentLike(Protocol):
    config: Config
    ledger: Ledger

    def every(self, name: str, interval_s: float, fn: Callable[[Any], None]) -> None: ...


class ForwardService:
    """A thread that runs a :class:`Forwarder` until stopped."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.outputs: tuple[ForwardOutput, ...] = config.forward
        self._stop, self._wake = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="forward", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        fwd = Forwarder(self.config)
        try:
            while not self._stop.is_set():
                if fwd.pump(BUDGET_S) == 0:  # caught up (or backing off): wait for the tick
                    self._wake.wait(POLL_S * 2)
                    self._wake.clear()
            for run in fwd.runs:  # one last try on the way out, backoff or not
                run.retry_at = 0.0
            fwd.pump(BUDGET_S)
            fwd.flush()
        except Exception:  # the tick restarts a thread that died
            log.exception("forwarding thread")
        finally:
            fwd.close()


_services: dict[int, ForwardService] = {}
_beating: set[int] = set()


def _stop_all() -> None:
    for service in list(_services.values()):
        service.stop()
    _services.clear()


atexit.register(_stop_all)


def register(agent: AgentLike) -> None:
    agent.every("forward", POLL_S, _tick)
    minutes = agent.config.agent.heartbeat_minutes
    if minutes > 0:
        agent.every("heartbeat", minutes * 60, _heartbeat)


def _tick(agent: AgentLike) -> None:
    service = _services.get(id(agent))
    if service is not None and (service.outputs != agent.config.forward or not service.alive()):
        service.stop()
        service = None
        del _services[id(agent)]
    if service is None and agent.config.forward:
        service = _services[id(agent)] = ForwardService(agent.config)
    if service is not None:
        service.wake()


def _heartbeat(agent: AgentLike) -> None:
    if id(agent) not in _beating:  # the first run is at start: agent_started says as much
        _beating.add(id(agent))
        return
    health_fn = getattr(agent, "health", None)
    health: dict[str, Any] = health_fn() if callable(health_fn) else {}
    health.setdefault("pid", os.getpid())
    health.setdefault("uptime_s", round(time.time() - _STARTED, 1))
    heartbeat(agent.ledger, health)


def stop(agent: AgentLike) -> None:
    """Stop the forwarding thread of ``agent`` (sends what is left first)."""
    service = _services.pop(id(agent), None)
    if service is not None:
        service.stop()
