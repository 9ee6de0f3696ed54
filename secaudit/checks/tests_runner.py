"""Policy unit tests for host checks: ``check_cases`` run against fixture host trees.

Beside the rule ``cases``, a policy test file may hold ``check_cases``; each judges the policy's
checks on a folder laid out like a host's filesystem (``/etc``, ``/home/u/.config/…``, ``/sys``)::

    check_cases:
      - name: 内网计算机有上网痕迹和远程控制软件
        role: intranet                       # the host role judged (default intranet)
        host: fixtures/intranet-pc           # folder, relative to this file
        marked:                              # documents the ledger knows as marked (optional)
          - {path: /home/u/文档/（机密）计划.docx, level: secret}
        expect: {HC-01: fail, HC-07: fail, HC-14: fail, HC-05: not_applicable}

Only the checks named in ``expect`` are compared. Running processes are never looked at (the
fixture is not a live host): a check on them is ``not_checked``. Malformed cases raise
PolicyError with their places, like the rule cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import Node

from secaudit.checks.base import CheckResult, Outcome
from secaudit.checks.evaluate import run_checks
from secaudit.checks.view import HostView, MarkedIndex
from secaudit.errors import PolicyError
from secaudit.ids import HostRole, Level
from secaudit.policy.policy import Policy
from secaudit.policy.tests_runner import case_files
from secaudit.policy.yamlsrc import Source
from secaudit.sources.hostroot import HostRoot

CASE_KEYS = {"name", "role", "host", "marked", "expect"}


@dataclass(frozen=True)
class CheckCaseResult:
    file: str
    line: int
    name: str
    mismatches: tuple[tuple[str, str, CheckResult | None], ...]
    """(check id, expected outcome, result) for each check that did not come out as expected."""

    @property
    def passed(self) -> bool:
        return not self.mismatches


@dataclass(frozen=True)
class _Case:
    name: str
    line: int
    role: str
    host: Path
    marked: MarkedIndex
    expect: dict[str, str]


def run_check_cases(policy: Policy, directory: Path) -> list[CheckCaseResult]:
    """Run every ``check_cases`` entry under ``directory``; PolicyError if a case is bad."""
    problems: list[str] = []
    loaded: list[tuple[Path, list[_Case]]] = []
    for path in case_files(directory):
        src = Source(path)
        loaded.append((path, _read_cases(src, policy)))
        problems.extend(src.problems)
    if problems:
        raise PolicyError(f"invalid policy tests in {directory}", problems)
    return [_run(policy, str(path), case) for path, cases in loaded for case in cases]


def _run(policy: Policy, file: str, case: _Case) -> CheckCaseResult:
    view = HostView(policy, HostRoot(case.host), live=False, marked=case.marked, role=case.role)
    results = {r.check.id: r for r in run_checks(policy, view)}
    mismatches = tuple(
        (check_id, want, results.get(check_id))
        for check_id, want in case.expect.items()
        if check_id not in results or results[check_id].outcome.value != want
    )
    return CheckCaseResult(file, case.line, case.name, mismatches)


def _read_cases(src: Source, policy: Policy) -> list[_Case]:
    try:
        data = src.path.read_bytes()
    except OSError as exc:
        src.problem(None, "", f"cannot read: {exc.strerror or exc}")
        return []
    root = src.compose(data)
    entries = src.mapping(root, "") if root is not None else None
    if not entries or "check_cases" not in entries:
        return []
    cases = []
    for where, item in src.items(entries["check_cases"][1], "check_cases"):
        case = _read_case(src, policy, item, where)
        if case is not None:
            cases.append(case)
    return cases


def _read_case(src: Source, policy: Policy, item: Node, where: str) -> _Case | None:
    entries = src.mapping(item, where, CASE_KEYS)
    if entries is None:
        return None
    for key in ("name", "host", "expect"):
        if key not in entries:
            src.problem(item, f"{where}.{key}", "missing (required)")
    before = len(src.problems)
    name = src.text(entries["name"][1], f"{where}.name") if "name" in entries else None
    role = src.text(entries["role"][1], f"{where}.role") if "role" in entries else "intranet"
    if role is not None and role not in {r.value for r in HostRole}:
        src.problem(entries["role"][1], f"{where}.role", f"unknown role {role!r}")
    host = src.text(entries["host"][1], f"{where}.host") if "host" in entries else None
    folder = src.path.parent / host if host else None
    if folder is not None and not folder.is_dir():
        src.problem(entries["host"][1], f"{where}.host", f"no such folder: {folder}")
    marked = (_read_marked(src, entries["marked"][1], f"{where}.marked")
              if "marked" in entries else MarkedIndex())
    expect = _read_expect(src, policy, entries["expect"][1], f"{where}.expect") \
        if "expect" in entries else {}
    if len(src.problems) > before or name is None or folder is None or role is None:
        return None
    return _Case(name, item.start_mark.line + 1, role, folder, marked, expect)


def _read_marked(src: Source, node: Node, where: str) -> MarkedIndex:
    index = MarkedIndex()
    levels = [lv.value for lv in Level if lv is not Level.NONE]
    for label, item in src.items(node, where):
        fields = src.mapping(item, label, {"path", "sha256", "level"}) or {}
        texts = {k: src.text(v, f"{label}.{k}") or "" for k, (_, v) in fields.items()}
        if texts.get("level") not in levels:
            src.problem(item, f"{label}.level", f"give a level ({', '.join(levels)})")
        elif not (texts.get("path") or texts.get("sha256")):
            src.problem(item, label, "give path or sha256")
        else:
            index.add(texts.get("path", ""), texts.get("sha256", ""), texts["level"])
    return index


def _read_expect(src: Source, policy: Policy, node: Node, where: str) -> dict[str, str]:
    known = {c.id for c in policy.checks}
    outcomes = [o.value for o in Outcome]
    out: dict[str, str] = {}
    for check_id, (key_node, value_node) in (src.mapping(node, where) or {}).items():
        value = src.text(value_node, f"{where}.{check_id}")
        if check_id not in known:
            src.problem(key_node, f"{where}.{check_id}", f"no check {check_id!r} in {policy.id}")
        elif value not in outcomes:
            src.problem(value_node, f"{where}.{check_id}",
                        f"unknown outcome {value!r} (allowed: {', '.join(outcomes)})")
        else:
            out[check_id] = value
    return out
