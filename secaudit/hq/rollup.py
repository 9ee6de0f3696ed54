"""The roll-up model (schema ``secaudit.hqreport/1``): one period of the whole fleet.

Sections: ``coverage`` (per branch: expected / reported / verified PCs, the missing ones named),
``branches`` and ``hosts`` (score and verdict), ``violations`` (by rule, severity, channel and
branch), ``rejected`` (quarantined reports with their reason), ``gaps`` (breaks in a PC's evidence
chain), and from ``patterns``: ``cross_media``, ``documents``, ``rectification``, ``trend``.

Scores: a PC's score is the one of its latest verified self-inspection in the period; a branch's
is the mean over its scored PCs, graded like a PC (≥ 90 达标, ≥ 75 基本达标), and 不达标 whenever
one of its PCs is. Everything is computed in SQL over the reports whose middle falls in the
period (temporary table ``win``), so a year of 36,000 reports rolls up in seconds.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from secaudit import __version__
from secaudit.hq import patterns
from secaudit.hq.store import Store
from secaudit.hq.window import Window
from secaudit.ledger import GENESIS, now_iso
from secaudit.selfcheck.score import LARGELY, MEETS

SCHEMA = "secaudit.hqreport/1"
SEVERITIES = ("critical", "high", "medium", "low")
CHANNELS = ("internet_host", "removable_media", "email", "local")
MAX_LIST = 5000
"""Longest list kept in the model (the totals always count everything)."""


def select_window(db: sqlite3.Connection, name: str, window: Window) -> None:
    db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(
        f"CREATE TEMP TABLE {name} AS SELECT id, branch, host, role, fingerprint, mid, score,"  # noqa: S608
        " verdict, generated, source FROM reports WHERE mid >= ? AND mid < ?",
        window.span,
    )
    db.execute(f"CREATE INDEX temp.{name}_id ON {name}(id)")
    db.execute(f"CREATE INDEX temp.{name}_host ON {name}(branch, host, mid)")


def build_rollup(store: Store, window: Window, *, issuer: dict[str, str]) -> dict[str, Any]:
    db = store.db
    select_window(db, "win", window)
    previous = window.previous()
    select_window(db, "prev", previous)
    hosts = _hosts(db, window)
    branches = _branches(db, hosts)
    model: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "secaudit", "version": __version__},
        "generated": now_iso(),
        "lang": "zh",
        "issuer": issuer,
        "period": window.iso(),
        "previous_period": previous.iso(),
        "branches": branches,
        "hosts": hosts[:MAX_LIST],
        "violations": _violations(db),
        "rejected": _rejected(db, window),
        "gaps": _gaps(db, window),
        "cross_media": patterns.cross_media(db),
        "documents": patterns.document_spread(db),
        "rectification": patterns.rectification(db, {(h["branch"], h["host"]) for h in hosts
                                                      if h["verified"]}),
        "trend": patterns.trend(db, window),
    }  # fmt: skip
    model["totals"] = _totals(model, hosts)
    return model


def _hosts(db: sqlite3.Connection, window: Window) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT h.branch, h.host, h.role, h.expected, count(w.id), max(w.mid),"
        " (SELECT score FROM win s WHERE s.branch = h.branch AND s.host = h.host"
        "  AND s.score IS NOT NULL ORDER BY s.mid DESC LIMIT 1),"
        " (SELECT verdict FROM win s WHERE s.branch = h.branch AND s.host = h.host"
        "  AND s.score IS NOT NULL ORDER BY s.mid DESC LIMIT 1),"
        " (SELECT count(*) FROM violations v JOIN win s ON s.id = v.report_id"
        "  WHERE s.branch = h.branch AND s.host = h.host),"
        " (SELECT role FROM win s WHERE s.branch = h.branch AND s.host = h.host"
        "  ORDER BY s.mid DESC LIMIT 1)"
        " FROM hosts h LEFT JOIN win w ON w.branch = h.branch AND w.host = h.host"
        " GROUP BY h.branch, h.host ORDER BY h.branch, h.host"
    ).fetchall()
    start, end = window.span
    claimed = {
        (b, h): n
        for b, h, n in db.execute(
            "SELECT branch, host, count(*) FROM quarantine WHERE mid >= ? AND mid < ?"
            " GROUP BY branch, host",
            (start, end),
        )
    }
    out = []
    for branch, host, role, expected, n, last, score, verdict, nviol, said in rows:
        rejected = claimed.get((branch, host), 0)
        out.append(
            {
                "branch": branch, "host": host, "role": role, "expected": bool(expected),
                "verified": n, "rejected": rejected, "reported": bool(n or rejected),
                "last_report": _iso(last), "score": score, "verdict": verdict,
                "violations": nviol,
                # a PC configured with another role than the roster's is checked by the wrong
                # rules (a classified PC set up as "intranet" is never told it must stay offline)
                "reported_role": said if said and said != role else None,
            }
        )  # fmt: skip
    return out


def _branches(db: sqlite3.Connection, hosts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = dict(db.execute("SELECT id, name FROM branches").fetchall())
    by_branch: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for h in hosts:
        by_branch[h["branch"]].append(h)
    out = []
    for branch, members in sorted(by_branch.items()):
        expected = [h for h in members if h["expected"]]
        scores = [h["score"] for h in members if h["score"] is not None]
        mean = round(sum(scores) / len(scores), 1) if scores else None
        verdict = _grade(mean)
        if any(h["verdict"] == "fails" for h in members):
            verdict = "fails"
        out.append(
            {
                "id": branch, "name": names.get(branch, ""), "expected": len(expected),
                "reported": sum(1 for h in expected if h["reported"]),
                "verified": sum(1 for h in expected if h["verified"]),
                "missing": [h["host"] for h in expected if not h["reported"]],
                "rejected_only": [h["host"] for h in expected
                                  if h["reported"] and not h["verified"]],
                "score": mean, "verdict": verdict,
                "violations": sum(h["violations"] for h in members),
            }
        )  # fmt: skip
    return out


def _grade(score: float | None) -> str | None:
    if score is None:
        return None
    return "meets" if score >= MEETS else "largely_meets" if score >= LARGELY else "fails"


def _violations(db: sqlite3.Connection) -> dict[str, Any]:
    base = " FROM violations v JOIN win w ON w.id = v.report_id"
    by_rule = [
        {"rule": r, "title": t, "severity": s, "count": n, "hosts": hn, "branches": bn}
        for r, t, s, n, hn, bn in db.execute(
            "SELECT v.rule, max(v.title), max(v.severity), count(*),"
            " count(DISTINCT w.branch || '/' || w.host), count(DISTINCT w.branch)"
            + base
            + " GROUP BY v.rule ORDER BY count(*) DESC, v.rule"
        )
    ]
    sev = dict(db.execute("SELECT v.severity, count(*)" + base + " GROUP BY v.severity"))
    chan = dict(db.execute("SELECT v.channel, count(*)" + base + " GROUP BY v.channel"))
    per_branch: dict[str, Counter[str]] = defaultdict(Counter)
    for branch, severity, n in db.execute(
        "SELECT w.branch, v.severity, count(*)" + base + " GROUP BY w.branch, v.severity"
    ):
        per_branch[branch][str(severity)] += n
    return {
        "total": sum(sev.values()),
        "by_rule": by_rule,
        "by_severity": {s: int(sev.get(s, 0)) for s in SEVERITIES},
        "by_channel": {c: int(chan.get(c, 0)) for c in CHANNELS},
        "by_branch": [
            {"branch": b, **{s: c.get(s, 0) for s in SEVERITIES}, "total": sum(c.values())}
            for b, c in sorted(per_branch.items())
        ],
    }


def _rejected(db: sqlite3.Connection, window: Window) -> list[dict[str, Any]]:
    start, end = window.span
    rows = db.execute(
        "SELECT source, reason, detail, branch, host, fingerprint, ingested, mid, sha256"
        " FROM quarantine WHERE (mid >= ? AND mid < ?) OR mid IS NULL ORDER BY branch, host, id",
        (start, end),
    ).fetchall()
    out = []
    for source, reason, detail, branch, host, fp, ingested, mid, digest in rows:
        if mid is None and not start <= datetime.fromisoformat(ingested).timestamp() < end:
            continue  # unreadable period: shown in the period it arrived in
        out.append(
            {"source": source, "reason": reason, "detail": detail, "branch": branch,
             "host": host, "key": fp, "ingested": ingested, "sha256": digest}
        )  # fmt: skip
    return out[:MAX_LIST]


def _gaps(db: sqlite3.Connection, window: Window) -> list[dict[str, Any]]:
    """Breaks in each PC's chain of verified reports, where the later report is in the period."""
    rows = db.execute(
        "SELECT r.branch, r.host, r.mid, r.first_seq, r.last_seq, r.prev_hash, r.last_hash,"
        " r.source, r.id IN (SELECT id FROM win) FROM reports r"
        " WHERE r.mid < ? AND EXISTS (SELECT 1 FROM win w WHERE w.branch = r.branch"
        " AND w.host = r.host) ORDER BY r.branch, r.host, r.mid, r.first_seq",
        (window.span[1],),
    ).fetchall()
    gaps = []
    for a, b in zip(rows, rows[1:], strict=False):
        if (a[0], a[1]) != (b[0], b[1]) or not b[8] or b[5] == a[6]:
            continue
        if b[3] == 1 and b[5] == GENESIS:
            kind, span = "restart", None
        elif b[3] > a[4] + 1:
            kind, span = "missing", [a[4] + 1, b[3] - 1]
        elif b[3] <= a[4]:
            kind, span = "overlap", [b[3], a[4]]
        else:
            kind, span = "mismatch", None
        gaps.append(
            {"branch": b[0], "host": b[1], "kind": kind, "seq": span, "before": a[7],
             "after": b[7], "last_hash": a[6], "prev_hash": b[5],
             "between": [_iso(a[2]), _iso(b[2])]}
        )  # fmt: skip
    return gaps[:MAX_LIST]


def _totals(model: dict[str, Any], hosts: list[dict[str, Any]]) -> dict[str, Any]:
    expected = [h for h in hosts if h["expected"]]
    by_severity = model["violations"]["by_severity"]
    return {
        "branches": len(model["branches"]),
        "expected": len(expected),
        "reported": sum(1 for h in expected if h["reported"]),
        "verified": sum(1 for h in expected if h["verified"]),
        "missing": sum(1 for h in expected if not h["reported"]),
        "role_mismatch": sum(1 for h in hosts if h["reported_role"]),
        "rejected": len(model["rejected"]),
        "gaps": len(model["gaps"]),
        "violations": model["violations"]["total"],
        "critical": model["violations"]["by_severity"]["critical"],
        "severe": by_severity["critical"] + by_severity["high"],
        "severe_still_open": sum(
            1 for o in model["rectification"]["open"] if o["severity"] in ("critical", "high")
        ),
        "cross_media": len(model["cross_media"]),
        "documents": len(model["documents"]),
    }


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds") if ts else None
