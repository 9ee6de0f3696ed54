"""The automatic self-inspection checks, computed from the ledger events of the report period.

The period is the one the report covers (``report.build.select_events``: everything after the
last issued report), so the agent's evidence (a stick mounted last week, a mail sent yesterday)
counts as much as what the self-inspection's own scan found today. Every check answers:

- a result 0…1 when there was something to examine,
- ``None`` (未检查) with the reason when there was nothing to examine — left out of the score,
  named on the report's cover and on the terminal, never counted as a pass.

The veto (一票否决) is every critical violation recorded in the period, whoever recorded it.
To add a check: add a function ``_check_<name>(ev) -> AutoCheck`` and list it in ``CHECKS``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from secaudit.ledger import Event
from secaudit.selfcheck.score import AutoCheck

FILE_CHANNELS = ("internet_host", "local")
_RANK = {"critical": 3, "high": 2, "medium": 1, "low": 0}
_SEV_ZH = {"critical": "严重", "high": "高", "medium": "中", "low": "低"}


@dataclass
class PeriodEvidence:
    """The ledger events of the period, grouped, plus what the self-inspection saw itself."""

    events: list[Event]
    host_rules: frozenset[str] = frozenset()
    mail_stores: int = 0
    usb_devices: int = 0
    usb_readable: bool = False
    agent_running: bool = False
    ledger_ok: bool = True
    ledger_note: str = ""
    by_kind: dict[str, list[Event]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.events:
            self.by_kind.setdefault(e.kind, []).append(e)

    def kind(self, name: str) -> list[Event]:
        return self.by_kind.get(name, [])

    def violations(self, pred: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        return [e.data for e in self.kind("violation") if pred(e.data)]

    def is_host(self, v: dict[str, Any]) -> bool:
        return str(v.get("rule")) in self.host_rules and not v.get("path")


def critical_violations(ev: PeriodEvidence) -> list[str]:
    """``"SEC-001 title"`` of every critical violation recorded in the period."""
    return sorted(
        {f"{v.get('rule')} {v.get('title')}" for v in ev.violations(_critical)}
    )


def _critical(v: dict[str, Any]) -> bool:
    return v.get("severity") == "critical"


def _severity_note(found: Iterable[dict[str, Any]]) -> str:
    counts = Counter(str(v.get("severity")) for v in found)
    parts = [f"{_SEV_ZH[s]} {counts[s]}" for s in _RANK if counts.get(s)]
    return f"（{'、'.join(parts)}）" if parts else ""


def _graded(found: list[dict[str, Any]]) -> float:
    worst = max((_RANK.get(str(v.get("severity")), 3) for v in found), default=-1)
    return 1.0 if worst < 0 else 0.5 if worst <= _RANK["medium"] else 0.0


def _scans(ev: PeriodEvidence, channels: tuple[str, ...]) -> tuple[int, int, int]:
    """(scans, files scanned, files not scanned) of the period's scans on these channels."""
    n = files = missed = 0
    for e in ev.kind("scan_finished"):
        if e.data.get("channel") not in channels:
            continue
        n += 1
        files += int((e.data.get("summary") or {}).get("files_scanned") or 0)
        missed += sum(int(c) for c in (e.data.get("not_scanned") or {}).values())
    return n, files, missed


def _check_files(ev: PeriodEvidence) -> AutoCheck:
    found = ev.violations(lambda v: v.get("channel") in FILE_CHANNELS and not ev.is_host(v))
    scans, files, missed = _scans(ev, FILE_CHANNELS)
    title, weight = "终端文件检查：未发现标密或敏感文件违规存储", 20
    if not files and not missed:
        note = "未检查：本期没有检查到本机文件（配置的检查目录 agent.roots 在本机均不存在或为空）"
        return AutoCheck("auto.files", title, weight, None, note)
    note = (f"本期扫描 {scans} 次，检查文件 {files} 个，违规 {len(found)} 项"
            f"{_severity_note(found)}")
    return AutoCheck("auto.files", title, weight, _graded(found), note)


