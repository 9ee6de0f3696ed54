"""Host checks as policy data: what a check observes, what it expects, and the remote-control list.

A host check (``checks:`` in the policy) names one **observation** of the host (a value the
checks stage reads from the host's traces and settings, ``OBSERVATIONS``) and an **expectation**
on it (:class:`Expect`). The check stage (``secaudit.checks``) computes the observation and
judges it: pass / fail / not_applicable (the host's role is not in ``roles``) / not_checked (the
value could not be observed, with why). To add an observation, add it here with its value kind
and implement it in ``secaudit/checks/observe.py`` (a test checks both lists agree).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from secaudit.model import Severity

# value kinds: "list" (items found; counted), "int", "bool"
OBSERVATIONS: dict[str, tuple[str, str]] = {
    "browser_external_hosts": ("list", "浏览器访问的非内网站点"),
    "recent_docs_removable": ("list", "最近打开的移动存储介质上的文档"),
    "recent_docs_vanished": ("list", "最近打开但已不存在的文档"),
    "recent_docs_marked": ("list", "最近打开的已知标密文档（账本记录，任何密级）"),
    "recent_docs_state_secret": ("list", "最近打开的已知国家秘密文档（账本记录，秘密及以上）"),
    "trash_items": ("list", "回收站中的文件"),
    "trash_marked_items": ("list", "回收站中的已知标密文档（账本记录）"),
    "wifi_profiles": ("list", "无线网络（Wi-Fi）连接配置"),
    "mobile_broadband_profiles": ("list", "移动宽带（3G/4G/5G）连接配置"),
    "vpn_profiles": ("list", "VPN 连接配置"),
    "wireless_radios": ("list", "未禁用的无线网卡和蓝牙设备"),
    "active_interfaces": ("int", "已启用的非回环网络接口数"),
    "remote_control_installed": ("list", "已安装的远程控制软件"),
    "remote_control_running": ("list", "正在运行的远程控制软件"),
    "remote_control_listening": ("list", "远程控制软件监听的端口"),
    "screen_lock_enabled": ("bool", "屏幕锁定是否启用"),
    "screen_lock_idle_seconds": ("int", "进入屏保/锁屏的空闲时间（秒）"),
    "password_min_length": ("int", "口令最小长度（pam_pwquality minlen）"),
    "password_min_classes": ("int", "口令最少字符类别数（minclass）"),
    "password_max_days": ("int", "口令最长使用天数（PASS_MAX_DAYS）"),
    "auto_login": ("list", "自动登录设置"),
    "guest_account": ("list", "来宾账户"),
    "usb_storage_blocked": ("bool", "是否禁用 usb-storage 内核模块"),
    "listening_services": ("list", "监听非回环地址的服务"),
    "samba_shares": ("list", "Samba 共享目录"),
}
"""Observation id → (value kind, zh description)."""

OPERATORS: dict[str, frozenset[str]] = {
    "list": frozenset({"empty", "at_most", "at_least"}),
    "int": frozenset({"equals", "at_most", "at_least"}),
    "bool": frozenset({"equals"}),
}
"""Operators of ``expect`` allowed per value kind (``at_most``/``at_least`` on a list count it)."""

_ZH_OPS = {"empty": "为空", "equals": "等于", "at_most": "不超过", "at_least": "不少于"}


@dataclass(frozen=True)
class Expect:
    """One operator and its operand: ``{empty: true}``, ``{at_most: 300}``, ``{equals: true}``."""

    op: str
    value: int | bool

    def holds(self, observed: Any) -> bool:
        if self.op == "empty":
            return (len(observed) == 0) == bool(self.value)
        measured = len(observed) if isinstance(observed, list | tuple) else observed
        if self.op == "equals":
            return bool(measured == self.value)
        if self.op == "at_most":
            return bool(measured <= self.value)
        return bool(measured >= self.value)

    def to_json(self) -> dict[str, Any]:
        return {self.op: self.value}

    @property
    def zh(self) -> str:
        value = {True: "是", False: "否"}.get(self.value, self.value)  # type: ignore[call-overload]
        if self.op == "empty":
            return "为空" if self.value else "不为空"
        return f"{_ZH_OPS[self.op]} {value}"


@dataclass(frozen=True)
class HostCheck:
    """One check of the host (检查项), from the policy's ``checks:`` section."""

    id: str
    title: str
    severity: Severity
    basis: str
    remedy: str
    observe: str
    expect: Expect
    roles: frozenset[str] = frozenset({"internet", "intranet", "classified"})
    enabled: bool = True
    line: int = 0


@dataclass(frozen=True)
class RemoteTool:
    """Remote-control software the policy forbids, recognised by package, process or port."""

    name: str
    packages: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    ports: tuple[int, ...] = ()


@dataclass(frozen=True)
class Intranet:
    """What counts as internal for browser traces: domains (and subdomains) and IP networks."""

    domains: tuple[str, ...] = ()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = field(default=())

    def is_internal(self, host: str) -> bool:
        """Whether ``host`` is internal. ``localhost`` is 127.0.0.1; a single-label name (no
        dot) cannot be resolved on the internet and is internal."""
        host = host.lower().rstrip(".").strip("[]")
        if host == "localhost":
            host = "127.0.0.1"
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            if "." not in host:
                return True
            return any(host == d or host.endswith("." + d) for d in self.domains)
        return any(ip in net for net in self.networks)
