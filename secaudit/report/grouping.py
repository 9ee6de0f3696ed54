"""Violations (and findings) of the period grouped: one row each, however often it was seen.

A violation judged again (agent restart, remount, periodic rescan) is recorded once; the repeats
are ``violation_repeated`` events naming its key (:mod:`secaudit.ledger.repeats`). Older ledgers
hold plain copies; they have the same key and fold into the same row. Each row gets
``first_seen``/``last_seen`` (ISO 8601), ``count``, and what a reader needs to act on it: the
medium (label, serial/UUID, registered or not) and the e-mail recipients and direction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from secaudit.ledger import Event
from secaudit.ledger.repeats import violation_key

_SEVERITY_RANK = {"critical": 3, "high": 2, "medium": 1, "low": 0}


def medium_of(detail: Any) -> dict[str, Any] | None:
    """The medium a violation concerns (``detail.medium``, or the detail of a medium rule)."""
    if not isinstance(detail, dict):
        return None
    medium = detail.get("medium") if isinstance(detail.get("medium"), dict) else None
    if medium is None and ("serial" in detail or "fs_uuid" in detail):
        medium = detail
    if not medium:
        return None
    keys = ("label", "vendor", "model", "serial", "fs_uuid", "mountpoint", "registered",
            "registered_role")
    return {k: medium.get(k) for k in keys}


def mail_of(detail: Any) -> dict[str, Any] | None:
    """Recipients and direction of the message a violation concerns."""
    if not isinstance(detail, dict) or not isinstance(detail.get("mail"), dict):
        return None
    mail = detail["mail"]
    recipients = [*(mail.get("to") or []), *(mail.get("cc") or []), *(mail.get("bcc") or [])]
    return {
        "from": mail.get("from") or mail.get("sender") or "",
        "recipients": [str(r) for r in recipients],
        "external": [str(r) for r in detail.get("external_recipients") or []],
        "direction": mail.get("direction") or "sent",
    }


def group_violations(
    violations: Iterable[Event], repeats: Iterable[Event], defaults: dict[str, Any]
) -> list[dict[str, Any]]:
    """One row per violation key, most severe first, then in order of first sighting."""
    groups: dict[str, dict[str, Any]] = {}
    for e in violations:
        data = e.data if isinstance(e.data, dict) else {}
        key = violation_key(data)
        row = groups.get(key)
        if row is None:
            groups[key] = {
                **defaults, **data, "key": key, "seq": e.seq, "ts": e.ts,
                "first_seen": e.ts, "last_seen": e.ts, "count": 1,
                "medium": medium_of(data.get("detail")), "mail": mail_of(data.get("detail")),
            }
        else:
            row["last_seen"], row["count"] = e.ts, row["count"] + 1
    for e in repeats:
        for key in (e.data or {}).get("keys") or []:
            row = groups.get(str(key))
            if row is not None:
                row["last_seen"], row["count"] = e.ts, row["count"] + 1
    return sorted(
        groups.values(),
        key=lambda v: (-_SEVERITY_RANK.get(str(v.get("severity")), -1), v["seq"]),
    )


def group_findings(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per file and what was found in it: a file found again unchanged by a later scan
    (restart, rescan) adds to ``count``/``last_seen`` instead of a row of its own."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        ident = repr((row.get("path"), row.get("channel"), row.get("classification"),
                      row.get("markings"), [(i.get("type"), i.get("count"))
                                            for i in row.get("info_types") or []]))
        first = groups.get(ident)
        if first is None:
            groups[ident] = {**row, "first_seen": row.get("ts"), "last_seen": row.get("ts"),
                             "count": 1}
        else:
            first["last_seen"], first["count"] = row.get("ts"), first["count"] + 1
    return list(groups.values())
