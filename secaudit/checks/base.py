"""The check stage's data: what an observation gives and what a judged check is.

An :class:`Observed` is a value read from the host (a list of items, a number or a flag) with
details for the evidence, or ``value=None`` and ``why`` when it could not be observed. A
:class:`CheckResult` is one policy check judged on one host: its outcome, the value observed
(always, also when it passes), and the check's basis and remedy for the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from secaudit.policy.hostcheck import HostCheck

SCHEMA = "secaudit.check/1"
NEVER = 2**31 - 1
"""A delay that never ends (screen never locks): compares above any limit, shown as 从不."""


class Outcome(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    NOT_CHECKED = "not_checked"

    @property
    def zh(self) -> str:
        return {"pass": "符合", "fail": "不符合", "not_applicable": "不适用",
                "not_checked": "未检查"}[self.value]


@dataclass(frozen=True)
class Observed:
    """A value read from the host, or None with the reason it could not be read."""

    value: list[str] | int | bool | None
    details: tuple[dict[str, Any], ...] = ()
    why: str = ""
    sources: tuple[str, ...] = ()
    """Files or facilities the value was read from (for the officer to look at)."""

    @property
    def display(self) -> str:
        """The value as the officer reads it (zh)."""
        value = self.value
        if value is None:
            return f"未能读取：{self.why}" if self.why else "未能读取"
        note = f"（{self.why}）" if self.why else ""
        if isinstance(value, bool):
            return ("是" if value else "否") + note
        if isinstance(value, list):
            if not value:
                return "无" + note
            shown = "；".join(value[:10])
            return f"{len(value)} 项：{shown}" + ("；…" if len(value) > 10 else "") + note
        return ("从不" if value == NEVER else str(value)) + note


@dataclass(frozen=True)
class CheckResult:
    """One check judged on one host."""

    check: HostCheck
    outcome: Outcome
    observed: Observed = field(default_factory=lambda: Observed(None))
    why: str = ""

    def to_json(self) -> dict[str, Any]:
        c = self.check
        return {
            "id": c.id,
            "title": c.title,
            "severity": c.severity.value,
            "observe": c.observe,
            "expect": c.expect.to_json(),
            "outcome": self.outcome.value,
            "observed": self.observed.value,
            "observed_text": self.observed.display,
            "details": list(self.observed.details),
            "sources": list(self.observed.sources),
            "why": self.why,
            "basis": c.basis,
            "remedy": c.remedy,
        }
