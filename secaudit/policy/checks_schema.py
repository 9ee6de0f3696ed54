"""Reading the host-check sections of a policy: checks, remote_control, intranet_networks.

Used by ``schema.py`` like the other section readers: problems are recorded on the
:class:`Source` as ``file:line: field: message`` and what could be read is returned. The format::

    intranet_networks: [10.0.0.0/8, 192.168.0.0/16]    # internal IP ranges (CIDR)
    remote_control:                                     # forbidden remote-control software
      - {name: TeamViewer, packages: [teamviewer], processes: [teamviewerd], ports: [5938]}
    checks:
      - id: HC-NET-01
        title: 内网计算机浏览器访问互联网站点
        roles: [intranet, classified]      # optional, default every role
        observe: browser_external_hosts    # one of hostcheck.OBSERVATIONS
        expect: {empty: true}              # one operator allowed for the observation's kind
        severity: critical
        basis: GB/T 22239-2019 …
        remedy: …
        enabled: true                      # optional
"""

from __future__ import annotations

import ipaddress

from yaml.nodes import Node

from secaudit.model import HostRole, Severity
from secaudit.policy.hostcheck import OBSERVATIONS, OPERATORS, Expect, HostCheck, RemoteTool
from secaudit.policy.sections import choice
from secaudit.policy.yamlsrc import Source

CHECK_KEYS = {
    "id", "title", "severity", "basis", "remedy", "roles", "observe", "expect", "enabled",
}
TOOL_KEYS = {"name", "packages", "processes", "ports"}
_REQUIRED = ("id", "title", "severity", "basis", "remedy", "observe", "expect")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def read_networks(src: Source, node: Node, where: str) -> tuple[Network, ...]:
    out = []
    for value, item in src.text_list(node, where):
        try:
            out.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            src.problem(item, where, f"not an IP network (CIDR such as 10.0.0.0/8): {value!r}")
    return tuple(out)


def read_remote_control(src: Source, node: Node, where: str) -> tuple[RemoteTool, ...]:
    out = []
    for label, item in src.items(node, where):
        entries = src.mapping(item, label, TOOL_KEYS)
        if entries is None:
            continue
        name = src.text(entries["name"][1], f"{label}.name") if "name" in entries else None
        if "name" not in entries:
            src.problem(item, f"{label}.name", "missing (required)")
        lists = {
            k: tuple(v for v, _ in src.text_list(entries[k][1], f"{label}.{k}"))
            for k in ("packages", "processes")
            if k in entries
        }
        ports = _ports(src, entries["ports"][1], f"{label}.ports") if "ports" in entries else ()
        if not (lists or ports):
            src.problem(item, label, "give packages, processes or ports")
        if name is not None:
            packages, processes = lists.get("packages", ()), lists.get("processes", ())
            out.append(RemoteTool(name, packages, processes, ports))
    return tuple(out)


def _ports(src: Source, node: Node, where: str) -> tuple[int, ...]:
    out = []
    for label, item in src.items(node, where):
        port = src.integer(item, label, minimum=1)
        if port is not None and port > 65535:
            src.problem(item, label, f"not a TCP port: {port}")
        elif port is not None:
            out.append(port)
    return tuple(out)


def read_checks(
    src: Source, node: Node, where: str, rule_ids: frozenset[str]
) -> tuple[HostCheck, ...]:
    checks: list[HostCheck] = []
    first: dict[str, int] = {}
    for label, item in src.items(node, where):
        entries = src.mapping(item, label, CHECK_KEYS)
        if entries is None:
            continue
        id_node = entries["id"][1] if "id" in entries else None
        raw_id = str(getattr(id_node, "value", "") or "")
        if raw_id in first:
            where_first = f"first at line {first[raw_id]}"
            src.problem(id_node, f"{label}.id", f"duplicate check id ({where_first})")
            continue
        if raw_id in rule_ids:
            src.problem(id_node, f"{label}.id", "id already used by a rule")
            continue
        if raw_id:
            first[raw_id] = item.start_mark.line + 1
        check = _read_check(src, item, entries, label)
        if check is not None:
            checks.append(check)
    return tuple(checks)


