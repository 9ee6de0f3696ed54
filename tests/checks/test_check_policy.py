"""The ``checks``, ``remote_control`` and ``intranet_networks`` sections: reading and linting."""

from __future__ import annotations

from pathlib import Path

import pytest

from secaudit.checks.evaluate import OBSERVERS
from secaudit.errors import PolicyError
from secaudit.policy import load_policy
from secaudit.policy.hostcheck import OBSERVATIONS, Expect, Intranet

HEAD = """\
id: t
version: "1"
title: 测试
internal_domains: [rcb.example]
rules:
  - {id: R-1, title: 规则, severity: low, scope: host, when: {connected: true}, basis: 依据,
     remedy: 整改}
"""
# The addresses below are policy data and host names classified by ``ipaddress`` arithmetic;
# no test connects to any of them.
GOOD = HEAD + """\
intranet_networks: [10.0.0.0/8, "fd00::/8"]
remote_control:
  - {name: TeamViewer, packages: [teamviewer], processes: [teamviewerd], ports: [5938]}
checks:
  - id: HC-1
    title: 浏览器访问外网
    roles: [intranet, classified]
    observe: browser_external_hosts
    expect: {empty: true}
    severity: critical
    basis: GB/T 22239-2019
    remedy: 断网
  - {id: HC-2, title: 锁屏, observe: screen_lock_idle_seconds, expect: {at_most: 600},
     severity: medium, basis: 依据, remedy: 整改, enabled: false}
"""


def test_checks_section_loads(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(GOOD, encoding="utf-8")
    policy = load_policy(path)
    first, second = policy.checks
    assert first.roles == frozenset({"intranet", "classified"}) and first.line == 12
    assert first.expect == Expect("empty", True)
    assert second.roles == frozenset({"internet", "intranet", "classified"})
    assert not second.enabled
    assert policy.remote_control[0].ports == (5938,)
    assert policy.intranet.is_internal("10.1.2.3") and policy.intranet.is_internal("fd00::1")


BAD = HEAD + """\
intranet_networks: [10.0.0.0/33]                                # <- network
remote_control:
  - {name: X}                                                   # <- tool
checks:
  - id: HC-1
    title: 未知观测项
    observe: browser_history_everything                         # <- observe
    expect: {empty: true}
    severity: high
    basis: b
    remedy: r
  - id: HC-2
    title: 运算符不适用
    observe: screen_lock_enabled
    expect: {at_most: 3}                                        # <- operator
    severity: high
    basis: b
    remedy: r
  - id: HC-2                                                    # <- duplicate
    title: 重复
    observe: wifi_profiles
    expect: {empty: true}
    severity: high
    basis: b
    remedy: r
  - id: R-1                                                     # <- rule id
    title: 与规则同名
    observe: wifi_profiles
    expect: {empty: yes}
    severity: high
    basis: b
    remedy: r
  - id: HC-5
    title: 缺 remedy，未知角色
    roles: [branch]                                             # <- role
    observe: wifi_profiles
    expect: {empty: true}
    severity: high
    basis: b
"""


def test_lint_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    problems = info.value.problems
    lines = dict(enumerate(BAD.splitlines(), 1))

    def at(marker: str) -> str:
        return f"{path}:{next(i for i, t in lines.items() if f'# <- {marker}' in t)}: "

    def has(prefix: str, *words: str) -> bool:
        return any(p.startswith(prefix) and all(w in p for w in words) for p in problems)

    assert has(at("network"), "intranet_networks", "not an IP network")
    assert has(at("tool"), "remote_control[0]", "give packages, processes or ports")
    assert has(at("observe"), "checks.HC-1.observe", "unknown observe", "wifi_profiles")
    assert has(at("operator"), "checks.HC-2.expect.at_most", "not usable on screen_lock_enabled")
    assert has(at("duplicate"), "checks[2].id", "duplicate check id")
    assert has(at("rule id"), "id already used by a rule")
    assert has(at("role"), "checks.HC-5.roles", "unknown role 'branch'")
    assert any("checks.HC-5.remedy: missing (required)" in p for p in problems)
    assert len(problems) == 8, problems


def test_every_observation_is_implemented() -> None:
    assert set(OBSERVERS) == set(OBSERVATIONS)


@pytest.mark.parametrize(
    ("host", "internal"),
    [
        ("oa.rcb.example", True),
        ("rcb.example", True),
        ("fakercb.example", False),
        ("www.baidu.com", False),
        ("10.8.1.20", True),
        ("8.8.8.8", False),
        ("127.0.0.1", False),
        ("localhost", False),          # loopback is internal only when the policy says so
        ("intranet-portal", True),     # a single-label name cannot be on the internet
        ("[fd00::1]", False),
    ],
)
def test_internal_hosts(host: str, internal: bool) -> None:
    import ipaddress

    intranet = Intranet(("rcb.example",), (ipaddress.ip_network("10.0.0.0/8"),))
    assert intranet.is_internal(host) is internal


def test_expect_on_lists_counts_items() -> None:
    assert Expect("at_most", 1).holds(["a"]) and not Expect("at_most", 1).holds(["a", "b"])
    assert Expect("empty", False).holds(["a"]) and Expect("empty", True).holds([])
    assert Expect("equals", True).holds(True) and not Expect("equals", True).holds(False)


def test_readme_example_of_the_checks_format_loads(tmp_path: Path) -> None:
    import re

    readme = Path(__file__).resolve().parents[2] / "README.md"
    text = readme.read_text(encoding="utf-8")
    section = text[text.index("### Host checks in the policy"):]
    policy_block, cases_block = re.findall(r"```yaml\n(.*?)```", section, re.S)[:2]
    path = tmp_path / "p.yaml"
    path.write_text('id: doc\nversion: "1"\ntitle: 文档示例\nrules: []\n' + policy_block,
                    encoding="utf-8")
    policy = load_policy(path)
    assert [c.id for c in policy.checks] == ["HC-01"]
    assert policy.remote_control[0].name == "TeamViewer"
    assert "check_cases:" in cases_block and "fixtures/intranet-pc" in cases_block
