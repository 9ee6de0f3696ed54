"""Ledger → report model (schema ``secaudit.report/2``; ``/1`` lacked the files' digests).

The model is plain JSON: the HTML template renders it, the HTML embeds it, ``--format json`` prints
it, and head office reads it back with ``verify.embedded_data``. ``_collect`` groups events by kind
and fills one section per kind; to add a section, add it there and add a template partial.

The report covers a contiguous run of ledger events ``first_seq..last_seq``; ``prev_hash`` is the
chain's hash before the first event, ``last_hash`` after the last — both recomputed from the rows'
content (``report/evidence.py``, which also adds the ledger head, checkpoints and integrity) — so
consecutive reports of one host chain. By default a report starts right after the last issued
report (``report_issued``), so the periodic reports cover the ledger without gaps. An empty range
has ``last_seq = first_seq - 1`` and ``last_hash = prev_hash``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from secaudit import __version__
from secaudit.config import Config
from secaudit.detect.base import OCR_NOTE
from secaudit.ledger import GENESIS, Event, Ledger, now_iso
from secaudit.report.evidence import chain_violation, ledger_evidence
from secaudit.report.grouping import group_findings, group_violations
from secaudit.report.hostchecks import host_checks_section
from secaudit.report.localtime import iso_time
from secaudit.report.redact import scrub

SCHEMA = "secaudit.report/2"
SEVERITIES = ("critical", "high", "medium", "low")
CHANNELS = ("internet_host", "removable_media", "email", "local")


# Keys every row of a section has (the template runs with StrictUndefined).
_DEFAULTS: dict[str, dict[str, Any]] = {
    "violation": dict.fromkeys(
        ("rule", "severity", "title", "path", "member", "channel", "level", "basis", "remedy")
    ),
    "medium": {
        "registered": False,
        **dict.fromkeys(
            ("vendor", "model", "label", "mountpoint", "serial", "fs_uuid", "registered_role")
        ),
        "unverified": "",
    },
    "media": {"medium": {}, "host_role": None},
    "media_seen": dict.fromkeys(
        ("vendor", "product", "serial", "first_seen", "last_seen", "source"), ""
    ),
    "connectivity": {"connected": None, "probes": []},
    "mail_scanned": {
        "mail": {}, "attachments": [], "classification": "none", "violations": 0, "direction": "",
    },
    "mail": {"date": "", "from": "", "to": [], "subject": "", "direction": ""},
    "checklist": dict.fromkeys(("id", "category", "question", "weight", "answer", "note")),
    "selfcheck": {
        "score": None, "verdict": None, "veto": None, "grading": None, "automatic": [],
        "not_checked": [],
    },
    "automatic": dict.fromkeys(("id", "title", "weight", "score", "note")),
}


def with_defaults(row: Any, section: str) -> dict[str, Any]:
    """``row`` (a dict, or anything else → empty) completed with the section's keys."""
    base = dict(row) if isinstance(row, dict) else {}
    return {**_DEFAULTS[section], **base}


