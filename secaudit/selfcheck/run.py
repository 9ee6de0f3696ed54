"""The periodic self-inspection (定期保密自查): automatic checks + manual checklist → signed report.

``run_selfcheck`` does, in order: connectivity probe and ``policy.evaluate_host`` (违规外联); a full
scan of the configured roots (channel ``internet_host`` on an internet-role host, else ``local``:
the configured role decides, connectivity only decides the 违规外联 rules); the mail stores
(``scan_mail_once``); USB history (recorded as ``media_seen``); ``ledger.verify()``; agent health
(``read_status``); the policy's manual checklist (from a file or asked on the terminal).

The automatic checks and the veto are then computed from **all** the ledger events of the report
period (the agent's and this run's own, :mod:`secaudit.selfcheck.evidence`). It grades the result,
records a ``selfcheck`` event, and issues a signed report into the home's reports folder. The
agent calls it on its schedule.

To add an automatic check: see :mod:`secaudit.selfcheck.evidence`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secaudit.config import Config
from secaudit.errors import ChainError, SecauditError
from secaudit.ledger import Ledger
from secaudit.ledger.repeats import mark_repeats
from secaudit.model import Channel, HostRole, ScanContext
from secaudit.policy.evaluate import evaluate_host
from secaudit.report.build import ReportRequest, select_events
from secaudit.report.issue import IssuedReport, issue_report, signing_key_of
from secaudit.selfcheck.evidence import (
    PeriodEvidence,
    automatic_checks,
    critical_violations,
    not_checked,
)
from secaudit.selfcheck.hostchecks import critical_failures, host_checks_item, run_host_checks
from secaudit.selfcheck.score import GRADING_ZH, Grade, ask, grade, load_answers
from secaudit.selfcheck.score import manual_rows as _manual_rows


@dataclass(frozen=True)
class SelfcheckResult:
    score: float
    verdict: str
    verdict_text: str
    report: IssuedReport
    automatic: list[dict[str, Any]]
    manual: list[dict[str, Any]]
    not_checked: list[str] = field(default_factory=list)
    """Titles of the automatic checks that had nothing to examine (未检查)."""


@dataclass
class _Observed:
    """What the self-inspection saw itself (the rest comes from the period's events)."""

    mail_stores: int = 0
    usb_devices: int = 0
    usb_readable: bool = False
    ledger_ok: bool = True
    ledger_note: str = ""
    agent: dict[str, Any] | None = None
    host_checks: list[dict[str, Any]] | None = None  # secaudit.checks results (hostchecks.py)


def run_selfcheck(
    config: Config,
    *,
    answers_file: Path | None = None,
    interactive: bool = False,
    out: Path | None = None,
    lang: str = "zh",
    policy: Any = None,
    read: Callable[[str], str] = input,
) -> SelfcheckResult:
    """Run the whole self-inspection and issue its signed report."""
    if policy is None:
        from secaudit.policy import load_policy

        policy = load_policy(config.policy.path or None)
    key = signing_key_of(config)  # fail before a long scan when there is no key
    answers = load_answers(answers_file) if answers_file else {}
    manual = _manual_rows(policy.checklist, answers)
    with Ledger(config.home.ledger) as ledger:
        seen = _observe(config, policy, ledger)
        if interactive:
            manual = _manual_rows(policy.checklist, ask(policy.checklist, read=read))
        evidence = _period_evidence(ledger, policy, seen)
        # -- host checks (selfcheck/hostchecks.py): this run's own, scored and vetoed here --
        automatic = [*automatic_checks(evidence), host_checks_item(seen.host_checks)]
        critical = critical_violations(evidence) + critical_failures(seen.host_checks)
        result = grade(automatic, manual, critical)
        auto_json = [a.to_json() for a in automatic]
        missing = not_checked(automatic)
        ledger.append("selfcheck", _event(result, auto_json, manual, missing))
        req = ReportRequest(
            lang=lang,
            policy={**policy.identity(), "title": policy.title},
            checklist=manual,
            selfcheck={
                "score": result.score,
                "verdict": result.verdict,
                "veto": result.veto,
                "grading": GRADING_ZH,
                "automatic": auto_json,
                "not_checked": missing,
            },
        )
        issued = issue_report(config, ledger, req, out=out, key=key)
    return SelfcheckResult(
        result.score, result.verdict, result.verdict_text, issued, auto_json, manual, missing
    )


def _event(
    result: Grade, automatic: list[dict[str, Any]], manual: list[dict], missing: list[str]
) -> dict:
    return {
        "score": result.score,
        "verdict": result.verdict,
        "veto": result.veto,
        "grading": GRADING_ZH,
        "automatic": {a["id"]: {k: v for k, v in a.items() if k != "id"} for a in automatic},
        "not_checked": missing,
        "manual": [{"id": m["id"], "answer": m["answer"], "note": m["note"]} for m in manual],
    }


def _period_evidence(ledger: Ledger, policy: Any, seen: _Observed) -> PeriodEvidence:
    events, _, _ = select_events(ledger, None, None)
    host_rules = frozenset(r.id for r in policy.rules if r.scope == "host")
    return PeriodEvidence(
        events,
        host_rules=host_rules,
        mail_stores=seen.mail_stores,
        usb_devices=seen.usb_devices,
        usb_readable=seen.usb_readable,
        agent_running=seen.agent is not None,
        ledger_ok=seen.ledger_ok,
        ledger_note=seen.ledger_note,
    )


def _observe(config: Config, policy: Any, ledger: Ledger) -> _Observed:
    from secaudit.sources.connectivity import probe_connectivity

    seen = _Observed()
    state = probe_connectivity(config.connectivity, internal_domains=policy.internal_domains)
    ledger.append("connectivity", state.to_json())
    role = config.host.role
    ctx = ScanContext(
        channel=Channel.INTERNET_HOST if role is HostRole.INTERNET else Channel.LOCAL,
        host_role=role,
        hostname=config.hostname,
        connected=state.connected,
    )
    found = [("violation", {**v.to_json(), "scan_id": None, "detail": v.detail})
             for v in evaluate_host(policy, ctx)]
    if found:
        ledger.append_many(mark_repeats(ledger, found))
    _scan_roots_and_mail(config, policy, ledger, ctx, seen)
    _usb(ledger, seen)
    # -- host checks (selfcheck/hostchecks.py): recorded as a host_check event --
    seen.host_checks = run_host_checks(config, policy, ledger)
    try:
        ledger.verify()
    except ChainError as exc:
        seen.ledger_ok, seen.ledger_note = False, exc.diagnostics()
    seen.agent = _agent_status(config)
    return seen


def _scan_roots_and_mail(
    config: Config, policy: Any, ledger: Ledger, ctx: ScanContext, seen: _Observed
) -> None:
    from secaudit.scan.scanner import Scanner
    from secaudit.sources.mailstores import expand_user_globs, find_mail_stores, scan_mail_once

    roots = [p for p in expand_user_globs(config.agent.roots) if p.is_dir()]
    with Scanner(config, policy, ledger=ledger) as scanner:
        if roots:
            scanner.scan(roots, ctx, trigger="selfcheck")
        stores = find_mail_stores(config.agent)
        seen.mail_stores = len(stores)
        scan_mail_once(scanner, policy, config, ledger, stores, connected=ctx.connected)


def _usb(ledger: Ledger, seen: _Observed) -> None:
    from secaudit.sources.usbhistory import usb_history

    try:
        records = usb_history()
    except (OSError, SecauditError) as exc:
        ledger.append("error", {"where": "selfcheck.usb_history", "message": str(exc)})
        return
    seen.usb_devices = len(records)
    seen.usb_readable = bool(records)
    if records:
        ledger.append_many(("media_seen", r.to_json()) for r in records)


def _agent_status(config: Config) -> dict[str, Any] | None:
    from secaudit.agent.status import read_status

    return read_status(config.home)
