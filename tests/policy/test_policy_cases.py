"""The shipped policy cases: they pass, cover every rule both ways, and catch wrong expectations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from secaudit.config import data_path
from secaudit.errors import PolicyError
from secaudit.policy import load_policy
from secaudit.policy.tests_runner import run_policy_tests

CASES = data_path("policies", "tests")


def _raw_cases() -> list[dict]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        out.extend(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"])
    return out


def _ids(case: dict) -> set[str]:
    return {e if isinstance(e, str) else e["rule"] for e in case["expect"]}


def test_shipped_cases_pass() -> None:
    results = run_policy_tests(load_policy(), CASES)
    assert len(results) == len(_raw_cases())
    assert [r.name for r in results if not r.passed] == []


def test_every_rule_has_a_positive_and_a_negative_case() -> None:
    policy = load_policy()
    cases = _raw_cases()
    enabled = [r for r in policy.rules if r.enabled]
    for rule in enabled:
        positive = [c for c in cases if rule.id in _ids(c)]
        assert positive, f"no case expects {rule.id}"
    # A negative case: same channel as a positive one, rule not expected.
    for rule in enabled:
        channels = {c.get("context", {}).get("channel") for c in cases if rule.id in _ids(c)}
        negative = [
            c
            for c in cases
            if rule.id not in _ids(c) and c.get("context", {}).get("channel") in channels
        ]
        assert negative, f"no negative case for {rule.id}"


def test_wrong_expectations_are_reported(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        """\
cases:
  - name: 期望错误的规则
    context: {channel: internet_host, role: internet}
    file: {path: /a/b.docx, markings: [secret]}
    expect: [SEC-002]
  - name: 期望错误的成员
    context: {channel: removable_media, role: intranet, medium: {serial: EXAMPLE-INT-0101}}
    file: {path: /m/a.zip, errors: [{reason: encrypted, member: a/x.docx}]}
    expect: [{rule: SEC-013, member: a/y.docx}]
  - name: 正确
    context: {channel: local, role: classified, connected: true}
    expect: [SEC-011]
""",
        encoding="utf-8",
    )
    results = run_policy_tests(load_policy(), tmp_path)
    assert [(r.name, r.passed, r.line) for r in results] == [
        ("期望错误的规则", False, 2),
        ("期望错误的成员", False, 6),
        ("正确", True, 10),
    ]
    assert results[0].got_ids == {"SEC-001"}
    assert results[1].missing_members == (("SEC-013", "a/y.docx"),)


def test_missing_case_folder() -> None:
    with pytest.raises(PolicyError):
        run_policy_tests(load_policy(), Path("/nonexistent/policy-tests"))


def test_disabling_a_rule_changes_exactly_its_case(tmp_path: Path) -> None:
    import shutil

    bank = tmp_path / "policies"
    shutil.copytree(data_path("policies"), bank)
    policy_file = bank / "default.yaml"
    text = policy_file.read_text(encoding="utf-8")
    rule = "    title: 非涉密内网计算机存储国家秘密文件\n    severity: high\n"
    assert rule in text
    policy_file.write_text(text.replace(rule, rule + "    enabled: false\n"), encoding="utf-8")
    results = run_policy_tests(load_policy(policy_file), bank / "tests")
    failed = [r for r in results if not r.passed]
    assert [(r.name, sorted(r.got_ids)) for r in failed] == [
        ("内网计算机上的机密文件", [])
    ]
