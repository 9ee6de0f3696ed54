"""The loaded policy: metadata, vocabulary, thresholds, rules, checklist and media register.

Built by :func:`secaudit.policy.load_policy` (see ``schema.py``); immutable once built. The scanner,
the agent and the report builder use only the names on :class:`Policy`; evaluation itself lives in
``evaluate.py`` so that this module stays a plain description of the policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Severity
from secaudit.policy.conditions import Condition
from secaudit.policy.hostcheck import HostCheck, Intranet, RemoteTool

SCOPES = ("file", "medium", "host")


@dataclass(frozen=True)
class Rule:
    """One rule: when ``condition`` holds for a subject of ``scope``, it is a violation."""

    id: str
    title: str
    severity: Severity
    basis: str
    remedy: str
    condition: Condition
    scope: str = "file"
    enabled: bool = True
    """A disabled rule stays in the policy (and in ``policy show``) but is never evaluated."""
    line: int = 0
    """Line of the rule in its policy file (for messages)."""


@dataclass(frozen=True)
class ChecklistItem:
    """A manual self-inspection item (自查项) answered by the officer."""

    id: str
    question: str
    category: str
    weight: int
    hint: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "category": self.category,
            "weight": self.weight,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class RegisteredMedium:
    """A removable medium in the register (登记介质), by serial and/or filesystem UUID."""

    role: str
    """Designated host role: ``classified`` (涉密专用), ``intranet`` or ``internet``."""
    serial: str = ""
    fs_uuid: str = ""
    label: str = ""
    holder: str = ""
    note: str = ""

    def matches(self, serial: str, fs_uuid: str) -> bool:
        """The medium is this entry: by its hardware serial when the entry has one (a filesystem
        UUID is set by ``mkfs -U`` on any stick, so it alone never proves an entry with a
        serial); an entry with only a UUID is never more than :meth:`uuid_only_match`."""
        return bool(self.serial) and _norm(serial) == _norm(self.serial)

    def uuid_only_match(self, serial: str, fs_uuid: str) -> bool:
        """Only the filesystem UUID agrees: an *unverified* medium (any stick can carry it)."""
        same_uuid = bool(self.fs_uuid) and _norm(fs_uuid) == _norm(self.fs_uuid)
        return same_uuid and not self.matches(serial, fs_uuid)


def _norm(value: str) -> str:
    return (value or "").strip().lower()


@dataclass(frozen=True)
class Policy:
    """A validated policy. Use :func:`secaudit.policy.load_policy` to get one."""

    id: str
    version: str
    title: str
    sha256: str
    """sha256 (hex) over the bytes of the policy file, then of each referenced media file."""
    files: tuple[Path, ...] = ()
    description: str = ""
    markings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    internal_domains: tuple[str, ...] = ()
    thresholds: dict[str, int] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    checklist: list[ChecklistItem] = field(default_factory=list)
    media: tuple[RegisteredMedium, ...] = ()
    # host checks (hostcheck.py): what is internal, forbidden remote-control tools, the checks
    intranet_networks: tuple[Any, ...] = ()
    remote_control: tuple[RemoteTool, ...] = ()
    checks: tuple[HostCheck, ...] = ()

    @property
    def intranet(self) -> Intranet:
        """Internal domains and networks, for judging browser traces."""
        return Intranet(self.internal_domains, self.intranet_networks)

    def identity(self) -> dict[str, str]:
        """What every scan output, ledger event and report carries about the policy."""
        return {"id": self.id, "version": self.version, "sha256": self.sha256}

    @property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary.extended({k: list(v) for k, v in self.markings.items()})

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def lookup_medium(self, serial: str, fs_uuid: str) -> tuple[bool, str | None]:
        """Whether the register lists this medium (by its serial), and its role. A medium
        that agrees with an entry only by filesystem UUID is not registered: see
        :meth:`unverified_entry`."""
        for entry in self.media:
            if entry.matches(serial, fs_uuid):
                return True, entry.role
        return False, None

    def unverified_entry(self, serial: str, fs_uuid: str) -> RegisteredMedium | None:
        """The entry an unregistered medium agrees with by filesystem UUID alone (未验证介质:
        shown as such, judged as not registered), or None."""
        if self.lookup_medium(serial, fs_uuid)[0]:
            return None
        return next((e for e in self.media if e.uuid_only_match(serial, fs_uuid)), None)

