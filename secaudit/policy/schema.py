"""The policy file format: reading and validating a policy YAML file into a :class:`Policy`.

Every problem is collected with its place (``file:line: field: message``) and all of them are
raised together in one :class:`~secaudit.errors.PolicyError`. Unknown keys are problems, so a
typo never silently disables a rule. The format is documented in ``docs/policy.md``; to add a
top-level section, add its key to ``TOP_KEYS`` and a ``_read_<section>`` function.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from secaudit.errors import PolicyError
from secaudit.model import Severity
from secaudit.policy.checks_schema import read_host_sections
from secaudit.policy.parse import ConditionParser, Definition
from secaudit.policy.policy import SCOPES, Policy, RegisteredMedium, Rule
from secaudit.policy.sections import (
    check_media_unique,
    choice,
    read_checklist,
    read_domains,
    read_markings,
    read_media,
    read_thresholds,
)
from secaudit.policy.yamlsrc import Source

TOP_KEYS = {
    "id",
    "version",
    "title",
    "description",
    "markings",
    "internal_domains",
    "thresholds",
    "definitions",
    "rules",
    "checklist",
    "media",
    "media_files",
    # host checks (checks_schema.py)
    "intranet_networks",
    "remote_control",
    "checks",
}
REQUIRED = ("id", "version", "title", "rules")
RULE_KEYS = {"id", "title", "severity", "scope", "when", "basis", "remedy", "enabled"}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass
class _Reading:
    """State of reading one policy: the sources, their bytes, and the pieces read so far."""

    main: Source
    sources: list[Source] = field(default_factory=list)
    hasher: Any = field(default_factory=hashlib.sha256)
    values: dict[str, Any] = field(default_factory=dict)

    def problems(self) -> list[str]:
        return [p for s in self.sources for p in s.problems]


def load_policy_file(path: Path) -> Policy:
    """Read and validate ``path``; raises PolicyError listing every problem."""
    reading = _Reading(Source(path))
    reading.sources.append(reading.main)
    root = _read_root(reading, path)
    if root is not None:
        _read_sections(reading, root)
    problems = reading.problems()
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise PolicyError(f"invalid policy {path}: {len(problems)} {noun}", problems)
    v = reading.values
    return Policy(
        id=v["id"],
        version=v["version"],
        title=v["title"],
        sha256=reading.hasher.hexdigest(),
        files=tuple(s.path for s in reading.sources),
        description=v.get("description", ""),
        markings=v.get("markings", {}),
        internal_domains=v.get("internal_domains", ()),
        thresholds=v.get("thresholds", {}),
        rules=v["rules"],
        checklist=v.get("checklist", []),
        media=v.get("media", ()),
        intranet_networks=v.get("intranet_networks", ()),
        remote_control=v.get("remote_control", ()),
        checks=v.get("checks", ()),
    )


def _read_bytes(src: Source, path: Path, node: Node | None = None) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        src.problem(node, "", f"cannot read {path}: {exc.strerror or exc}")
        return None


def _read_root(reading: _Reading, path: Path) -> dict[str, tuple[Node, Node]] | None:
    data = _read_bytes(reading.main, path)
    if data is None:
        return None
    reading.hasher.update(data)
    root = reading.main.compose(data)
    if root is None:
        return None
    entries = reading.main.mapping(root, "", TOP_KEYS)
    if entries is None:
        return None
    for key in REQUIRED:
        if key not in entries:
            reading.main.problem(root, key, "missing (required)")
    return entries


def _read_sections(reading: _Reading, entries: dict[str, tuple[Node, Node]]) -> None:
    src, values = reading.main, reading.values
    for key in ("id", "version", "title", "description"):
        if key in entries:
            values[key] = src.text(entries[key][1], key, allow_empty=key == "description")
    if "id" in entries and values["id"] and not _ID.match(values["id"]):
        src.problem(entries["id"][1], "id", "use letters, digits, '.', '_' or '-'")
    readers = {
        "markings": read_markings,
        "internal_domains": read_domains,
        "thresholds": read_thresholds,
        "checklist": read_checklist,
    }
    for key, reader in readers.items():
        if key in entries:
            values[key] = reader(src, entries[key][1], key)
    thresholds = frozenset(values.get("thresholds", {}))
    definitions = (
        _read_definitions(src, entries["definitions"][1], thresholds)
        if "definitions" in entries
        else {}
    )
    if "rules" in entries:
        parsers = partial(ConditionParser, src, definitions=definitions, thresholds=thresholds)
        values["rules"] = _read_rules(src, entries["rules"][1], parsers)
    else:
        values["rules"] = ()
    media = list(read_media(src, entries["media"][1], "media")) if "media" in entries else []
    if "media_files" in entries:
        media.extend(_read_media_files(reading, entries["media_files"][1]))
    check_media_unique(src, media)
    values["media"] = tuple(m for m, _ in media)
    read_host_sections(src, entries, values)


def _read_definitions(src: Source, node: Node, thresholds: frozenset[str]) -> dict[str, Definition]:
    definitions: dict[str, Definition] = {}
    for name, (_, value_node) in (src.mapping(node, "definitions") or {}).items():
        parser = ConditionParser(src, "file", definitions, thresholds)
        condition = parser.parse(value_node, f"definitions.{name}")
        if condition is not None:
            definitions[name] = Definition(condition, frozenset(parser.keys))
    return definitions


def _rule_label(item: Node, where: str) -> str:
    """``rules.<id>`` when the rule has a plain id, else ``rules[N]``."""
    for key, value in item.value if isinstance(item, MappingNode) else ():
        if key.value == "id" and isinstance(value, ScalarNode) and value.value:
            return f"rules.{value.value}"
    return where


def _read_rules(
    src: Source, node: Node, parsers: Callable[[str], ConditionParser]
) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    first_line: dict[str, int] = {}
    for where, item in src.items(node, "rules"):
        label = _rule_label(item, where)
        entries = src.mapping(item, label, RULE_KEYS)
        if entries is None:
            continue
        rule_id = src.text(entries["id"][1], f"{label}.id") if "id" in entries else None
        if rule_id is not None:
            line = item.start_mark.line + 1
            if rule_id in first_line:
                src.problem(
                    entries["id"][1],
                    f"{label}.id",
                    f"duplicate rule id (first at line {first_line[rule_id]})",
                )
            else:
                first_line[rule_id] = line
        rule = _read_rule(src, item, entries, label, parsers, rule_id)
        if rule is not None and rule_id is not None:
            rules.append(rule)
    return tuple(rules)


def _read_rule(
    src: Source,
    item: Node,
    entries: dict[str, tuple[Node, Node]],
    label: str,
    parsers: Callable[[str], ConditionParser],
    rule_id: str | None,
) -> Rule | None:
    for key in ("id", "title", "severity", "when", "basis", "remedy"):
        if key not in entries:
            src.problem(item, f"{label}.{key}", "missing (required)")
    fields = {
        k: src.text(entries[k][1], f"{label}.{k}")
        for k in ("title", "basis", "remedy")
        if k in entries
    }
    severity = choice(src, entries, "severity", label, [s.value for s in Severity])
    scope = choice(src, entries, "scope", label, list(SCOPES)) if "scope" in entries else "file"
    enabled = (
        src.boolean(entries["enabled"][1], f"{label}.enabled") if "enabled" in entries else True
    )
    condition = None
    if scope is not None and "when" in entries:
        condition = parsers(scope).parse(entries["when"][1], f"{label}.when")
    values = [*fields.values(), severity, scope, enabled, condition]
    if len(fields) < 3 or any(v is None for v in values) or rule_id is None:
        return None
    return Rule(
        id=rule_id,
        title=fields["title"] or "",
        severity=Severity(severity),
        basis=fields["basis"] or "",
        remedy=fields["remedy"] or "",
        condition=condition,  # type: ignore[arg-type]
        scope=scope or "file",
        enabled=bool(enabled),
        line=item.start_mark.line + 1,
    )


def _read_media_files(reading: _Reading, node: Node) -> list[tuple[RegisteredMedium, str]]:
    out: list[tuple[RegisteredMedium, str]] = []
    base = reading.main.path.parent
    for name, item in reading.main.text_list(node, "media_files"):
        path = (base / name) if not Path(name).is_absolute() else Path(name)
        data = _read_bytes(reading.main, path, item)
        if data is None:
            continue
        reading.hasher.update(data)
        src = Source(path)
        reading.sources.append(src)
        root = src.compose(data)
        entries = src.mapping(root, "", {"media", "description"}) if root is not None else None
        if entries and "media" in entries:
            out.extend(read_media(src, entries["media"][1], "media"))
        elif entries is not None:
            src.problem(root, "media", "missing (required)")
    return out
