"""Reading the simple sections of a policy: markings, domains, thresholds, checklist, media.

Used by ``schema.py``; each reader records problems with their places on the :class:`Source`
and returns what it could read.
"""

from __future__ import annotations

import re

from yaml.nodes import Node

from secaudit.model import HostRole, Level
from secaudit.policy.parse import INFO_TYPES
from secaudit.policy.policy import ChecklistItem, RegisteredMedium
from secaudit.policy.yamlsrc import Source

CHECK_KEYS = {"id", "question", "category", "weight", "hint"}
MEDIUM_KEYS = {"serial", "fs_uuid", "role", "label", "holder", "note"}
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$")


def choice(
    src: Source, entries: dict[str, tuple[Node, Node]], key: str, label: str, allowed: list[str]
) -> str | None:
    if key not in entries:
        return None
    node = entries[key][1]
    value = src.text(node, f"{label}.{key}")
    if value is not None and value not in allowed:
        src.problem(
            node, f"{label}.{key}", f"unknown {key} {value!r} (allowed: {', '.join(allowed)})"
        )
        return None
    return value


def read_markings(src: Source, node: Node, where: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    allowed = [lv.value for lv in Level if lv != Level.NONE]
    for level, (key_node, value_node) in (src.mapping(node, where) or {}).items():
        if level not in allowed:
            src.problem(
                key_node, f"{where}.{level}", f"unknown level (allowed: {', '.join(allowed)})"
            )
            continue
        out[level] = tuple(w for w, _ in src.text_list(value_node, f"{where}.{level}"))
    return out


def read_domains(src: Source, node: Node, where: str) -> tuple[str, ...]:
    out = []
    for value, item in src.text_list(node, where):
        domain = value.lower().strip(".").removeprefix("@")
        if not _DOMAIN.match(domain):
            src.problem(item, where, f"not a mail domain: {value!r}")
        else:
            out.append(domain)
    return tuple(out)


def read_thresholds(src: Source, node: Node, where: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for info_type, (key_node, value_node) in (src.mapping(node, where) or {}).items():
        label = f"{where}.{info_type}"
        if info_type not in INFO_TYPES:
            src.problem(key_node, label, f"unknown info type (allowed: {', '.join(INFO_TYPES)})")
            continue
        value = src.integer(value_node, label, minimum=1)
        if value is not None:
            out[info_type] = value
    return out


def read_checklist(src: Source, node: Node, where: str) -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    seen: set[str] = set()
    for label, item in src.items(node, where):
        entries = src.mapping(item, label, CHECK_KEYS)
        if entries is None:
            continue
        for key in ("id", "question", "category", "weight"):
            if key not in entries:
                src.problem(item, f"{label}.{key}", "missing (required)")
        texts = {
            k: src.text(entries[k][1], f"{label}.{k}", allow_empty=k == "hint")
            for k in ("id", "question", "category", "hint")
            if k in entries
        }
        weight = (
            src.integer(entries["weight"][1], f"{label}.weight", minimum=1)
            if "weight" in entries
            else None
        )
        item_id = texts.get("id")
        if item_id is not None and item_id in seen:
            src.problem(entries["id"][1], f"{label}.id", f"duplicate checklist id {item_id!r}")
            continue
        if (
            item_id is None
            or weight is None
            or None in (texts.get("question"), texts.get("category"))
        ):
            continue
        seen.add(item_id)
        items.append(
            ChecklistItem(
                item_id,
                texts["question"] or "",
                texts["category"] or "",
                weight,
                texts.get("hint") or "",
            )
        )
    return items


def read_media(src: Source, node: Node, where: str) -> list[tuple[RegisteredMedium, str]]:
    out: list[tuple[RegisteredMedium, str]] = []
    roles = [r.value for r in HostRole]
    for label, item in src.items(node, where):
        entries = src.mapping(item, label, MEDIUM_KEYS)
        if entries is None:
            continue
        texts = {k: src.text(v, f"{label}.{k}", allow_empty=True) for k, (_, v) in entries.items()}
        role = choice(src, entries, "role", label, roles)
        if "role" not in entries:
            src.problem(item, f"{label}.role", "missing (required): " + ", ".join(roles))
        if not (texts.get("serial") or texts.get("fs_uuid")):
            src.problem(item, label, "give serial or fs_uuid (or both)")
            continue
        if role is None or any(v is None for v in texts.values()):
            continue
        fields = {k: v or "" for k, v in texts.items() if k != "role"}
        out.append((RegisteredMedium(role=role, **fields), src.where(item)))
    return out


def check_media_unique(src: Source, media: list[tuple[RegisteredMedium, str]]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for entry, where in media:
        for key in ("serial", "fs_uuid"):
            value = getattr(entry, key).strip().lower()
            if not value:
                continue
            if (key, value) in seen:
                first = seen[key, value]
                src.problems.append(
                    f"{where}: media: {key} {value!r} registered twice (first at {first})"
                )
            else:
                seen[key, value] = where