def _read_check(
    src: Source, item: Node, entries: dict[str, tuple[Node, Node]], label: str
) -> HostCheck | None:
    before = len(src.problems)
    check_id = src.text(entries["id"][1], f"{label}.id") if "id" in entries else None
    label = f"checks.{check_id}" if check_id else label
    for key in _REQUIRED:
        if key not in entries:
            src.problem(item, f"{label}.{key}", "missing (required)")
    texts = {k: src.text(entries[k][1], f"{label}.{k}") for k in ("title", "basis", "remedy")
             if k in entries}
    severity = choice(src, entries, "severity", label, [s.value for s in Severity])
    observe = choice(src, entries, "observe", label, sorted(OBSERVATIONS))
    expect = (_read_expect(src, entries["expect"][1], f"{label}.expect", observe)
              if "expect" in entries and observe else None)
    roles = _roles(src, entries["roles"][1], f"{label}.roles") if "roles" in entries else None
    enabled = (
        src.boolean(entries["enabled"][1], f"{label}.enabled") if "enabled" in entries else True
    )
    if len(src.problems) > before or expect is None or observe is None or severity is None:
        return None
    if not check_id:
        return None
    return HostCheck(
        id=check_id or "", title=texts["title"] or "", severity=Severity(severity),
        basis=texts["basis"] or "", remedy=texts["remedy"] or "", observe=observe,
        expect=expect, roles=roles or HostCheck.roles, enabled=bool(enabled),
        line=item.start_mark.line + 1,
    )


def _roles(src: Source, node: Node, where: str) -> frozenset[str] | None:
    allowed = [r.value for r in HostRole]
    values = src.text_list(node, where)
    bad = [(v, n) for v, n in values if v not in allowed]
    for value, item in bad:
        src.problem(item, where, f"unknown role {value!r} (allowed: {', '.join(allowed)})")
    if not values and not bad:
        src.problem(node, where, "at least one role is needed")
    return frozenset(v for v, _ in values) if values and not bad else None


def _read_expect(src: Source, node: Node, where: str, observe: str) -> Expect | None:
    kind = OBSERVATIONS[observe][0]
    allowed = OPERATORS[kind]
    entries = src.mapping(node, where)
    if entries is None:
        return None
    if len(entries) != 1:
        src.problem(node, where, f"give exactly one of: {', '.join(sorted(allowed))}")
        return None
    (op, (key_node, value_node)), = entries.items()
    if op not in allowed:
        src.problem(key_node, f"{where}.{op}",
                    f"not usable on {observe} ({kind}); allowed: {', '.join(sorted(allowed))}")
        return None
    if op == "empty" or kind == "bool":
        flag = src.boolean(value_node, f"{where}.{op}")
        return Expect(op, flag) if flag is not None else None
    number = src.integer(value_node, f"{where}.{op}", minimum=0)
    return Expect(op, number) if number is not None else None


def read_host_sections(
    src: Source, entries: dict[str, tuple[Node, Node]], values: dict[str, object]
) -> None:
    """Read ``intranet_networks``, ``remote_control`` and ``checks`` into ``values``."""
    if "intranet_networks" in entries:
        values["intranet_networks"] = read_networks(
            src, entries["intranet_networks"][1], "intranet_networks"
        )
    if "remote_control" in entries:
        values["remote_control"] = read_remote_control(
            src, entries["remote_control"][1], "remote_control"
        )
    if "checks" in entries:
        rules = values.get("rules") or ()
        rule_ids = frozenset(r.id for r in rules)  # type: ignore[attr-defined]
        values["checks"] = read_checks(src, entries["checks"][1], "checks", rule_ids)
