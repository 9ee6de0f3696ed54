"""Repeated violations: the same violation judged again in the same report period is not new.

An agent restart rescans every mounted stick and every root; a remount rescans the stick; a
periodic scan finds the same file again. Before this module each pass appended a copy of every
violation (thousands of rows for five sticks). Now every ``violation`` event carries a ``key``:

- file violations: rule, channel, path, member, the file's sha256, the medium's serial/fs UUID;
- medium violations (no path): rule, channel, the medium's serial/fs UUID (device if neither);
- host violations: rule, channel, host role, connectivity.

:func:`mark_repeats` drops from a batch of events the violations whose key was already recorded
in the current report period (after the ``ledger_range.last_seq`` of the last ``report_issued``)
and appends one ``violation_repeated`` event ``{"keys": [...], "count": n, "scan_id"}`` instead,
so the report can say "first seen, last seen, seen n times" without n rows. A changed file
(new sha256) or another medium is a new violation. The first judgement after a report is
recorded again in full: each period's report stands on its own.

The index is kept per ledger file in memory and read incrementally (thread-safe).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from secaudit.ledger.chain import canonical_json
from secaudit.ledger.store import Ledger

_LOCK = threading.Lock()
_INDEX: dict[str, _PeriodIndex] = {}


class _PeriodIndex:
    """Violation keys recorded since the period start, read from the ledger incrementally."""

    def __init__(self) -> None:
        self.last_seq = 0
        self.keys: dict[str, int] = {}

    def update(self, ledger: Ledger) -> None:
        for e in ledger.events(kinds=["violation", "report_issued"], first_seq=self.last_seq + 1):
            self.last_seq = e.seq
            if e.kind == "report_issued":
                end = int((e.data.get("ledger_range") or {}).get("last_seq") or 0)
                self.keys = {k: s for k, s in self.keys.items() if s > end}
            elif isinstance(e.data, dict):
                self.keys.setdefault(violation_key(e.data), e.seq)


def _medium_id(data: Mapping[str, Any]) -> list[str]:
    detail = data.get("detail") if isinstance(data.get("detail"), dict) else {}
    medium = detail.get("medium") if isinstance(detail.get("medium"), dict) else None
    if medium is None and "serial" in detail:  # a medium rule's detail is the medium itself
        medium = detail
    if not medium:
        return []
    ids = [str(medium.get("serial") or ""), str(medium.get("fs_uuid") or "")]
    return ids if any(ids) else [str(medium.get("device") or medium.get("mountpoint") or "")]


def violation_key(data: Mapping[str, Any]) -> str:
    """The identity of a violation (32 hex digits); ``data["key"]`` when it has one."""
    if data.get("key"):
        return str(data["key"])
    detail = data.get("detail") if isinstance(data.get("detail"), dict) else {}
    ident: dict[str, Any] = {
        "rule": data.get("rule"),
        "channel": data.get("channel"),
        "path": data.get("path"),
        "member": data.get("member"),
        "sha256": data.get("sha256"),
        "medium": _medium_id(data),
    }
    if not data.get("path"):
        ident["host"] = [detail.get("role"), detail.get("connected")]
    return hashlib.sha256(canonical_json(ident).encode("utf-8")).hexdigest()[:32]


def mark_repeats(
    ledger: Ledger,
    items: Iterable[tuple[str, Any]],
    *,
    digests: Mapping[str, str] | None = None,
) -> list[tuple[str, Any]]:
    """``items`` with every violation keyed and the repeats of the period folded into one
    ``violation_repeated`` event. ``digests`` gives file sha256 by path (part of the key)."""
    out: list[tuple[str, Any]] = []
    repeated: list[str] = []
    scan_id = None
    with _LOCK:
        index = _INDEX.setdefault(str(ledger.path.resolve()), _PeriodIndex())
        index.update(ledger)
        for kind, data in items:
            if kind != "violation" or not isinstance(data, dict):
                out.append((kind, data))
                continue
            data = dict(data)
            if digests and data.get("path") in digests and not data.get("sha256"):
                data["sha256"] = digests[data["path"]]
            key = data["key"] = violation_key(data)
            if key in index.keys:
                repeated.append(key)
                scan_id = scan_id or data.get("scan_id")
                continue
            index.keys[key] = index.last_seq + 1  # pending: the batch is appended next
            out.append((kind, data))
    if repeated:
        item = ("violation_repeated", {"keys": repeated, "count": len(repeated),
                                       "scan_id": scan_id})
        finish = next((i for i, (k, _) in enumerate(out) if k == "scan_finished"), len(out))
        out.insert(finish, item)
    return out