def _check_connectivity(ev: PeriodEvidence) -> AutoCheck:
    title, weight = "联网状态符合计算机类别（涉密、内网计算机不得连接互联网）", 15
    found = ev.violations(ev.is_host)
    states = [e.data.get("connected") for e in ev.kind("connectivity")]
    known = [s for s in states if s is not None]
    if found:
        rules = "、".join(sorted({str(v["rule"]) for v in found}))
        note = f"本期违规外联 {len(found)} 项：{rules}"
        return AutoCheck("auto.connectivity", title, weight, 0.0, note)
    if not known:
        note = ("未检查：联网状态未知（未配置探测目标 [connectivity] probes，"
                "默认路由不能证明可访问互联网）")
        return AutoCheck("auto.connectivity", title, weight, None, note)
    note = f"本期探测 {len(known)} 次，可访问外部网络：{'是' if any(known) else '否'}"
    return AutoCheck("auto.connectivity", title, weight, 1.0, note)


def _check_media(ev: PeriodEvidence) -> AutoCheck:
    title, weight = "移动存储介质：本期无交叉使用或违规拷贝", 10
    found = ev.violations(lambda v: v.get("channel") == "removable_media")
    media = len(ev.kind("media_inserted")) + len(ev.kind("media_seen_again"))
    watched = ev.agent_running or bool(ev.kind("agent_started"))
    if not (media or watched or ev.usb_readable):
        note = "未检查：本期审计代理未运行（未监视介质接入），也读不到本机 USB 使用记录"
        return AutoCheck("auto.media", title, weight, None, note)
    note = (f"本期介质接入 {media} 次，介质违规 {len(found)} 项{_severity_note(found)}，"
            f"USB 历史设备 {ev.usb_devices} 个")
    return AutoCheck("auto.media", title, weight, 0.0 if found else 1.0, note)


def _check_mail(ev: PeriodEvidence) -> AutoCheck:
    title, weight = "电子邮件：未发现以附件发送或存储标密文件", 10
    found = ev.violations(lambda v: v.get("channel") == "email")
    mails = ev.kind("mail_scanned")
    if not mails and not ev.mail_stores:
        note = "未检查：本机未找到邮件存储（agent.mail_stores）"
        return AutoCheck("auto.mail", title, weight, None, note)
    note = (f"邮件存储 {ev.mail_stores} 个，本期检查邮件 {len(mails)} 封，"
            f"违规 {len(found)} 项{_severity_note(found)}")
    return AutoCheck("auto.mail", title, weight, 0.0 if found else 1.0, note)


def _check_ledger(ev: PeriodEvidence) -> AutoCheck:
    return AutoCheck("auto.ledger", "证据账本哈希链完整", 10,
                     1.0 if ev.ledger_ok else 0.0, ev.ledger_note or "完整")


def _check_agent(ev: PeriodEvidence) -> AutoCheck:
    starts = len(ev.kind("agent_started"))
    note = "运行中" if ev.agent_running else "未运行"
    note += f"（本期启动 {starts} 次）" if starts else "（本期无审计代理记录）"
    return AutoCheck("auto.agent", "审计代理正常运行", 5,
                     1.0 if ev.agent_running else 0.0, note)


def _check_coverage(ev: PeriodEvidence) -> AutoCheck:
    _, files, missed = _scans(ev, ("internet_host", "local", "removable_media", "email"))
    title = "检查范围完整（无未能检查的文件）"
    if not files and not missed:
        return AutoCheck("auto.coverage", title, 5, None, "未检查：本期没有检查任何文件")
    return AutoCheck("auto.coverage", title, 5, files / (files + missed),
                     f"本期已检查 {files} 个，未能检查 {missed} 个")


CHECKS: tuple[Callable[[PeriodEvidence], AutoCheck], ...] = (
    _check_files, _check_connectivity, _check_media, _check_mail,
    _check_ledger, _check_agent, _check_coverage,
)


def automatic_checks(ev: PeriodEvidence) -> list[AutoCheck]:
    return [check(ev) for check in CHECKS]


def not_checked(checks: Iterable[AutoCheck]) -> list[str]:
    """Titles of the checks that had nothing to examine (for the cover and the terminal)."""
    return [c.title for c in checks if c.result is None]
