"""Rule conditions: small composable objects with one method, ``check(subject) -> Hit | None``.

A condition looks at a :class:`Subject` (the file result if any, the scan context, and the
policy's thresholds and internal domains) and returns ``None`` when it does not hold, or a
:class:`Hit` naming the members it is about (``None`` in ``members`` = the file itself; an empty
tuple = the file as a whole, nothing in particular). ``AllOf``/``AnyOf`` combine the members of the
children that hold; ``Not`` holds with no members. The evaluator makes one violation per member
a rule points at (see ``evaluate.py``).

Conditions on the file itself (classification, info types, errors, names) live in
:mod:`secaudit.policy.file_conditions`; this module holds the base types, the combinators and the
conditions on the context. To add a condition: write a frozen dataclass with ``check``, add its
YAML key to ``parse.py`` (with the scopes it is valid in) and a zh sentence to ``describe.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from secaudit.context import ScanContext
from secaudit.model import FileResult, HostRole


@dataclass(frozen=True)
class Subject:
    """What a rule is judged on."""

    ctx: ScanContext
    result: FileResult | None = None
    thresholds: Mapping[str, int] = field(default_factory=dict)
    internal_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A condition that holds, and the members (``None`` = the file itself) it points at."""

    members: tuple[str | None, ...] = ()


WHOLE = Hit()


class Condition(Protocol):
    def check(self, subject: Subject) -> Hit | None: ...


def _hit(ok: bool) -> Hit | None:
    return WHOLE if ok else None


# -- combinators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]

    def check(self, subject: Subject) -> Hit | None:
        members: list[str | None] = []
        for part in self.parts:
            hit = part.check(subject)
            if hit is None:
                return None
            members.extend(m for m in hit.members if m not in members)
        return Hit(tuple(members))


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def check(self, subject: Subject) -> Hit | None:
        hits = [h for h in (p.check(subject) for p in self.parts) if h is not None]
        if not hits:
            return None
        members: list[str | None] = []
        for hit in hits:
            members.extend(m for m in hit.members if m not in members)
        return Hit(tuple(members))


@dataclass(frozen=True)
class Not:
    part: Condition

    def check(self, subject: Subject) -> Hit | None:
        return _hit(self.part.check(subject) is None)


# -- context -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelIn:
    channels: frozenset[str]

    def check(self, subject: Subject) -> Hit | None:
        return _hit(subject.ctx.channel.value in self.channels)


@dataclass(frozen=True)
class HostRoleIn:
    roles: frozenset[str]

    def check(self, subject: Subject) -> Hit | None:
        return _hit(subject.ctx.host_role.value in self.roles)


@dataclass(frozen=True)
class Connected:
    """Host connectivity; an unknown connectivity (``None``) matches neither true nor false."""

    value: bool

    def check(self, subject: Subject) -> Hit | None:
        return _hit(subject.ctx.connected is self.value)


@dataclass(frozen=True)
class MediumRegistered:
    """``false`` also holds when no medium is known: an unidentified medium is not registered."""

    value: bool

    def check(self, subject: Subject) -> Hit | None:
        medium = subject.ctx.medium
        return _hit(bool(medium is not None and medium.registered) is self.value)


@dataclass(frozen=True)
class MediumRoleIn:
    """The medium is registered with one of these designated roles."""

    roles: frozenset[str]

    def check(self, subject: Subject) -> Hit | None:
        medium = subject.ctx.medium
        return _hit(
            medium is not None and medium.registered and (medium.registered_role in self.roles)
        )


def medium_roles(subject: Subject) -> set[str]:
    """Host roles the medium is known on: history, its designated role, and this host."""
    medium = subject.ctx.medium
    if medium is None:
        return set()
    roles = set(medium.seen_roles) | {subject.ctx.host_role.value}
    if medium.registered and medium.registered_role:
        roles.add(medium.registered_role)
    return roles


@dataclass(frozen=True)
class MediumCrossUsed:
    """The medium was used on a classified host and on a non-classified host."""

    value: bool

    def check(self, subject: Subject) -> Hit | None:
        roles = medium_roles(subject)
        classified = HostRole.CLASSIFIED.value
        crossed = classified in roles and bool(roles - {classified})
        return _hit(crossed is self.value)


def recipient_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(">").lower().rstrip(".")


def is_internal_domain(domain: str, internal: Iterable[str]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in internal)


def external_recipients(subject: Subject) -> list[str]:
    mail = subject.ctx.mail
    if mail is None:
        return []
    internal = [d.lower().strip(".") for d in subject.internal_domains]
    out = []
    from email.utils import getaddresses  # only for mail-channel rules

    for _name, address in getaddresses(list(mail.recipients)):
        if address and not is_internal_domain(recipient_domain(address), internal):
            out.append(address)
    return out


@dataclass(frozen=True)
class RecipientExternal:
    """Some recipient's domain is not one of the policy's internal domains."""

    value: bool

    def check(self, subject: Subject) -> Hit | None:
        return _hit(bool(external_recipients(subject)) is self.value)


# -- pruning by context ----------------------------------------------------------------------

_CONTEXT_ONLY = (ChannelIn, HostRoleIn, Connected)


def settled_by_context(cond: Condition, ctx: ScanContext) -> bool | None:
    """Whether ``cond`` holds, if the scan context alone decides it; ``None`` when it depends on
    the file. Lets the evaluator skip, once per context, the rules that cannot hold."""
    if isinstance(cond, _CONTEXT_ONLY):
        return cond.check(Subject(ctx=ctx)) is not None
    if isinstance(cond, Not):
        inner = settled_by_context(cond.part, ctx)
        return None if inner is None else not inner
    if isinstance(cond, AllOf | AnyOf):
        values = [settled_by_context(p, ctx) for p in cond.parts]
        if isinstance(cond, AllOf):
            return False if False in values else (True if all(values) else None)
        return True if True in values else (False if all(v is False for v in values) else None)
    return None
