"""The periodic self-inspection (定期保密自查): automatic checks + manual checklist → signed report.

``run_selfcheck`` does, in order: connectivity probe and ``policy.evaluate_host`` (违规外联); a full
scan of the configured roots (channel ``internet_host`` on an internet-role or connected host,
else ``local``); the mail stores (``scan_mail_once``); USB history (recorded as ``media_seen``);
``ledger.verify()``; agent health (``read_status``); the policy's manual checklist (from a file or
asked on the terminal). It grades the result (``selfcheck_score``), records a ``selfcheck`` event,
and issues a signed report into the home's reports folder. The agent calls it on its schedule.

To add an automatic check: compute it in ``_automatic`` as an :class:`AutoCheck` with a weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secaudit.config import Config
from secaudit.errors import ChainError, SecauditError
from secaudit.ledger import Ledger
from secaudit.model import Channel, HostRole, ScanContext, Severity, Violation
from secaudit.policy.evaluate import evaluate_host
from secaudit.report.build import ReportRequest, select_events
from secaudit.report.issue import IssuedReport, issue_report, signing_key_of
from secaudit.selfcheck.hostchecks import critical_failures, host_checks_item, run_host_checks
from secaudit.selfcheck.score import GRADING_ZH, AutoCheck, Grade, ask, grade, load_answers
from secaudit.selfcheck.score import manual_rows as _manual_rows


@dataclass(frozen=True)
class SelfcheckResult:
    score: float
    verdict: str
    verdict_text: str
    report: IssuedReport
    automatic: list[dict[str, Any]]
    manual: list[dict[str, Any]]


@dataclass
class _Observed:
    """What the automatic part saw."""

    connected: bool | None = None
    host_violations: list[Violation] | None = None
    scan_violations: list[Violation] | None = None
    scanned: int = 0
    not_scanned: int = 0
    roots: list[str] | None = None
    mail: list[dict[str, Any]] | None = None
    usb_devices: int = 0
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
        automatic = _automatic(seen, ledger)
        critical = _critical_rules(seen)
        result = grade(automatic, manual, critical)
        auto_json = [a.to_json() for a in automatic]
        ledger.append("selfcheck", _event(result, auto_json, manual))
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
            },
        )
        issued = issue_report(config, ledger, req, out=out, key=key)
    return SelfcheckResult(
        result.score, result.verdict, result.verdict_text, issued, auto_json, manual
    )


def _event(result: Grade, automatic: list[dict[str, Any]], manual: list[dict]) -> dict:
    return {
        "score": result.score,
        "verdict": result.verdict,
        "veto": result.veto,
        "grading": GRADING_ZH,
        "automatic": {a["id"]: {k: v for k, v in a.items() if k != "id"} for a in automatic},
        "manual": [{"id": m["id"], "answer": m["answer"], "note": m["note"]} for m in manual],
    }


def _observe(config: Config, policy: Any, ledger: Ledger) -> _Observed:
    from secaudit.sources.connectivity import probe_connectivity

    seen = _Observed()
    state = probe_connectivity(config.connectivity)
    seen.connected = state.connected
    ledger.append("connectivity", state.to_json())
    role = config.host.role
    internet = role is HostRole.INTERNET or bool(state.connected)
    ctx = ScanContext(
        channel=Channel.INTERNET_HOST if internet else Channel.LOCAL,
        host_role=role,
        hostname=config.hostname,
        connected=state.connected,
    )
    seen.host_violations = list(evaluate_host(policy, ctx))
    for v in seen.host_violations:
        ledger.append("violation", {**v.to_json(), "scan_id": None, "detail": v.detail})
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
    seen.roots = [str(p) for p in roots]
    with Scanner(config, policy, ledger=ledger) as scanner:
        if roots:
            run = scanner.scan(roots, ctx, trigger="selfcheck")
            seen.scan_violations = list(run.violations)
            seen.scanned = int(run.summary.get("files_scanned", 0))
            seen.not_scanned = sum(run.not_scanned.values())
        stores = find_mail_stores(config.agent)
        seen.mail = scan_mail_once(scanner, policy, config, ledger, stores, connected=ctx.connected)


def _usb(ledger: Ledger, seen: _Observed) -> None:
    from secaudit.sources.usbhistory import usb_history

    try:
        records = usb_history()
    except (OSError, SecauditError) as exc:
        ledger.append("error", {"where": "selfcheck.usb_history", "message": str(exc)})
        return
    seen.usb_devices = len(records)
    if records:
        ledger.append_many(("media_seen", r.to_json()) for r in records)


def _agent_status(config: Config) -> dict[str, Any] | None:
    from secaudit.agent.status import read_status

    return read_status(config.home)


def _automatic(seen: _Observed, ledger: Ledger) -> list[AutoCheck]:
    scan_v = seen.scan_violations or []
    worst = max((v.severity.rank for v in scan_v), default=-1)
    scan_result = 1.0 if not scan_v else 0.5 if worst <= Severity.MEDIUM.rank else 0.0
    mail_bad = sum(int(m.get("violations") or 0) for m in seen.mail or [])
    events, _, _ = select_events(ledger, None, None)
    media_bad = sum(
        1 for e in events if e.kind == "violation" and e.data.get("channel") == "removable_media"
    )
    total = seen.scanned + seen.not_scanned
    nothing = "未检查：配置的检查目录在本机均不存在或为空（agent.roots）"
    return [
        AutoCheck(
            "auto.files",
            "终端文件检查：未发现标密或敏感文件违规存储",
            20,
            scan_result if total else None,
            f"检查目录 {len(seen.roots or [])} 个，违规 {len(scan_v)} 项" if total else nothing,
        ),
        AutoCheck(
            "auto.connectivity",
            "联网状态符合计算机类别（涉密计算机不得连接互联网）",
            15,
            0.0 if seen.host_violations else 1.0,
            f"可访问互联网：{'是' if seen.connected else '否'}",
        ),
        AutoCheck(
            "auto.media",
            "移动存储介质：本期无交叉使用或违规拷贝",
            10,
            0.0 if media_bad else 1.0,
            f"本期介质违规 {media_bad} 项，USB 历史设备 {seen.usb_devices} 个",
        ),
        AutoCheck(
            "auto.mail",
            "电子邮件：未发现以附件发送标密文件",
            10,
            0.0 if mail_bad else 1.0,
            f"检查邮件 {len(seen.mail or [])} 封，违规 {mail_bad} 项",
        ),
        AutoCheck(
            "auto.ledger",
            "证据账本哈希链完整",
            10,
            1.0 if seen.ledger_ok else 0.0,
            seen.ledger_note or "完整",
        ),
        AutoCheck(
            "auto.agent",
            "审计代理正常运行",
            5,
            1.0 if seen.agent else 0.0,
            "运行中" if seen.agent else "未运行",
        ),
        AutoCheck(
            "auto.coverage",
            "检查范围完整（无未能检查的文件）",
            5,
            seen.scanned / total if total else None,
            f"已检查 {seen.scanned} 个，未能检查 {seen.not_scanned} 个" if total else nothing,
        ),
        host_checks_item(seen.host_checks),  # -- host checks (selfcheck/hostchecks.py) --
    ]


def _critical_rules(seen: _Observed) -> list[str]:
    found = [*(seen.host_violations or []), *(seen.scan_violations or [])]
    rules = [f"{v.rule} {v.title}" for v in found if v.severity is Severity.CRITICAL]
    return rules + critical_failures(seen.host_checks)  # -- host checks (hostchecks.py) --
