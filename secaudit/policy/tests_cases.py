"""Reading the parts of a policy test case: the context (medium, mail) and the file's findings.

Used by ``tests_runner.py``. Each reader records problems on the :class:`Source` with their
places and returns what it could build; to accept a new field in a case, add it to the key set
and to the reader here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from yaml.nodes import Node

from secaudit.context import MailMeta, Medium, ScanContext
from secaudit.model import (
    Channel,
    Confidence,
    ErrorReason,
    ExtractError,
    FileResult,
    Finding,
    HostRole,
    Level,
    Location,
)
from secaudit.policy.parse import INFO_TYPES
from secaudit.policy.policy import Policy
from secaudit.policy.yamlsrc import Source

CONTEXT_KEYS = {"channel", "role", "hostname", "connected", "medium", "mail"}
MEDIUM_KEYS = {"serial", "fs_uuid", "registered", "role", "seen_roles", "label"}
MAIL_KEYS = {"recipients", "subject", "sender", "folder"}
FILE_KEYS = {"path", "format", "markings", "info", "errors", "members"}
_DETECTOR = "policy-test"


def optional_text(src: Source, pair: tuple[Node, Node] | None, where: str) -> str | None:
    if pair is None or pair[1].tag.endswith(":null"):
        return None
    return src.text(pair[1], where)


def _enum(src: Source, node: Node, where: str, enum: Any) -> Any:
    value = src.text(node, where)
    try:
        return enum(value) if value is not None else None
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        src.problem(node, where, f"unknown value {value!r} (allowed: {allowed})")
        return None


def read_context(src: Source, policy: Policy, node: Node, where: str) -> ScanContext:
    entries = src.mapping(node, where, CONTEXT_KEYS) or {}
    get = entries.get
    channel = _enum(src, get("channel")[1], f"{where}.channel", Channel) if get("channel") else None
    role = _enum(src, get("role")[1], f"{where}.role", HostRole) if get("role") else None
    connected = None
    if get("connected") and not entries["connected"][1].tag.endswith(":null"):
        connected = src.boolean(entries["connected"][1], f"{where}.connected")
    medium = (
        _read_medium(src, policy, entries["medium"][1], f"{where}.medium")
        if "medium" in entries
        else None
    )
    mail = _read_mail(src, entries["mail"][1], f"{where}.mail") if "mail" in entries else None
    hostname = optional_text(src, get("hostname"), f"{where}.hostname") or "policy-test"
    return ScanContext(
        channel=channel or Channel.LOCAL,
        host_role=role or HostRole.INTRANET,
        hostname=hostname,
        connected=connected,
        medium=medium,
        mail=mail,
    )


def _read_medium(src: Source, policy: Policy, node: Node, where: str) -> Medium:
    entries = src.mapping(node, where, MEDIUM_KEYS) or {}
    texts = {
        k: src.text(entries[k][1], f"{where}.{k}", allow_empty=True) or ""
        for k in ("serial", "fs_uuid", "label")
        if k in entries
    }
    registered, role = policy.lookup_medium(texts.get("serial", ""), texts.get("fs_uuid", ""))
    if "registered" in entries:
        registered = bool(src.boolean(entries["registered"][1], f"{where}.registered"))
        role = None
    if "role" in entries:
        role = _enum(src, entries["role"][1], f"{where}.role", HostRole)
        role = role.value if role is not None else None
    seen = (
        [
            r
            for r, n in src.text_list(entries["seen_roles"][1], f"{where}.seen_roles")
            if _enum(src, n, f"{where}.seen_roles", HostRole)
        ]
        if "seen_roles" in entries
        else []
    )
    return Medium(
        serial=texts.get("serial", ""),
        fs_uuid=texts.get("fs_uuid", ""),
        label=texts.get("label", ""),
        registered=registered,
        registered_role=role if registered else None,
        seen_roles=frozenset(seen),
    )


def _read_mail(src: Source, node: Node, where: str) -> MailMeta:
    entries = src.mapping(node, where, MAIL_KEYS) or {}
    recipients = (
        tuple(v for v, _ in src.text_list(entries["recipients"][1], f"{where}.recipients"))
        if "recipients" in entries
        else ()
    )
    texts = {
        k: src.text(entries[k][1], f"{where}.{k}", allow_empty=True) or ""
        for k in ("subject", "sender", "folder")
        if k in entries
    }
    return MailMeta(recipients=recipients, message_id="<policy-test>", **texts)


def read_file(src: Source, node: Node, where: str) -> FileResult | None:
    entries = src.mapping(node, where, FILE_KEYS)
    if entries is None:
        return None
    if "path" not in entries:
        src.problem(node, f"{where}.path", "missing (required)")
        return None
    path = src.text(entries["path"][1], f"{where}.path") or ""
    fmt = src.text(entries["format"][1], f"{where}.format") if "format" in entries else None
    findings: list[Finding] = []
    errors: list[ExtractError] = []
    if "markings" in entries:
        findings.extend(_read_markings(src, entries["markings"][1], f"{where}.markings"))
    if "info" in entries:
        findings.extend(_read_info(src, entries["info"][1], f"{where}.info"))
    if "errors" in entries:
        errors.extend(_read_errors(src, entries["errors"][1], f"{where}.errors"))
    members = (
        tuple(v for v, _ in src.text_list(entries["members"][1], f"{where}.members"))
        if "members" in entries
        else ()
    )
    return FileResult(
        path=path,
        size=0,
        sha256="0" * 64,
        format=fmt or Path(path).suffix[1:],
        findings=tuple(findings),
        errors=tuple(errors),
        members=members,
    )


def _fields(
    src: Source, item: Node, where: str, main: str, extra: set[str]
) -> tuple[Node | None, dict[str, tuple[Node, Node]]]:
    """A short form ``value`` or a long form ``{main: value, extra…}``."""
    if not item.tag.endswith(":map"):
        return item, {}
    entries = src.mapping(item, where, {main, *extra}) or {}
    if main not in entries:
        src.problem(item, f"{where}.{main}", "missing (required)")
        return None, entries
    return entries[main][1], entries


def _read_markings(src: Source, node: Node, where: str) -> list[Finding]:
    out = []
    for label, item in src.items(node, where):
        level_node, extra = _fields(src, item, label, "level", {"member", "location"})
        level = _enum(src, level_node, f"{label}.level", Level) if level_node else None
        loc = (
            _enum(src, extra["location"][1], f"{label}.location", Location)
            if "location" in extra
            else Location.BODY
        )
        member = optional_text(src, extra.get("member"), f"{label}.member")
        if level is not None and loc is not None:
            out.append(
                Finding(
                    kind="marking",
                    location=loc,
                    member=member,
                    level=level,
                    confidence=Confidence.HIGH,
                    detector=_DETECTOR,
                    text=level.zh,
                )
            )
    return out


def _read_info(src: Source, node: Node, where: str) -> list[Finding]:
    if node.tag.endswith(":map"):
        pairs = [(t, v, None) for t, (_, v) in (src.mapping(node, where) or {}).items()]
    else:
        pairs = []
        for label, item in src.items(node, where):
            fields = src.mapping(item, label, {"type", "count", "member"}) or {}
            if "type" not in fields or "count" not in fields:
                src.problem(item, label, "give type and count")
                continue
            info_type = src.text(fields["type"][1], f"{label}.type") or ""
            member = optional_text(src, fields.get("member"), f"{label}.member")
            pairs.append((info_type, fields["count"][1], member))
    out = []
    for info_type, count_node, member in pairs:
        if info_type not in INFO_TYPES:
            src.problem(count_node, f"{where}.{info_type}", "unknown info type")
            continue
        count = src.integer(count_node, f"{where}.{info_type}", minimum=1)
        if count is not None:
            out.append(
                Finding(
                    kind="info_type",
                    location=Location.BODY,
                    member=member,
                    confidence=Confidence.HIGH,
                    detector=_DETECTOR,
                    type=info_type,
                    count=count,
                    sample="****",
                )
            )
    return out


def _read_errors(src: Source, node: Node, where: str) -> list[ExtractError]:
    out = []
    for label, item in src.items(node, where):
        reason_node, extra = _fields(src, item, label, "reason", {"member"})
        reason = _enum(src, reason_node, f"{label}.reason", ErrorReason) if reason_node else None
        member = optional_text(src, extra.get("member"), f"{label}.member")
        if reason is not None:
            out.append(ExtractError(reason=reason, detail="policy test", member=member))
    return out
