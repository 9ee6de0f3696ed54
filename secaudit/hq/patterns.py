"""Cross-PC patterns of the roll-up: shared media, document spread, rectification, trend.

* **Cross-branch media**: one removable medium seen (inserted, removed, or in a PC's USB history)
  on PCs of different roles (a classified PC and an internet PC) or of different branches. Known
  by its USB serial; a medium without a serial is matched by its filesystem UUID, which is marked
  weaker (a reformat changes it, a clone copies it).
* **Document spread**: one file, by content digest (sha256, in ``secaudit.report/2``), found on
  several PCs.
* **Rectification (整改)**: a violation is the same when its PC, rule, path and member are; those of
  the previous period that are gone from a PC that reported again are rectified, those still
  there are open. A PC that did not report again proves nothing (``unverifiable``).
* **Trend**: the twelve months up to the period, month by month.

Each function reads the temporary tables ``win`` and ``prev`` made by ``rollup.select_window``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

from secaudit.hq.window import Window, trend_months

MAX_LIST = 5000
_SIGHTINGS = (
    "SELECT m.{col}, w.branch, w.host, coalesce(h.role, w.role), min(m.ts), max(m.ts),"
    " group_concat(DISTINCT m.event), max(m.vendor), max(m.model), max(m.registered_role)"
    " FROM media m JOIN win w ON w.id = m.report_id"
    " LEFT JOIN hosts h ON h.branch = w.branch AND h.host = w.host"
    " WHERE {where} GROUP BY m.{col}, w.branch, w.host ORDER BY m.{col}, w.branch, w.host"
)


def cross_media(db: sqlite3.Connection) -> list[dict[str, Any]]:
    found = _media_by(db, "serial", "m.serial IS NOT NULL", weaker=False)
    found += _media_by(db, "fs_uuid", "m.serial IS NULL AND m.fs_uuid IS NOT NULL", weaker=True)
    found.sort(key=lambda m: (m["weaker"], -len(m["branches"]), -len(m["roles"]), m["id"]))
    return found[:MAX_LIST]


def _media_by(db: sqlite3.Connection, col: str, where: str, *, weaker: bool) -> list[dict]:
    groups: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in db.execute(_SIGHTINGS.format(col=col, where=where)):
        groups[row[0]].append(row)
    out = []
    for medium_id, rows in groups.items():
        roles = sorted({str(r[3]) for r in rows})
        branches = sorted({str(r[1]) for r in rows})
        if len(roles) < 2 and len(branches) < 2:
            continue
        out.append(
            {
                "id": medium_id, "by": col, "weaker": weaker,
                "vendor": next((r[7] for r in rows if r[7]), ""),
                "model": next((r[8] for r in rows if r[8]), ""),
                "registered_role": next((r[9] for r in rows if r[9]), None),
                "roles": roles, "branches": branches,
                "sightings": [
                    {"branch": r[1], "host": r[2], "role": r[3], "first": r[4], "last": r[5],
                     "events": sorted(str(r[6] or "").split(","))}
                    for r in rows
                ],
            }
        )  # fmt: skip
    return out


def document_spread(db: sqlite3.Connection) -> list[dict[str, Any]]:
    digests = db.execute(
        "SELECT d.sha256, count(DISTINCT w.branch || '/' || w.host) AS n FROM documents d"
        " JOIN win w ON w.id = d.report_id GROUP BY d.sha256 HAVING n >= 2"
        " ORDER BY n DESC, d.sha256 LIMIT ?",
        (MAX_LIST,),
    ).fetchall()
    out = []
    for digest, n in digests:
        rows = db.execute(
            "SELECT w.branch, w.host, w.role, max(d.classification), min(d.path), min(d.ts)"
            " FROM documents d JOIN win w ON w.id = d.report_id WHERE d.sha256 = ?"
            " GROUP BY w.branch, w.host ORDER BY w.branch, w.host",
            (digest,),
        ).fetchall()
        out.append(
            {
                "sha256": digest, "hosts": n,
                "branches": len({r[0] for r in rows}),
                "classification": _highest([r[3] for r in rows]),
                "names": sorted({str(r[4]).replace("\\", "/").rsplit("/", 1)[-1] for r in rows}),
                "sightings": [
                    {"branch": r[0], "host": r[1], "role": r[2], "path": r[4], "first": r[5]}
                    for r in rows
                ],
            }
        )  # fmt: skip
    return out


_LEVELS = ("top_secret", "secret", "confidential", "core_commercial", "commercial", "internal")


def _highest(levels: list[Any]) -> str:
    present = {str(v) for v in levels}
    return next((lv for lv in _LEVELS if lv in present), "none")


def _violation_keys(db: sqlite3.Connection, table: str) -> dict[tuple, dict[str, Any]]:
    out: dict[tuple, dict[str, Any]] = {}
    for branch, host, rule, path, member, severity, title in db.execute(
        "SELECT w.branch, w.host, v.rule, v.path, v.member, v.severity, v.title"  # noqa: S608
        f" FROM violations v JOIN {table} w ON w.id = v.report_id"
    ):
        out[(branch, host, rule, path, member)] = {
            "branch": branch, "host": host, "rule": rule, "path": path, "member": member,
            "severity": severity, "title": title,
        }  # fmt: skip
    return out


def rectification(db: sqlite3.Connection, verified: set[tuple[str, str]]) -> dict[str, Any]:
    now, before = _violation_keys(db, "win"), _violation_keys(db, "prev")
    rectified = [v for k, v in before.items() if k not in now and k[:2] in verified]
    still = [v for k, v in now.items() if k in before]
    unverifiable = sum(1 for k in before if k[:2] not in verified)
    per: dict[str, dict[str, int]] = defaultdict(lambda: {"rectified": 0, "open": 0, "new": 0})
    for v in rectified:
        per[v["branch"]]["rectified"] += 1
    for v in still:
        per[v["branch"]]["open"] += 1
    for k, v in now.items():
        if k not in before:
            per[v["branch"]]["new"] += 1
    return {
        "previous": sum(1 for _ in before),
        "rectified": rectified[:MAX_LIST],
        "open": still[:MAX_LIST],
        "rectified_count": len(rectified),
        "open_count": len(still),
        "new": sum(1 for k in now if k not in before),
        "unverifiable": unverifiable,
        "by_branch": [{"branch": b, **c} for b, c in sorted(per.items())],
    }


def trend(db: sqlite3.Connection, window: Window) -> list[dict[str, Any]]:
    months = trend_months(window)
    start, end = months[0].span[0], months[-1].span[1]
    rows = db.execute(
        "SELECT r.mid, r.branch || '/' || r.host, r.score, r.violations,"
        " (SELECT count(*) FROM violations v WHERE v.report_id = r.id"
        "  AND v.severity = 'critical') FROM reports r WHERE r.mid >= ? AND r.mid < ?",
        (start, end),
    ).fetchall()
    rejected = [m for (m,) in db.execute(
        "SELECT mid FROM quarantine WHERE mid >= ? AND mid < ?", (start, end))]  # fmt: skip
    out = []
    for m in months:
        lo, hi = m.span
        inside = [r for r in rows if lo <= r[0] < hi]
        scores = [r[2] for r in inside if r[2] is not None]
        out.append(
            {
                "label": m.label, "since": m.iso()["since"],
                "verified_pcs": len({r[1] for r in inside}), "reports": len(inside),
                "violations": sum(r[3] for r in inside),
                "critical": sum(r[4] for r in inside),
                "rejected": sum(1 for x in rejected if lo <= x < hi),
                "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
            }
        )  # fmt: skip
    return out
