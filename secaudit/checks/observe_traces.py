"""Observations of usage traces: browser visits, recent documents, recycle bin, networks, radios,
remote-control software. Each function takes a :class:`HostView` and returns :class:`Observed`.
"""

from __future__ import annotations

from secaudit.checks.base import Observed
from secaudit.checks.view import HostView
from secaudit.ids import Level
from secaudit.policy.hostcheck import RemoteTool
from secaudit.sources import networks
from secaudit.sources.networks import MOBILE_TYPES, VPN_TYPES

_STATE_SECRET_RANK = Level.CONFIDENTIAL.rank


def browser_external_hosts(view: HostView) -> Observed:
    intranet = view.policy.intranet
    outside = [v for v in view.visits if not intranet.is_internal(v.host)]
    items = [
        f"{v.host}（{v.browser}，{v.count} 次，首次 {v.to_json()['first']}，"
        f"末次 {v.to_json()['last']}）"
        for v in outside
    ]
    sources = tuple(sorted({p for v in view.visits for p in v.profiles}))
    return Observed(items, tuple(v.to_json() for v in outside), sources=sources)


def recent_docs_removable(view: HostView) -> Observed:
    docs = [d for d in view.recent if d.removable]
    return Observed([f"{d.path}（{d.user}，{d.app}）" for d in docs],
                    tuple(d.to_json() for d in docs))


def recent_docs_vanished(view: HostView) -> Observed:
    docs = [d for d in view.recent if not d.exists]
    return Observed([f"{d.path}（{d.user}，{d.app}）" for d in docs],
                    tuple(d.to_json() for d in docs))


def _recent_marked(view: HostView, min_rank: int) -> Observed:
    items, details = [], []
    for doc in view.recent:
        level = view.marked.level_of(view.host, doc.path)
        if level is None or Level(level).rank < min_rank:
            continue
        zh = Level(level).zh
        gone = "，文件已不存在" if not doc.exists else ""
        items.append(f"{doc.path}（{zh}，{doc.user}，{doc.app}{gone}）")
        details.append({**doc.to_json(), "level": level})
    return Observed(items, tuple(details))


def recent_docs_marked(view: HostView) -> Observed:
    return _recent_marked(view, Level.INTERNAL.rank)


def recent_docs_state_secret(view: HostView) -> Observed:
    return _recent_marked(view, _STATE_SECRET_RANK)


def trash_items(view: HostView) -> Observed:
    items, details = [], []
    for b in view.bins:
        for item in b.items:
            items.append(f"{item.original or b.root + '/' + item.name}（删除于 {item.deleted}）")
            details.append({**item.to_json(), "bin": b.path, "owner": b.owner})
    return Observed(items, tuple(details), sources=tuple(b.root for b in view.bins))


def trash_marked_items(view: HostView) -> Observed:
    items, details = [], []
    for b in view.bins:
        for item in b.items:
            level = view.marked.level_of(view.host, f"{b.root}/{item.name}")
            level = level or view.marked.by_path.get(item.original)
            if level is not None:
                items.append(f"{item.original}（{Level(level).zh}，在 {b.root}）")
                details.append({**item.to_json(), "bin": b.path, "level": level})
    return Observed(items, tuple(details))


def _profiles(view: HostView, types: frozenset[str]) -> Observed:
    found = [p for p in view.profiles if p.type in types]
    items = [
        f"{p.ssid or p.id}（{p.type}" + (f"，最近使用 {p.last_used}" if p.last_used else "") + "）"
        for p in found
    ]
    return Observed(items, tuple(p.to_json() for p in found), sources=tuple(p.file for p in found))


def wifi_profiles(view: HostView) -> Observed:
    return _profiles(view, frozenset({"wifi"}))


def mobile_broadband_profiles(view: HostView) -> Observed:
    return _profiles(view, MOBILE_TYPES)


def vpn_profiles(view: HostView) -> Observed:
    return _profiles(view, VPN_TYPES)


def wireless_radios(view: HostView) -> Observed:
    free = [r for r in view.radios if r.blocked is not True]
    items = [f"{r.name}（{r.kind}，{'未禁用' if r.blocked is False else '无rfkill开关'}）"
             for r in free]
    return Observed(items, tuple(r.to_json() for r in view.radios))


def active_interfaces(view: HostView) -> Observed:
    names = networks.active_interfaces(view.host)
    return Observed(len(names), tuple({"interface": n} for n in names))


def _tools(view: HostView) -> tuple[RemoteTool, ...]:
    return view.policy.remote_control


def remote_control_installed(view: HostView) -> Observed:
    by_name = {p.name.lower(): p for p in view.packages}
    items = []
    for tool in _tools(view):
        for name in tool.packages:
            pkg = by_name.get(name.lower())
            if pkg is not None:
                items.append(f"{tool.name}：{pkg.name} {pkg.version}（{pkg.source}）")
    return Observed(items, sources=("/var/lib/dpkg/status",))


def remote_control_running(view: HostView) -> Observed:
    programs = view.programs
    if programs is None:
        return Observed(None, why="不是本机实时检查，无法查看进程")
    items = {
        f"{tool.name}：{prog.name}（PID {prog.pid}）"
        for tool in _tools(view)
        for prog in programs
        if {prog.name.lower(), prog.exe.lower()} & {n.lower() for n in tool.processes}
    }
    return Observed(sorted(items))


def remote_control_listening(view: HostView) -> Observed:
    items = {
        f"{tool.name}：{sock}"
        for tool in _tools(view)
        for sock in view.listeners
        if sock.port in tool.ports
        or sock.program.lower() in {n.lower() for n in tool.processes}
    }
    return Observed(sorted(items))
