"""Chinese text for a policy: one sentence per condition, and the tables of ``policy show``.

Conditions stay one-method objects; their wording lives here, dispatched on the class. To
describe a new condition, add a function to ``_WORDING``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import secaudit.policy.conditions as c
import secaudit.policy.file_conditions as fc
from secaudit.model import Channel, HostRole, Level
from secaudit.policy.describe_checks import show_checks
from secaudit.policy.policy import Policy

CHANNEL_ZH = {
    Channel.REMOVABLE_MEDIA.value: "移动存储介质",
    Channel.INTERNET_HOST.value: "互联网计算机",
    Channel.EMAIL.value: "电子邮件",
    Channel.LOCAL.value: "本机扫描",
}
ROLE_ZH = {
    HostRole.INTERNET.value: "互联网计算机",
    HostRole.INTRANET.value: "内网计算机",
    HostRole.CLASSIFIED.value: "涉密计算机",
}
MEDIUM_ROLE_ZH = {
    HostRole.INTERNET.value: "互联网专用",
    HostRole.INTRANET.value: "内网专用",
    HostRole.CLASSIFIED.value: "涉密专用",
}
REASON_ZH = {
    "encrypted": "加密",
    "corrupt": "损坏",
    "too_large": "过大",
    "limit": "超出限制",
    "timeout": "超时",
    "unsupported": "不支持的格式",
    "permission": "无权限",
    "vanished": "已消失",
}
SCOPE_ZH = {"file": "文件", "medium": "介质", "host": "主机"}
INFO_ZH = {
    "cn_resident_id": "身份证号",
    "bank_card": "银行卡号",
    "cn_mobile": "手机号",
    "cn_uscc": "统一社会信用代码",
    "card_cvn": "银行卡验证码（CVN2/CVV2）",
    "card_track": "银行卡磁道信息",
    "auth_secret": "密码/PIN",
    "otp_code": "一次性验证码",
}


def _names(values: frozenset[str], table: dict[str, str]) -> str:
    return "或".join(table.get(v, v) for v in sorted(values))


def _classification(cond: fc.Classification) -> str:
    low, high = cond.at_least, cond.at_most
    if low is not None and low == high:
        return "未标密" if low == Level.NONE else f"密级为{low.zh}"
    parts = []
    if low is not None:
        parts.append(f"不低于{low.zh}")
    if high is not None:
        parts.append(f"不高于{high.zh}")
    return "密级" + "且".join(parts) if parts else "任意密级"


def _info(cond: fc.InfoTypes) -> str:
    return "且".join(
        f"{INFO_ZH.get(t, t)}" + ("达到阈值" if n is None else f"不少于{n}个")
        for t, n in cond.minimums
    )


def _joined(parts: tuple[c.Condition, ...], word: str) -> str:
    texts = [describe(p) for p in parts]
    return texts[0] if len(texts) == 1 else "（" + word.join(texts) + "）"


_WORDING: dict[type, Callable[[Any], str]] = {
    c.AllOf: lambda x: _joined(x.parts, " 且 "),
    c.AnyOf: lambda x: _joined(x.parts, " 或 "),
    c.Not: lambda x: f"并非{describe(x.part)}",
    c.ChannelIn: lambda x: f"渠道为{_names(x.channels, CHANNEL_ZH)}",
    c.HostRoleIn: lambda x: f"主机为{_names(x.roles, ROLE_ZH)}",
    c.Connected: lambda x: "主机连接互联网" if x.value else "主机未连接互联网",
    c.MediumRegistered: lambda x: "介质已登记" if x.value else "介质未登记",
    c.MediumRoleIn: lambda x: f"介质登记为{_names(x.roles, MEDIUM_ROLE_ZH)}",
    c.MediumCrossUsed: lambda x: (
        "介质在涉密与非涉密计算机间交叉使用" if x.value else "介质未交叉使用"
    ),
    c.RecipientExternal: lambda x: "有行外收件人" if x.value else "收件人均在行内",
    fc.Classification: _classification,
    fc.InfoTypes: _info,
    fc.CustomerData: lambda x: "含达到阈值的客户信息" if x.value else "不含达到阈值的客户信息",
    fc.InfoClass: lambda x: "含JR/T 0171-2020 " + "或".join(sorted(x.classes)) + "类个人金融信息",
    fc.HasErrors: lambda x: f"有无法检查的内容（{_names(x.reasons, REASON_ZH)}）",
    fc.NameMatches: lambda x: "文件名匹配 " + "|".join(p.pattern for p in x.patterns),
}


def describe(cond: c.Condition) -> str:
    """One Chinese sentence for a condition."""
    wording = _WORDING.get(type(cond))
    return wording(cond) if wording else type(cond).__name__


def describe_rule(cond: c.Condition) -> str:
    """A rule's whole condition, without the outer brackets."""
    text = describe(cond)
    return (
        text[1:-1]
        if text.startswith("（") and text.endswith("）") and isinstance(cond, c.AllOf | c.AnyOf)
        else text
    )


def width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table aligned for CJK text."""
    widths = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [cell + " " * (w - width(cell)) for cell, w in zip(cells, widths, strict=True)]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def show_policy(policy: Policy, *, details: bool = False) -> str:
    """The effective policy as Chinese text tables (``secaudit policy show``)."""
    out = [
        f"策略：{policy.title}",
        f"编号：{policy.id}    版本：{policy.version}",
        f"SHA-256：{policy.sha256}",
        "文件：" + "，".join(str(p) for p in policy.files),
        "行内邮件域名：" + ("，".join(policy.internal_domains) or "（未设置）"),
        "客户信息阈值："
        + (
            "，".join(f"{INFO_ZH.get(t, t)} ≥ {n}" for t, n in policy.thresholds.items())
            or "（未设置）"
        ),
        "追加标识用语："
        + (
            "；".join(f"{Level(lv).zh}：{'、'.join(ws)}" for lv, ws in policy.markings.items())
            or "（无）"
        ),
        "",
        "规则：",
    ]
    rows = [
        [
            r.id,
            r.severity.zh,
            SCOPE_ZH[r.scope],
            r.title + ("" if r.enabled else "（停用）"),
            describe_rule(r.condition),
        ]
        for r in policy.rules
    ]
    out.append(table(["编号", "级别", "范围", "标题", "条件"], rows))
    if details:
        for r in policy.rules:
            out += ["", f"[{r.id}] {r.title}", f"  依据：{r.basis}", f"  处置：{r.remedy}"]
    out += ["", f"登记介质：{len(policy.media)} 件"]
    if policy.media:
        out.append(
            table(
                ["序列号", "文件系统UUID", "用途", "标签", "保管人"],
                [
                    [
                        m.serial or "-",
                        m.fs_uuid or "-",
                        MEDIUM_ROLE_ZH.get(m.role, m.role),
                        m.label or "-",
                        m.holder or "-",
                    ]
                    for m in policy.media
                ],
            )
        )
    out += ["", f"人工自查项：{len(policy.checklist)} 项"]
    if policy.checklist:
        out.append(
            table(
                ["编号", "类别", "分值", "检查内容"],
                [[i.id, i.category, str(i.weight), i.question] for i in policy.checklist],
            )
        )
    out += show_checks(policy, table, details=details)  # host checks (describe_checks.py)
    return "\n".join(out)
