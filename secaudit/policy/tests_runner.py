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

from yaml.nodes import Node

from secaudit.config import data_path
from secaudit.context import ScanContext
from secaudit.errors import PolicyError
from secaudit.model import FileResult, Violation
from secaudit.policy.evaluate import evaluate_file, evaluate_host, evaluate_medium
from secaudit.policy.policy import Policy
from secaudit.policy.tests_cases import optional_text, read_context, read_file
from secaudit.policy.yamlsrc import Source

CASE_KEYS = {"name", "context", "file", "expect"}


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


def default_case_dir(policy: Policy) -> Path:
    """The ``tests/`` folder beside the policy file, else the shipped default policy's cases."""
    beside = policy.files[0].parent / "tests" if policy.files else None
    if beside is not None and beside.is_dir():
        return beside
    return data_path("policies", "tests")


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
    got = list(evaluate_host(policy, case.ctx))
    if case.ctx.medium is not None:
        got.extend(evaluate_medium(policy, case.ctx.medium, case.ctx))
    if case.result is not None:
        got.extend(evaluate_file(policy, case.result, case.ctx))
    pairs = {(v.rule, v.member) for v in got}
    missing = tuple(p for p in case.members if p not in pairs)
    return CaseResult(file, case.line, case.name, case.expected, tuple(got), missing)


def _read_cases(src: Source, policy: Policy) -> list[_Case]:
    data = _read_bytes(src)
    root = src.compose(data) if data is not None else None
    # ``check_cases`` (host checks with fixture trees) are run by secaudit.checks.tests_runner
    keys = {"cases", "check_cases", "description"}
    entries = src.mapping(root, "", keys) if root is not None else None
    if not entries or "cases" not in entries:
        if entries is not None and "check_cases" not in entries:
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
        read_context(src, policy, entries["context"][1], f"{where}.context")
        if "context" in entries
        else ScanContext()
    )
    result = read_file(src, entries["file"][1], f"{where}.file") if "file" in entries else None
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
            member = optional_text(src, fields.get("member"), f"{label}.member")
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
