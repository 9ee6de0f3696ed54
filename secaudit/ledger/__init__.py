"""Ledger stage: the append-only SQLite evidence store whose rows form a hash chain.

May import only the shared core (``secaudit.errors``, ``textsafe``, ``model``…), never a
pipeline stage. The rest of the code uses the names below.
"""

from __future__ import annotations

from secaudit.ledger.chain import GENESIS, KINDS, Event, canonical_json, event_hash, now_iso
from secaudit.ledger.integrity import ChainState, recompute
from secaudit.ledger.store import Ledger

__all__ = [
    "GENESIS",
    "KINDS",
    "ChainState",
    "Event",
    "Ledger",
    "canonical_json",
    "event_hash",
    "now_iso",
    "recompute",
]
