"""Rule conditions on the file itself: its classification, info types, customer data, the errors
that kept parts of it unread, and its (members') names.

Each is a frozen dataclass whose ``check(subject)`` returns ``None`` or a :class:`Hit` naming the
members it is about (see :mod:`secaudit.policy.conditions` for the protocol and the
combinators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from secaudit.model import FileResult, Level
from secaudit.policy.conditions import WHOLE, Hit, Subject


def marked_member(result: FileResult, level: Level) -> str | None:
    """The member carrying ``level`` (the file itself first, then the first in finding order)."""
    carriers = [f.member for f in result.findings if f.kind == "marking" and f.level == level]
    return None if None in carriers or not carriers else carriers[0]


@dataclass(frozen=True)
class Classification:
    """The file's highest marking within ``[at_least, at_most]``; points at its carrier."""

    at_least: Level | None = None
    at_most: Level | None = None

    def check(self, subject: Subject) -> Hit | None:
        if subject.result is None:
            return None
        level = subject.result.classification
        if self.at_least is not None and level.rank < self.at_least.rank:
            return None
        if self.at_most is not None and level.rank > self.at_most.rank:
            return None
        return Hit((marked_member(subject.result, level),)) if level != Level.NONE else WHOLE


@dataclass(frozen=True)
class InfoTypes:
    """Every listed info type reaches its count (``None`` = the policy threshold)."""

    minimums: tuple[tuple[str, int | None], ...]

    def check(self, subject: Subject) -> Hit | None:
        if subject.result is None:
            return None
        counts = subject.result.info_counts()
        types = []
        for info_type, minimum in self.minimums:
            needed = minimum if minimum is not None else subject.thresholds.get(info_type, 1)
            if counts.get(info_type, 0) < max(needed, 1):
                return None
            types.append(info_type)
        return _info_hit(subject.result, types)


@dataclass(frozen=True)
class CustomerData:
    """Some info type reaches its policy threshold (customer list, 客户信息)."""

    value: bool

    def check(self, subject: Subject) -> Hit | None:
        if subject.result is None:
            return None
        counts = subject.result.info_counts()
        types = [t for t, n in subject.thresholds.items() if counts.get(t, 0) >= max(n, 1)]
        if bool(types) is not self.value:
            return None
        return _info_hit(subject.result, types) if types else WHOLE


@dataclass(frozen=True)
class InfoClass:
    """Some info-type finding belongs to one of these JR/T 0171-2020 classes (any count)."""

    classes: frozenset[str]

    def check(self, subject: Subject) -> Hit | None:
        if subject.result is None:
            return None
        types = sorted(
            {f.type for f in subject.result.findings if f.jrt_class in self.classes and f.type}
        )
        return _info_hit(subject.result, types) if types else None


def _info_hit(result: FileResult, types: list[str]) -> Hit:
    """Point at the one member holding these info types; the whole file if spread out."""
    members = {f.member for f in result.findings if f.kind == "info_type" and f.type in types}
    return Hit(tuple(members)) if len(members) == 1 else WHOLE


@dataclass(frozen=True)
class HasErrors:
    """The file or a member could not be read for one of these reasons; points at each."""

    reasons: frozenset[str]

    def check(self, subject: Subject) -> Hit | None:
        if subject.result is None:
            return None
        members: list[str | None] = []
        for err in subject.result.errors:
            if err.reason.value in self.reasons and err.member not in members:
                members.append(err.member)
        return Hit(tuple(members)) if members else None


@dataclass(frozen=True)
class NameMatches:
    """The file name or a member name matches a pattern (salary, HR lists …)."""

    patterns: tuple[re.Pattern[str], ...]

    def check(self, subject: Subject) -> Hit | None:
        result = subject.result
        if result is None:
            return None
        members: list[str | None] = []
        if self._matches(result.path.replace("\\", "/").rpartition("/")[2]):
            members.append(None)
        for member in _member_names(result):
            if member not in members and self._matches(member.rpartition("/")[2]):
                members.append(member)
        return Hit(tuple(members)) if members else None

    def _matches(self, name: str) -> bool:
        return any(p.search(name) for p in self.patterns)


def _member_names(result: FileResult) -> list[str]:
    names: list[str] = list(result.members)
    for m in [f.member for f in result.findings] + [e.member for e in result.errors]:
        if m is not None and m not in names:
            names.append(m)
    return names
