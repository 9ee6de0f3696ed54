"""The documented example policy and example cases in docs/policy.md are valid and behave."""

from __future__ import annotations

import re
from pathlib import Path

from secaudit.context import ScanContext
from secaudit.model import Channel, HostRole, Level
from secaudit.policy import load_policy
from secaudit.policy.evaluate import evaluate_host
from secaudit.policy.tests_runner import run_policy_tests

DOC = Path(__file__).resolve().parents[2] / "docs" / "policy.md"


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_documented_example_policy_loads_and_judges(tmp_path: Path) -> None:
    example, _ = _yaml_blocks()
    (tmp_path / "media.yaml").write_text(
        "media:\n  - {serial: S-2, role: intranet}\n", encoding="utf-8"
    )
    path = tmp_path / "branch.yaml"
    path.write_text(example, encoding="utf-8")
    policy = load_policy(path)
    assert policy.identity()["id"] == "branch-7"
    assert [r.id for r in policy.rules] == ["SEC-001", "SEC-010", "SEC-012", "SEC-011"]
    assert policy.lookup_medium("s-2", "") == (True, "intranet")
    assert policy.lookup_medium("", "1a2b-3c4d") == (False, None)  # UUID only: unverified
    assert policy.unverified_entry("", "1a2b-3c4d").label == "涉密专用U盘-01"  # type: ignore[union-attr]
    host = ScanContext(channel=Channel.LOCAL, host_role=HostRole.CLASSIFIED, connected=True)
    assert [v.rule for v in evaluate_host(policy, host)] == ["SEC-011"]
    assert "限行内使用" in policy.vocabulary.words[Level.INTERNAL]


def test_documented_cases_pass_on_the_default_policy(tmp_path: Path) -> None:
    _, cases = _yaml_blocks()
    (tmp_path / "doc.yaml").write_text(cases, encoding="utf-8")
    results = run_policy_tests(load_policy(), tmp_path)
    assert len(results) == 3
    assert all(r.passed for r in results), [(r.name, r.got_ids) for r in results]