@dataclass
class ReportRequest:
    """What to report on; everything optional."""

    since: str | None = None
    until: str | None = None
    lang: str = "zh"
    policy: dict[str, Any] | None = None
    """``{"id","version","sha256"[,"title"]}`` of the policy in force; None: from the ledger."""
    key_fingerprint: str = ""
    checklist: list[dict[str, Any]] | None = None
    """Answered checklist items ``{id, question, category, weight, answer, note}``."""
    selfcheck: dict[str, Any] | None = None
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Checklist questions by id (to label answers read back from a ``selfcheck`` event)."""


def select_events(
    ledger: Ledger, since: str | None, until: str | None
) -> tuple[list[Event], int, str]:
    """The contiguous event run for the period, its first seq, and the ``prev`` hash before it."""
    if since is None:
        start = _after_last_report(ledger) + 1
    else:
        first = next(ledger.events(since=since), None)
        start = first.seq if first else _head_seq(ledger) + 1
    events = [e for e in ledger.events(first_seq=start) if until is None or e.ts < until]
    if events:
        # keep the run contiguous even if a clock step put an older ts after a newer one
        events = events[: _contiguous_len(events)]
        return events, start, events[0].prev
    before = ledger.get(start - 1)
    return [], start, before.hash if before else GENESIS


def build_report(ledger: Ledger, config: Config, req: ReportRequest) -> dict[str, Any]:
    events, first_seq, _stored_prev = select_events(ledger, req.since, req.until)
    model: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "secaudit", "version": __version__},
        "generated": now_iso(),
        "lang": req.lang,
        "host": {
            "hostname": config.hostname,
            "role": config.host.role.value,
            "branch": config.host.branch,
        },
        "period": {
            "since": req.since or (events[0].ts if events else now_iso()),
            "until": req.until or now_iso(),
        },
        "policy": req.policy or _policy_from(events),
        "key": req.key_fingerprint,
        **ledger_evidence(ledger, events, first_seq),  # hashes recomputed, never stored ones
        "agent": _agent_info(events),
    }
    model.update(_collect(events))
    broken = chain_violation(model["ledger_integrity"])
    if broken is not None:
        model["violations"].insert(0, with_defaults(broken, "violation"))
    checklist = req.checklist if req.checklist is not None else _checklist(events, req)
    model["checklist"] = [with_defaults(c, "checklist") for c in checklist]
    selfcheck = req.selfcheck or _last_data(events, "selfcheck", drop=("manual",))
    if selfcheck is not None:
        selfcheck = with_defaults(selfcheck, "selfcheck")
        if isinstance(selfcheck["automatic"], dict):  # the ledger event keys checks by id
            selfcheck["automatic"] = [{"id": k, **v} for k, v in selfcheck["automatic"].items()]
        selfcheck["automatic"] = [with_defaults(a, "automatic") for a in selfcheck["automatic"]]
    model["selfcheck"] = selfcheck
    # -- host checks (secaudit.checks): the period's last host_check run --
    model["host_checks"] = host_checks_section(events)
    model["summary"] = _summary(model, events)
    return scrub(model)


def _collect(events: list[Event]) -> dict[str, Any]:
    by_kind: dict[str, list[Event]] = {}
    for e in events:
        by_kind.setdefault(e.kind, []).append(e)

    def rows(kind: str, section: str | None = None) -> list[dict[str, Any]]:
        return [
            {"seq": e.seq, "ts": e.ts, **(with_defaults(e.data, section) if section else e.data)}
            for e in by_kind.get(kind, [])
        ]

    media = []
    for e in events:
        if e.kind in ("media_inserted", "media_removed", "media_seen_again"):
            row = with_defaults(e.data, "media")
            row["medium"] = with_defaults(row["medium"], "medium")
            media.append({"seq": e.seq, "ts": e.ts, "event": e.kind.removeprefix("media_"), **row})
    email = rows("mail_scanned", "mail_scanned")
    for row in email:
        row["mail"] = with_defaults(row["mail"], "mail")
        row["mail"]["date"] = iso_time(row["mail"]["date"])  # RFC 2822 → ISO 8601
    return {
        # one row per violation (repeats folded: first/last seen, count), most severe first
        "violations": group_violations(
            by_kind.get("violation", []), by_kind.get("violation_repeated", []),
            _DEFAULTS["violation"],
        ),
        "findings": group_findings(_finding_row(r) for r in rows("finding")),
        "media": media,
        "usb_history": _usb_history(by_kind.get("media_seen", [])),
        "connectivity": rows("connectivity", "connectivity"),
        "email": email,
        "coverage": _coverage(by_kind),
        "errors": rows("error"),
    }


_SEVERITY_RANK = {"critical": 3, "high": 2, "medium": 1, "low": 0}


def _finding_row(row: dict[str, Any]) -> dict[str, Any]:
    findings = row.get("findings") or []
    return {
        "seq": row["seq"],
        "ts": row["ts"],
        "path": row.get("path"),
        # --- secaudit.report/2 (issue 14): the file's digest, so head office sees one document
        # on several PCs
        "sha256": row.get("sha256"),
        "size": row.get("size"),
        # --- end report/2
        "channel": row.get("channel"),
        "classification": row.get("classification", "none"),
        "markings": sorted({f.get("text") or "" for f in findings if f.get("kind") == "marking"}),
        "info_types": [
            {"type": f.get("type"), "count": f.get("count", 0), "sample": f.get("sample")}
            for f in findings
            if f.get("kind") == "info_type"
        ],
        "ocr": any(OCR_NOTE in str(f.get("note") or "") for f in findings),
    }


def _usb_history(events: list[Event]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for e in events:
        d = e.data
        k = (str(d.get("vendor", "")), str(d.get("product", "")), str(d.get("serial", "")))
        row = merged.setdefault(k, with_defaults(d, "media_seen"))
        row["first_seen"] = min(str(row.get("first_seen") or ""), str(d.get("first_seen") or ""))
        row["last_seen"] = max(str(row.get("last_seen") or ""), str(d.get("last_seen") or ""))
    return sorted(merged.values(), key=lambda r: str(r.get("last_seen") or ""), reverse=True)


def _coverage(by_kind: dict[str, list[Event]]) -> dict[str, Any]:
    roots: dict[str, None] = {}
    for e in by_kind.get("scan_started", []):
        roots.update(dict.fromkeys(str(p) for p in e.data.get("paths") or []))
    files = bytes_ = 0
    not_scanned: Counter[str] = Counter()
    scans = []
    for e in by_kind.get("scan_finished", []):
        summary = e.data.get("summary") or {}
        files += int(summary.get("files_scanned") or 0)
        bytes_ += int(summary.get("bytes_scanned") or 0)
        not_scanned.update({str(k): int(v) for k, v in (e.data.get("not_scanned") or {}).items()})
        scans.append({"seq": e.seq, "ts": e.ts, **e.data})
    errors = [
        {
            "seq": e.seq,
            "ts": e.ts,
            "path": e.data.get("path"),
            "channel": e.data.get("channel"),
            "member": err.get("member"),
            "reason": err.get("reason"),
            "detail": err.get("detail"),
        }
        for e in by_kind.get("file_error", [])
        for err in e.data.get("errors") or []
    ]
    if not scans:  # errors without a scan_finished (interrupted scan) still count
        not_scanned.update(Counter(str(r["reason"]) for r in errors))
    # -- incomplete scans (issue 12, harden-fs) --
    finished = {str(s.get("scan_id")) for s in scans}
    incomplete = [s for s in scans if s.get("state", "complete") != "complete"] + [
        {"seq": e.seq, "ts": e.ts, "paths": e.data.get("paths") or [], "state": "unfinished"}
        for e in by_kind.get("scan_started", [])
        if str(e.data.get("scan_id")) not in finished
    ]
    # -- end incomplete scans --
    return {
        "incomplete": incomplete,
        "roots": list(roots),
        "scans": scans,
        "files_scanned": files,
        "bytes_scanned": bytes_,
        "not_scanned": dict(sorted(not_scanned.items())),
        "not_scanned_files": errors,
    }


def _summary(model: dict[str, Any], events: list[Event]) -> dict[str, Any]:
    sev = Counter(str(v.get("severity")) for v in model["violations"])
    chan = Counter(str(v.get("channel")) for v in model["violations"])
    cov = model["coverage"]
    return {
        "events": len(events),
        "violations": len(model["violations"]),
        "by_severity": {s: sev.get(s, 0) for s in SEVERITIES},
        "by_channel": {c: chan.get(c, 0) for c in CHANNELS},
        "files_with_findings": len(model["findings"]),
        "files_scanned": cov["files_scanned"],
        "bytes_scanned": cov["bytes_scanned"],
        "not_scanned": sum(cov["not_scanned"].values()),
        "scans": len(cov["scans"]),
        "media_events": len(model["media"]),
        "mail_scanned": len(model["email"]),
    }


def _checklist(events: list[Event], req: ReportRequest) -> list[dict[str, Any]]:
    last = next((e for e in reversed(events) if e.kind == "selfcheck"), None)
    if last is None:
        return []
    out = []
    for item in last.data.get("manual") or []:
        q = req.questions.get(str(item.get("id")), {})
        out.append({**q, **item})
    return out


def _last_data(events: list[Event], kind: str, drop: tuple[str, ...] = ()) -> dict[str, Any] | None:
    last = next((e for e in reversed(events) if e.kind == kind), None)
    if last is None:
        return None
    return {k: v for k, v in last.data.items() if k not in drop}


def _policy_from(events: list[Event]) -> dict[str, Any]:
    for e in reversed(events):
        pol = e.data.get("policy") if isinstance(e.data, dict) else None
        if isinstance(pol, dict) and pol.get("id"):
            return {k: pol.get(k) for k in ("id", "version", "sha256")}
    return {"id": None, "version": None, "sha256": None}


def _agent_info(events: list[Event]) -> dict[str, Any]:
    last = next((e for e in reversed(events) if e.kind.startswith("agent_")), None)
    version = last.data.get("version") if last else None
    return {"version": version or __version__, "last_event": last.kind if last else None}


def _after_last_report(ledger: Ledger) -> int:
    last = 0
    for e in ledger.events(kinds=["report_issued"]):
        rng = e.data.get("ledger_range") or {}
        last = max(last, int(rng.get("last_seq") or 0))
    return last


def _head_seq(ledger: Ledger) -> int:
    head = ledger.head()
    return head.seq if head else 0


def _contiguous_len(events: list[Event]) -> int:
    for i in range(1, len(events)):
        if events[i].seq != events[i - 1].seq + 1:
            return i
    return len(events)
