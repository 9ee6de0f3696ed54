"""Scheduled host checks in the agent: ``register(agent)`` adds a periodic job.

The agent never imports this stage: the CLI hands :func:`register` to it as a start hook
(``Agent(hooks=...)``); it uses only ``every(name, interval_s, fn)``, ``config``
and ``ledger`` (duck-typed, :class:`AgentLike`). Each run reads the policy named by the config,
judges its checks on this host in a thread of its own. The first run is ``FIRST_DELAY_S`` after
the agent starts (its start-up scans come first), then every ``CHECK_INTERVAL_S`` since the last
``host_check`` event in the ledger; each run (reading browser histories can take
seconds; media and mail keep being watched meanwhile) and appends one ``host_check`` event.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from secaudit.checks.run import check_host
from secaudit.ledger import Ledger
from secaudit.logs import logger

CHECK_INTERVAL_S = 6 * 3600.0
FIRST_DELAY_S = 600.0
POLL_S = 300.0
log = logger(__name__)
_running: dict[str, threading.Thread] = {}


class AgentLike(Protocol):
    config: Any
    ledger: Any

    def every(self, name: str, interval_s: float, fn: Callable[[Any], None]) -> None: ...


def run_once(config: Any) -> dict[str, Any]:
    """One run of the checks with ``config``'s policy and role, recorded in its ledger."""
    from secaudit.policy import load_policy

    policy = load_policy(config.policy.path or None)
    with Ledger(config.home.ledger) as led:
        doc, _ = check_host(policy, role=config.host.role.value, ledger=led)
    log.info("host checks: %s", doc["summary"])
    return doc


def _start(agent: Any) -> None:
    thread = _running.get("host_checks")
    if thread is not None and thread.is_alive():
        return

    def work() -> None:
        try:
            run_once(agent.config)
        except Exception:  # noqa: BLE001 - a failed run is logged; the next one retries
            log.exception("host checks failed")

    thread = threading.Thread(target=work, name="secaudit-host-checks", daemon=True)
    _running["host_checks"] = thread
    thread.start()


def is_due(ledger: Any, interval_s: float, now: datetime | None = None) -> bool:
    """Whether the last ``host_check`` event is ``interval_s`` old (or there is none)."""
    last = None
    for event in ledger.events(kinds=["host_check"]):
        last = event.ts
    if last is None:
        return True
    now = now or datetime.now().astimezone()
    return now - datetime.fromisoformat(last) >= timedelta(seconds=interval_s)


def register(agent: AgentLike, interval_s: float = CHECK_INTERVAL_S,
             first_delay_s: float = FIRST_DELAY_S) -> None:
    """Run the policy's host checks when due, looking every ``POLL_S`` seconds."""
    started = time.monotonic()

    def maybe_run(agent: Any) -> None:
        if time.monotonic() - started >= first_delay_s and is_due(agent.ledger, interval_s):
            _start(agent)

    agent.every("host_checks", min(POLL_S, interval_s), maybe_run)
