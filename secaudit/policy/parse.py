"""Reading rule conditions from YAML nodes into condition objects (``conditions.py``).

A condition is a mapping. One key is one condition; several keys in one mapping must all hold::

    all: [ {channel: email}, {classification: {at_least: internal}} ]
    any: [ ... ]            # an empty list is an error
    not: {recipient_external: true}
    use: on_internet_host   # a condition named under the policy's top-level ``definitions``

Each key is valid only in some rule scopes (``KEY_SCOPES``): a medium rule cannot ask for a
file's classification. To add a key, add a ``_parse_<key>`` method and an entry in KEY_SCOPES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, ScalarNode

import secaudit.policy.conditions as c
import secaudit.policy.file_conditions as fc
from secaudit.ids import INFO_TYPE_CLASS
from secaudit.model import Channel, ErrorReason, HostRole, Level
from secaudit.policy.yamlsrc import Source

INFO_TYPES = tuple(INFO_TYPE_CLASS)
"""Info-type ids: the DESIGN.md contract's four, then the C3 types of ``detect/authinfo``."""
INFO_CLASSES = ("C1", "C2", "C3")
"""JR/T 0171-2020 classes of personal financial information."""

_CONTEXT = {"file", "medium", "host"}
_MEDIUM = {"file", "medium"}
KEY_SCOPES: dict[str, set[str]] = {
    "all": _CONTEXT,
    "any": _CONTEXT,
    "not": _CONTEXT,
    "use": _CONTEXT,
    "channel": _CONTEXT,
    "host_role": _CONTEXT,
    "connected": _CONTEXT,
    "medium_registered": _MEDIUM,
    "medium_role": _MEDIUM,
    "medium_cross_used": _MEDIUM,
    "recipient_external": {"file"},
    "classification": {"file"},
    "info_types": {"file"},
    "customer_data": {"file"},
    "info_class": {"file"},
    "errors": {"file"},
    "name_matches": {"file"},
}


@dataclass(frozen=True)
class Definition:
    condition: c.Condition
    keys: frozenset[str]


