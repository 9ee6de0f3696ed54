"""The host-check sections of ``secaudit policy show``: checks, remote-control list, networks."""

from __future__ import annotations

from collections.abc import Callable

from secaudit.policy.hostcheck import OBSERVATIONS
from secaudit.policy.policy import Policy

ROLE_ZH = {"internet": "互联网", "intranet": "内网", "classified": "涉密"}


Table = Callable[[list[str], list[list[str]]], str]


def show_checks(policy: Policy, table: Table, *, details: bool = False) -> list[str]:
    """Lines describing the policy's host checks (zh), tables drawn with ``table``."""
    nets = "，".join(str(n) for n in policy.intranet_networks) or "（未设置）"
    out = ["", f"内网地址段：{nets}", "", f"主机检查项：{len(policy.checks)} 项"]
    if policy.checks:
        rows = [
            [
                c.id,
                c.severity.zh,
                "、".join(ROLE_ZH[r] for r in sorted(c.roles)),
                c.title + ("" if c.enabled else "（停用）"),
                f"{OBSERVATIONS[c.observe][1]} {c.expect.zh}",
            ]
            for c in policy.checks
        ]
        out.append(table(["编号", "级别", "适用", "标题", "期望"], rows))
    if details:
        for c in policy.checks:
            out += ["", f"[{c.id}] {c.title}", f"  依据：{c.basis}", f"  整改：{c.remedy}"]
    tools = "；".join(
        f"{t.name}（{'、'.join((*t.packages, *t.processes, *map(str, t.ports)))}）"
        for t in policy.remote_control
    )
    out += ["", f"远程控制软件：{tools or '（未设置）'}"]
    return out
