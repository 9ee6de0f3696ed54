"""The report's sections from the period's ledger events, one section per event kind.

:func:`collect` groups the events by kind and fills one section per kind (violations with their
repeats folded, findings per file, media, USB history, connectivity, mail, scan coverage,
errors); every row carries the keys of its section (:func:`with_defaults`), since the template
runs with ``StrictUndefined``. To add a section, add it here and add a template partial.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from secaudit.detect.base import OCR_NOTE
from secaudit.ledger import Event
from secaudit.report.grouping import group_findings, group_violations
from secaudit.report.localtime import iso_time

__all__ = ["collect", "with_defaults"]


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
        "mail": {},
        "attachments": [],
        "classification": "none",
        "violations": 0,
        "direction": "",
    },
    "mail": {"date": "", "from": "", "to": [], "subject": "", "direction": ""},
    "checklist": dict.fromkeys(("id", "category", "question", "weight", "answer", "note")),
    "selfcheck": {
        "score": None,
        "verdict": None,
        "veto": None,
        "grading": None,
        "automatic": [],
        "not_checked": [],
    },
    "automatic": dict.fromkeys(("id", "title", "weight", "score", "note")),
}


def with_defaults(row: Any, section: str) -> dict[str, Any]:
    """``row`` (a dict, or anything else → empty) completed with the section's keys."""
    base = dict(row) if isinstance(row, dict) else {}
    return {**_DEFAULTS[section], **base}


def collect(events: list[Event]) -> dict[str, Any]:
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
            by_kind.get("violation", []),
            by_kind.get("violation_repeated", []),
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
