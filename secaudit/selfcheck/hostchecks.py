"""The host checks (``secaudit.checks``) as one automatic self-inspection item, and their vetoes.

The self-inspection runs the policy's host checks once (recorded as a ``host_check`` event, which
the report shows in its own section with 依据 and 整改) and scores them as ``auto.host_checks``::

    result = 1 − Σ severity weight of failed checks ÷ Σ severity weight of judged checks
             (critical 4, high 3, medium 2, low 1; not applicable / not checked left out)

A failed critical check (an intranet PC's browser went online, remote-control software running)
vetoes the verdict like a critical violation (一票否决).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from secaudit.checks import check_host
from secaudit.selfcheck.score import AutoCheck

WEIGHT = 15
_SEVERITY_WEIGHT = {"critical": 4, "high": 3, "medium": 2, "low": 1}


def run_host_checks(config: Any, policy: Any, ledger: Any, root: Path = Path("/")) -> list[dict]:
    """The host checks of ``policy`` on this host, recorded in ``ledger``; their JSON rows."""
    doc, _ = check_host(policy, role=config.host.role.value, root=root, ledger=ledger)
    return list(doc["checks"])


def host_checks_item(checks: list[dict[str, Any]] | None) -> AutoCheck:
    title = "主机检查：上网痕迹、无线、远程控制软件和基线设置符合要求"
    judged = [c for c in checks or [] if c["outcome"] in ("pass", "fail")]
    if not judged:
        none = "未检查：策略中没有适用于本机的主机检查项"
        return AutoCheck("auto.host_checks", title, WEIGHT, None, none)
    failed = [c for c in judged if c["outcome"] == "fail"]
    total = sum(_SEVERITY_WEIGHT.get(c["severity"], 1) for c in judged)
    lost = sum(_SEVERITY_WEIGHT.get(c["severity"], 1) for c in failed)
    names = "；".join(f"{c['id']} {c['title']}（{c['observed_text']}）" for c in failed[:5])
    note = f"不符合 {len(failed)} 项，符合 {len(judged) - len(failed)} 项" + (
        f"：{names}" if names else "")
    return AutoCheck("auto.host_checks", title, WEIGHT, 1 - lost / total, note)


def critical_failures(checks: list[dict[str, Any]] | None) -> list[str]:
    """``id title`` of each failed critical check (一票否决)."""
    return [f"{c['id']} {c['title']}" for c in checks or []
            if c["outcome"] == "fail" and c["severity"] == "critical"]
