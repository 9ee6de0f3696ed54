"""The agent's own scheduled work, run in its main thread.

Each function takes the running :class:`secaudit.agent.daemon.Agent` (duck-typed, as the other
modules of this stage take it) and is registered with ``agent.every`` at start, except
:func:`record_usb_history`, run once at start:

- :func:`check_connectivity`: probe, record changes, judge the host rules (违规外联) again when
  connectivity changed or the config was reloaded;
- :func:`scan_roots`: queue a scan of the configured roots;
- :func:`discover_mail`: queue a scan of the mail stores found;
- :func:`update_status`: queue roots created since the start, write the status file.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from secaudit.agent.jobqueue import ScanJob
from secaudit.agent.media import violation_data
from secaudit.agent.status import collect_status, write_status
from secaudit.ledger.repeats import mark_repeats
from secaudit.logs import logger
from secaudit.policy.evaluate import evaluate_host
from secaudit.sources.connectivity import probe_connectivity
from secaudit.sources.usbhistory import usb_history

__all__ = [
    "check_connectivity",
    "discover_mail",
    "record_usb_history",
    "scan_roots",
    "update_status",
]

log = logger("secaudit.agent.daemon")
"""The daemon's logger: the agent's log lines keep the name they always had."""


def record_usb_history(agent: Any) -> None:
    """The USB storage devices the system remembers, new ones recorded as ``media_seen``."""
    known = {
        (
            e.data.get("vendor_id"),
            e.data.get("product_id"),
            e.data.get("serial"),
            e.data.get("last_seen"),
        )
        for e in agent.ledger.events(kinds=["media_seen"])
    }
    new = [
        r.to_json()
        for r in usb_history()
        if (r.vendor_id, r.product_id, r.serial, r.last_seen) not in known
    ]
    if new:
        agent.ledger.append_many(("media_seen", data) for data in new)


def check_connectivity(agent: Any) -> None:
    """Probe; record a change; judge the host rules again on a change or after a reload."""
    state = probe_connectivity(
        agent.config.connectivity, internal_domains=agent.policy.internal_domains
    )
    first, previous = agent.connectivity is None, agent.connected
    agent.connectivity = state
    recheck, agent.recheck_host = agent.recheck_host, False
    if not first and not recheck and state.connected == previous:
        return
    items: list[tuple[str, Any]] = []
    if first or state.connected != previous:
        items.append(("connectivity", replace(state, previous=previous).to_json()))
    ctx = agent.context(agent.root_channel)
    items += [
        ("violation", violation_data(v, {"connectivity": state.to_json()}))
        for v in evaluate_host(agent.policy, ctx)
    ]
    agent.ledger.append_many(mark_repeats(agent.ledger, items))
    log.info(
        "connectivity: %s (%s)",
        {True: "connected", False: "not connected"}.get(state.connected, "unknown"),
        state.decided_by,
    )
    agent.watches.sync_roots()
    agent.refresh_status()


def scan_roots(agent: Any) -> None:
    """Queue a scan of the configured roots."""
    if not agent.watches_roots:
        return
    roots = agent.watches.roots()
    if roots:
        agent.enqueue(ScanJob("files", tuple(roots), agent.context(agent.root_channel), "schedule"))


def discover_mail(agent: Any) -> None:
    """Queue a scan of the mail stores found (watched from now on)."""
    stores = agent.watches.sync_mail()
    if stores:
        agent.enqueue(ScanJob("mail", tuple(stores), None, "mail"))


def update_status(agent: Any) -> None:
    """Queue roots created after the start; write the status file."""
    for root in agent.watches.sync_roots():  # a root folder created after the start
        agent.enqueue(ScanJob("files", (root,), agent.context(agent.root_channel), "watch"))
    write_status(agent.config.home, collect_status(agent, agent.identity()))
