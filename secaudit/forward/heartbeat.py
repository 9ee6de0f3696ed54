"""The ``heartbeat`` ledger event: the ledger head and the agent's health, every N minutes.

It is written to the ledger like any event, so it is forwarded like any event: the collector sees
a PC that went silent (no heartbeat) and, comparing the ``head`` of consecutive heartbeats with
the events it received, a ledger that was cut or rolled back. ``head`` is the last event before
the heartbeat itself (the heartbeat's own ``prev`` equals ``head.hash`` unless another writer
appended in between).
"""

from __future__ import annotations

from typing import Any

from secaudit.ledger import Event, Ledger


def heartbeat(ledger: Ledger, health: dict[str, Any]) -> Event:
    """Append a heartbeat carrying the current head and ``health`` (supplied by the caller)."""
    head = ledger.head()
    return ledger.append("heartbeat", {
        "head": {"seq": head.seq, "hash": head.hash} if head else None,
        "health": health,
    })
