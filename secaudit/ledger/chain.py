"""The ledger's hash chain: canonical JSON, the event hash, the event kinds and the row type.

Contract (DESIGN.md)::

    hash = sha256(bytes.fromhex(prev) + canonical_json({"seq", "ts", "kind", "data"}))
    genesis prev = "0" * 64

Pure functions and values only, so readers that never open the database (report verification,
head office, forwarding) share the one definition of the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64

KINDS = frozenset(
    {
        "agent_started",
        "agent_stopped",
        "agent_reloaded",
        "scan_started",
        "scan_finished",
        "finding",
        "violation",
        "media_inserted",
        "media_removed",
        "media_seen",
        "connectivity",
        "mail_scanned",
        "selfcheck",
        "report_issued",
        "file_error",
        "error",
        "host_check",  # secaudit.checks: one run of the policy's host checks
        "heartbeat",
        "watch_degraded",
    }
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev: str, seq: int, ts: str, kind: str, data: Any) -> str:
    body = canonical_json({"seq": seq, "ts": ts, "kind": kind, "data": data}).encode("utf-8")
    return hashlib.sha256(bytes.fromhex(prev) + body).hexdigest()


def now_iso() -> str:
    """Local time with offset, second precision (``2026-11-29T10:00:00+08:00``)."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    ts: str
    kind: str
    data: Any
    prev: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "kind": self.kind,
            "data": self.data,
            "prev": self.prev,
            "hash": self.hash,
        }
