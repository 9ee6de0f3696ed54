"""Ledger → report model (schema ``secaudit.report/2``; ``/1`` lacked the files' digests).

The model is plain JSON: the HTML template renders it, the HTML embeds it, ``--format json`` prints
it, and head office reads it back with ``verify.embedded_data``. The sections (one per event
kind) come from ``report/sections.py``; to add a section, add it there and add a template partial.

The report covers a contiguous run of ledger events ``first_seq..last_seq``
(``report/eventrange.py``: by default everything after the last issued report); ``prev_hash`` is
the chain's hash before the first event, ``last_hash`` after the last — both recomputed from the
rows' content (``report/evidence.py``, which also adds the ledger head, checkpoints and
integrity) — so consecutive reports of one host chain. An empty range has
``last_seq = first_seq - 1`` and ``last_hash = prev_hash``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from secaudit import __version__
from secaudit.config import Config
from secaudit.ledger import Event, Ledger, now_iso
from secaudit.report.eventrange import select_events
from secaudit.report.evidence import chain_violation, ledger_evidence
from secaudit.report.hostchecks import host_checks_section
from secaudit.report.redact import scrub
from secaudit.report.sections import collect, with_defaults

SCHEMA = "secaudit.report/2"
SEVERITIES = ("critical", "high", "medium", "low")
CHANNELS = ("internet_host", "removable_media", "email", "local")


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
    model.update(collect(events))
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
