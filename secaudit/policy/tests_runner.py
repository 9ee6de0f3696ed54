"""Policy unit tests: YAML cases (a file's findings + a context → the exact set of rule ids).

A case file holds ``cases:``; each case::

    - name: 机密文件在互联网计算机桌面
      context: {channel: internet_host, role: internet, connected: true,
                medium: {serial: X, fs_uuid: Y, registered: false, role: classified,
                         seen_roles: [classified]},
                mail: {recipients: [a@rcb.example]}}
      file:
        path: /home/u/桌面/（机密）计划.docx
        markings: [secret, {level: internal, member: a.zip/b.docx, location: filename}]
        info: {cn_resident_id: 12}          # or [{type: bank_card, count: 3, member: x.xlsx}]
        errors: [encrypted, {reason: corrupt, member: a.zip/c.pdf}]
        members: [a.zip/b.docx]
      expect: [SEC-001, {rule: SEC-013, member: a.zip/c.pdf}]

Host rules are always judged, medium rules when the context has a medium (its registration is
looked up in the policy's register unless ``registered`` is given), file rules when the case has a
file. The case passes when the rule ids equal ``expect`` exactly and every ``{rule, member}``
given is among the violations. Malformed case files raise PolicyError with their places.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yaml.nodes import Node

from secaudit.errors import PolicyError
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
    MailMeta,
    Medium,
    ScanContext,
    Violation,
)
from secaudit.policy.policy import Policy
from secaudit.policy.yamlsrc import Source

CASE_KEYS = {"name", "context", "file", "expect"}
CONTEXT_KEYS = {"channel", "role", "hostname", "connected", "medium", "mail"}
MEDIUM_KEYS = {"serial", "fs_uuid", "registered", "role", "seen_roles", "label"}
MAIL_KEYS = {"recipients", "subject", "sender", "folder"}
FILE_KEYS = {"path", "format", "markings", "info", "errors", "members"}
_DETECTOR = "policy-test"


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case."""

    file: str
    line: int
    name: str
    expected: frozenset[str]
    got: tuple[Violation, ...]
    missing_members: tuple[tuple[str, str | None], ...] = ()

    @property
    def got_ids(self) -> frozenset[str]:
        return frozenset(v.rule for v in self.got)

    @property
    def passed(self) -> bool:
        return self.got_ids == self.expected and not self.missing_members


@dataclass(frozen=True)
class _Case:
    name: str
    line: int
    ctx: ScanContext
    result: FileResult | None
    expected: frozenset[str]
    members: tuple[tuple[str, str | None], ...]


def case_files(directory: Path) -> list[Path]:
    """The case files of a directory (``*.yaml``/``*.yml``, sorted), or the file itself."""
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise PolicyError(f"no policy tests at {directory}")
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))


def run_policy_tests(policy: Policy, directory: Path) -> list[CaseResult]:
    """Run every case under ``directory`` against ``policy``; PolicyError if a case is bad."""
    problems: list[str] = []
    loaded: list[tuple[Path, list[_Case]]] = []
    for path in case_files(directory):
        src = Source(path)
        cases = _read_cases(src, policy)
        problems.extend(src.problems)
        loaded.append((path, cases))
    if problems:
        raise PolicyError(f"invalid policy tests in {directory}", problems)
    return [_run(policy, str(path), case) for path, cases in loaded for case in cases]


def _run(policy: Policy, file: str, case: _Case) -> CaseResult:
    got = list(policy.evaluate_host(case.ctx))
    if case.ctx.medium is not None:
        got.extend(policy.evaluate_medium(case.ctx.medium, case.ctx))
    if case.result is not None:
        got.extend(policy.evaluate_file(case.result, case.ctx))
    pairs = {(v.rule, v.member) for v in got}
    missing = tuple(p for p in case.members if p not in pairs)
    return CaseResult(file, case.line, case.name, case.expected, tuple(got), missing)


def _read_cases(src: Source, policy: Policy) -> list[_Case]:
    data = _read_bytes(src)
    root = src.compose(data) if data is not None else None
    entries = src.mapping(root, "", {"cases", "description"}) if root is not None else None
    if not entries or "cases" not in entries:
        if entries is not None:
            src.problem(root, "cases", "missing (required)")
        return []
    cases = []
    for where, item in src.items(entries["cases"][1], "cases"):
        case = _read_case(src, policy, item, where)
        if case is not None:
            cases.append(case)
    return cases


def _read_bytes(src: Source) -> bytes | None:
    try:
        return src.path.read_bytes()
    except OSError as exc:
        src.problem(None, "", f"cannot read: {exc.strerror or exc}")
        return None


def _read_case(src: Source, policy: Policy, item: Node, where: str) -> _Case | None:
    entries = src.mapping(item, where, CASE_KEYS)
    if entries is None:
        return None
    for key in ("name", "expect"):
        if key not in entries:
            src.problem(item, f"{where}.{key}", "missing (required)")
    before = len(src.problems)
    name = src.text(entries["name"][1], f"{where}.name") if "name" in entries else None
    ctx = (
        _read_context(src, policy, entries["context"][1], f"{where}.context")
        if "context" in entries
        else ScanContext()
    )
    result = _read_file(src, entries["file"][1], f"{where}.file") if "file" in entries else None
    expected, members = (
        _read_expect(src, entries["expect"][1], f"{where}.expect", policy)
        if "expect" in entries
        else (frozenset(), ())
    )
    if len(src.problems) > before or name is None or "expect" not in entries:
        return None
    return _Case(name, item.start_mark.line + 1, ctx, result, expected, members)


def _read_expect(
    src: Source, node: Node, where: str, policy: Policy
) -> tuple[frozenset[str], tuple[tuple[str, str | None], ...]]:
    ids: set[str] = set()
    members: list[tuple[str, str | None]] = []
    for label, item in src.items(node, where):
        if item.tag.endswith(":map"):
            fields = src.mapping(item, label, {"rule", "member"}) or {}
            rule = src.text(fields["rule"][1], f"{label}.rule") if "rule" in fields else None
            member = _optional_text(src, fields.get("member"), f"{label}.member")
            if rule is None:
                src.problem(item, f"{label}.rule", "missing (required)")
                continue
            members.append((rule, member))
        else:
            rule = src.text(item, label)
        if rule is not None and policy.rule(rule) is None:
            src.problem(item, label, f"no rule {rule!r} in policy {policy.id}")
        elif rule is not None:
            ids.add(rule)
    return frozenset(ids), tuple(members)


def _optional_text(src: Source, pair: tuple[Node, Node] | None, where: str) -> str | None:
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


def _read_context(src: Source, policy: Policy, node: Node, where: str) -> ScanContext:
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
    hostname = _optional_text(src, get("hostname"), f"{where}.hostname") or "policy-test"
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


def _read_file(src: Source, node: Node, where: str) -> FileResult | None:
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
        member = _optional_text(src, extra.get("member"), f"{label}.member")
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
            member = _optional_text(src, fields.get("member"), f"{label}.member")
            pairs.append((info_type, fields["count"][1], member))
    out = []
    for info_type, count_node, member in pairs:
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
        member = _optional_text(src, extra.get("member"), f"{label}.member")
        if reason is not None:
            out.append(ExtractError(reason=reason, detail="policy test", member=member))
    return out
