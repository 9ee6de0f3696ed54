"""Judging files, media and the host against a policy's rules.

Rules are tried in the order of the policy file; each rule of the matching scope whose condition
holds gives one :class:`~secaudit.model.Violation` per member it points at (``None`` = the file
itself), de-duplicated on ``(rule, path, member)``. File rules see the file and its context;
medium rules run once when a medium is mounted (``path``/``member`` are ``None``, ``detail`` is
the medium's JSON); host rules judge the host itself (违规外联).
"""

from __future__ import annotations

import weakref
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from secaudit.context import Medium, ScanContext
from secaudit.model import FileResult, Level, Violation
from secaudit.policy.conditions import Subject, external_recipients, settled_by_context

if TYPE_CHECKING:
    from secaudit.policy.policy import Policy, Rule


def _subject(policy: Policy, ctx: ScanContext, result: FileResult | None = None) -> Subject:
    return Subject(
        ctx=ctx,
        result=result,
        thresholds=policy.thresholds,
        internal_domains=policy.internal_domains,
    )


def _violation(rule: Rule, ctx: ScanContext, **fields: Any) -> Violation:
    return Violation(
        rule=rule.id,
        severity=rule.severity,
        title=rule.title,
        channel=ctx.channel,
        basis=rule.basis,
        remedy=rule.remedy,
        **fields,
    )


def _level_of(result: FileResult, member: str | None) -> Level | None:
    level = result.member_classification(member) if member is not None else Level.NONE
    if level == Level.NONE:
        level = result.classification
    return None if level == Level.NONE else level


def _file_detail(subject: Subject) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    ctx = subject.ctx
    if ctx.medium is not None:
        detail["medium"] = ctx.medium.to_json()
    if ctx.mail is not None:
        detail["mail"] = ctx.mail.to_json()
        external = external_recipients(subject)
        if external:
            detail["external_recipients"] = external
    if subject.result is not None and subject.result.info_counts():
        detail["info_counts"] = subject.result.info_counts()
    return detail


_FILE_RULES: dict[int, tuple[weakref.ref[Policy], dict[ScanContext, list[Rule]]]] = {}


def _file_rules_for(policy: Policy, ctx: ScanContext) -> list[Rule]:
    """The enabled file rules that the context does not already rule out (memoized per context:
    a scan judges thousands of files in one context)."""
    entry = _FILE_RULES.get(id(policy))
    if entry is None or entry[0]() is not policy:  # new policy (or an id reused after GC)
        entry = (weakref.ref(policy), {})
        _FILE_RULES[id(policy)] = entry
    per_ctx = entry[1]
    rules = per_ctx.get(ctx)
    if rules is None:
        rules = [
            r
            for r in policy.rules
            if r.scope == "file" and r.enabled and settled_by_context(r.condition, ctx) is not False
        ]
        if len(per_ctx) >= 256:  # the agent makes a context per mail message: stay bounded
            per_ctx.clear()
        per_ctx[ctx] = rules
    return rules


def evaluate_file(policy: Policy, result: FileResult, ctx: ScanContext) -> list[Violation]:
    """The violations of the file rules by ``result`` found in ``ctx``."""
    subject = _subject(policy, ctx, result)
    out: list[Violation] = []
    seen: set[tuple[str, str | None]] = set()
    for rule in _file_rules_for(policy, ctx):
        hit = rule.condition.check(subject)
        if hit is None:
            continue
        members = list(hit.members) or [None]
        for member in sorted(members, key=lambda m: (m is not None, m or "")):
            if (rule.id, member) in seen:
                continue
            seen.add((rule.id, member))
            out.append(
                _violation(
                    rule,
                    ctx,
                    path=result.path,
                    member=member,
                    level=_level_of(result, member),
                    detail=_file_detail(subject),
                )
            )
    return out


def evaluate_medium(policy: Policy, medium: Medium, ctx: ScanContext) -> list[Violation]:
    """The violations of the medium rules by ``medium`` mounted in ``ctx`` (at mount time)."""
    ctx = replace(ctx, medium=medium)
    subject = _subject(policy, ctx)
    return [
        _violation(rule, ctx, detail=medium.to_json())
        for rule in policy.rules
        if rule.scope == "medium" and rule.enabled and rule.condition.check(subject) is not None
    ]


def evaluate_host(policy: Policy, ctx: ScanContext) -> list[Violation]:
    """The violations of the host rules (e.g. a classified host that is connected)."""
    subject = _subject(policy, ctx)
    detail = {"hostname": ctx.hostname, "role": ctx.host_role.value, "connected": ctx.connected}
    return [
        _violation(rule, ctx, detail=dict(detail))
        for rule in policy.rules
        if rule.scope == "host" and rule.enabled and rule.condition.check(subject) is not None
    ]