@dataclass
class ConditionParser:
    """Parses the conditions of one rule (or definition) of a given scope."""

    src: Source
    scope: str
    definitions: dict[str, Definition] = field(default_factory=dict)
    thresholds: frozenset[str] | None = None
    """Info types with a policy threshold (``None``: not checked)."""
    keys: set[str] = field(default_factory=set)
    """Every key used so far (for definitions: checked against the scope of each ``use``)."""

    def parse(self, node: Node, where: str) -> c.Condition | None:
        entries = self.src.mapping(node, where, set(KEY_SCOPES))
        if entries is None:
            return None
        if not entries:
            self.src.problem(node, where, "an empty condition")
            return None
        parts: list[c.Condition] = []
        for key, (key_node, value_node) in entries.items():
            self.keys.add(key)
            label = f"{where}.{key}"
            if self.scope not in KEY_SCOPES[key]:
                self.src.problem(key_node, label, f"not usable in a rule of scope {self.scope}")
                continue
            part = getattr(self, f"_parse_{key}")(value_node, label)
            if part is not None:
                parts.append(part)
        if len(parts) != len(entries):
            return None
        return parts[0] if len(parts) == 1 else c.AllOf(tuple(parts))

    # -- combinators -------------------------------------------------------------------------

    def _parts(self, node: Node, where: str, key: str) -> tuple[c.Condition, ...] | None:
        items = self.src.sequence(node, where)
        if items is None:
            return None
        if not items:
            self.src.problem(node, where, f"an empty `{key}` list")
            return None
        parsed = [self.parse(item, f"{where}[{i}]") for i, item in enumerate(items)]
        if any(p is None for p in parsed):
            return None
        return tuple(p for p in parsed if p is not None)

    def _parse_all(self, node: Node, where: str) -> c.Condition | None:
        parts = self._parts(node, where, "all")
        return c.AllOf(parts) if parts else None

    def _parse_any(self, node: Node, where: str) -> c.Condition | None:
        parts = self._parts(node, where, "any")
        return c.AnyOf(parts) if parts else None

    def _parse_not(self, node: Node, where: str) -> c.Condition | None:
        part = self.parse(node, where)
        return c.Not(part) if part is not None else None

    def _parse_use(self, node: Node, where: str) -> c.Condition | None:
        name = self.src.text(node, where)
        if name is None:
            return None
        definition = self.definitions.get(name)
        if definition is None:
            known = ", ".join(sorted(self.definitions)) or "none"
            self.src.problem(node, where, f"unknown definition {name!r} (defined: {known})")
            return None
        bad = sorted(k for k in definition.keys if self.scope not in KEY_SCOPES[k])
        if bad:
            self.src.problem(
                node,
                where,
                f"{name!r} uses {', '.join(bad)}: not usable in a rule of scope {self.scope}",
            )
            return None
        self.keys.update(definition.keys)
        return definition.condition

    # -- context -----------------------------------------------------------------------------

    def _ids(self, node: Node, where: str, allowed: list[str], what: str) -> frozenset[str] | None:
        before = len(self.src.problems)
        values = self.src.text_list(node, where)
        if not values:
            if len(self.src.problems) == before:
                self.src.problem(node, where, f"at least one {what} is needed")
            return None
        ok = True
        for value, item in values:
            if value not in allowed:
                self.src.problem(
                    item, where, f"unknown {what} {value!r} (allowed: {', '.join(allowed)})"
                )
                ok = False
        return frozenset(v for v, _ in values) if ok else None

    def _parse_channel(self, node: Node, where: str) -> c.Condition | None:
        ids = self._ids(node, where, [ch.value for ch in Channel], "channel")
        return c.ChannelIn(ids) if ids else None

    def _parse_host_role(self, node: Node, where: str) -> c.Condition | None:
        ids = self._ids(node, where, [r.value for r in HostRole], "host role")
        return c.HostRoleIn(ids) if ids else None

    def _parse_medium_role(self, node: Node, where: str) -> c.Condition | None:
        ids = self._ids(node, where, [r.value for r in HostRole], "medium role")
        return c.MediumRoleIn(ids) if ids else None

    def _flag(self, node: Node, where: str, cls: type) -> c.Condition | None:
        value = self.src.boolean(node, where)
        return cls(value) if value is not None else None

    def _parse_connected(self, node: Node, where: str) -> c.Condition | None:
        return self._flag(node, where, c.Connected)

    def _parse_medium_registered(self, node: Node, where: str) -> c.Condition | None:
        return self._flag(node, where, c.MediumRegistered)

    def _parse_medium_cross_used(self, node: Node, where: str) -> c.Condition | None:
        return self._flag(node, where, c.MediumCrossUsed)

    def _parse_recipient_external(self, node: Node, where: str) -> c.Condition | None:
        return self._flag(node, where, c.RecipientExternal)

    def _parse_customer_data(self, node: Node, where: str) -> c.Condition | None:
        return self._flag(node, where, fc.CustomerData)

    # -- file --------------------------------------------------------------------------------

    def _level(self, node: Node, where: str) -> Level | None:
        value = self.src.text(node, where)
        if value is None:
            return None
        try:
            return Level(value)
        except ValueError:
            allowed = ", ".join(lv.value for lv in Level)
            self.src.problem(node, where, f"unknown level {value!r} (allowed: {allowed})")
            return None

    def _parse_classification(self, node: Node, where: str) -> c.Condition | None:
        entries = self.src.mapping(node, where, {"at_least", "at_most", "exactly"})
        if entries is None:
            return None
        if not entries:
            self.src.problem(node, where, "give at_least, at_most or exactly")
            return None
        levels = {k: self._level(v, f"{where}.{k}") for k, (_, v) in entries.items()}
        if any(lv is None for lv in levels.values()):
            return None
        if "exactly" in levels:
            if len(levels) > 1:
                self.src.problem(node, where, "`exactly` cannot be combined with a range")
                return None
            return fc.Classification(levels["exactly"], levels["exactly"])
        low, high = levels.get("at_least"), levels.get("at_most")
        if low is not None and high is not None and low.rank > high.rank:
            self.src.problem(node, where, f"empty range: {low.value} is above {high.value}")
            return None
        return fc.Classification(low, high)

    def _parse_info_types(self, node: Node, where: str) -> c.Condition | None:
        entries = self.src.mapping(node, where)
        if not entries:
            if entries is not None:
                self.src.problem(node, where, "name at least one info type")
            return None
        minimums: list[tuple[str, int | None]] = []
        for info_type, (key_node, value_node) in entries.items():
            label = f"{where}.{info_type}"
            if info_type not in INFO_TYPES:
                self.src.problem(
                    key_node, label, f"unknown info type (allowed: {', '.join(INFO_TYPES)})"
                )
                continue
            minimum = self._count(value_node, label)
            if minimum is None and self.thresholds is not None and info_type not in self.thresholds:
                self.src.problem(
                    value_node, label, "no threshold for this info type in `thresholds`"
                )
                continue
            if minimum is not False:
                minimums.append((info_type, minimum))
        return fc.InfoTypes(tuple(minimums)) if len(minimums) == len(entries) else None

    def _count(self, node: Node, where: str) -> int | None | bool:
        """``threshold`` → None (the policy's), ``{at_least: N}`` or ``N`` → N; False if bad."""
        if isinstance(node, ScalarNode) and node.value == "threshold":
            return None
        if isinstance(node, MappingNode):
            entries = self.src.mapping(node, where, {"at_least"})
            if not entries or "at_least" not in entries:
                if entries is not None:
                    self.src.problem(node, where, "give at_least: N")
                return False
            node, where = entries["at_least"][1], f"{where}.at_least"
        value = self.src.integer(node, where, minimum=1)
        return False if value is None else value

    def _parse_info_class(self, node: Node, where: str) -> c.Condition | None:
        ids = self._ids(node, where, list(INFO_CLASSES), "JR/T 0171 class")
        return fc.InfoClass(ids) if ids else None

    def _parse_errors(self, node: Node, where: str) -> c.Condition | None:
        ids = self._ids(node, where, [r.value for r in ErrorReason], "error reason")
        return fc.HasErrors(ids) if ids else None

    def _parse_name_matches(self, node: Node, where: str) -> c.Condition | None:
        patterns = []
        before = len(self.src.problems)
        for value, item in self.src.text_list(node, where):
            try:
                patterns.append(re.compile(value, re.IGNORECASE))
            except re.error as exc:
                self.src.problem(item, where, f"bad regular expression {value!r}: {exc}")
                return None
        if not patterns:
            if len(self.src.problems) == before:
                self.src.problem(node, where, "at least one pattern is needed")
            return None
        return fc.NameMatches(tuple(patterns))
