"""Lint: every malformed policy is reported with its file, line and field — all problems at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from secaudit.config import data_path
from secaudit.errors import PolicyError
from secaudit.policy import load_policy

VALID = """\
id: test-policy
version: "1"
title: 测试策略
internal_domains: [rcb.example]
thresholds: {cn_resident_id: 10}
definitions:
  on_usb: {channel: removable_media}
rules:
  - id: R-1
    title: 机密文件在U盘
    severity: critical
    when:
      all:
        - use: on_usb
        - classification: {at_least: secret}
    basis: 本行规定
    remedy: 报告保密员
checklist:
  - {id: C-1, question: 是否安装防盗铁窗？, category: 涉密场所, weight: 5}
"""


def _problems(tmp_path: Path, text: str, name: str = "p.yaml") -> tuple[Path, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert info.value.exit_code == 2
    assert info.value.problems, "a PolicyError must list its problems"
    return path, info.value.problems


def _line_of(text: str, marker: str = "# <-") -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if marker in line)


def test_valid_policy_loads(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(VALID, encoding="utf-8")
    policy = load_policy(path)
    assert policy.identity() == {
        "id": "test-policy",
        "version": "1",
        "sha256": hashlib.sha256(VALID.encode()).hexdigest(),
    }
    assert [r.id for r in policy.rules] == ["R-1"]
    assert policy.checklist[0].weight == 5


MALFORMED = [
    (
        "bad yaml",
        VALID.replace("severity: critical", "severity: critical: high  # <-"),
        "bad YAML: mapping values are not allowed",
    ),
    ("unknown top key", VALID + "colour: red  # <-\n", "colour: unknown key"),
    (
        "unknown rule key",
        VALID.replace("    basis: 本行规定", "    basis: 本行规定\n    severty: high  # <-"),
        "rules.R-1.severty: unknown key",
    ),
    (
        "unknown condition key",
        VALID.replace("        - use: on_usb", "        - chanel: email  # <-"),
        "chanel: unknown key",
    ),
    (
        "wrong type: severity list",
        VALID.replace("severity: critical", "severity: [critical]  # <-"),
        "rules.R-1.severity: expected text, got a list",
    ),
    (
        "wrong type: weight text",
        VALID.replace("weight: 5}", "weight: five}  # <-"),
        "checklist[0].weight: expected an integer",
    ),
    (
        "wrong type: threshold",
        VALID.replace("{cn_resident_id: 10}", "{cn_resident_id: many}  # <-"),
        "thresholds.cn_resident_id: expected an integer",
    ),
    (
        "unknown level",
        VALID.replace("{at_least: secret}", "{at_least: very_secret}  # <-"),
        "classification.at_least: unknown level 'very_secret'",
    ),
    (
        "unknown channel",
        VALID.replace("on_usb: {channel: removable_media}", "on_usb: {channel: usb}  # <-"),
        "definitions.on_usb.channel: unknown channel 'usb'",
    ),
    (
        "unknown role",
        VALID.replace("        - use: on_usb", "        - host_role: [internet, dmz]  # <-"),
        "host_role: unknown host role 'dmz'",
    ),
    (
        "unknown severity",
        VALID.replace("severity: critical", "severity: severe  # <-"),
        "rules.R-1.severity: unknown severity 'severe'",
    ),
    (
        "unknown info type",
        VALID.replace("{cn_resident_id: 10}", "{passport: 10}  # <-"),
        "thresholds.passport: unknown info type",
    ),
    (
        "unknown info type in a rule",
        VALID.replace("        - use: on_usb", "        - info_types: {iban: threshold}  # <-"),
        "info_types.iban: unknown info type",
    ),
    (
        "duplicate rule id",
        VALID.replace(
            "checklist:",
            VALID.split("rules:\n")[1]
            .split("checklist:")[0]
            .replace("  - id: R-1", "  - id: R-1  # <-")
            + "checklist:",
        ),
        "rules.R-1.id: duplicate rule id (first at line 9)",
    ),
    (
        "empty any",
        VALID.replace("        - use: on_usb", "        - any: []  # <-"),
        "any: an empty `any` list",
    ),
    (
        "missing field",
        VALID.replace("    remedy: 报告保密员\n", "").replace("  - id: R-1", "  - id: R-1  # <-"),
        "rules.R-1.remedy: missing (required)",
    ),
    (
        "file condition in a host rule",
        VALID.replace("    basis: 本行规定", "    scope: host\n    basis: 本行规定").replace(
            "        - classification: {at_least: secret}",
            "        - classification: {at_least: secret}  # <-",
        ),
        "classification: not usable in a rule of scope host",
    ),
    (
        "bad regular expression",
        VALID.replace("        - use: on_usb", "        - name_matches: ['工资(']  # <-"),
        "name_matches: bad regular expression",
    ),
    (
        "unknown definition",
        VALID.replace("use: on_usb", "use: on_floppy  # <-"),
        "use: unknown definition 'on_floppy'",
    ),
    (
        "duplicate mapping key",
        VALID.replace('version: "1"', 'version: "1"\nversion: "2"  # <-'),
        "version: duplicate key",
    ),
    (
        "python object tag",
        VALID.replace("title: 测试策略", "title: !!python/object/apply:os.system ['id']  # <-"),
        "title: expected text, got tag tag:yaml.org,2002:python/object/apply:os.system",
    ),
    (
        "medium without serial or uuid",
        VALID + "media:\n  - {role: classified, label: U盘}  # <-\n",
        "media[0]: give serial or fs_uuid",
    ),
    (
        "medium with unknown role",
        VALID + "media:\n  - {serial: X1, role: secret_only}  # <-\n",
        "media[0].role: unknown role 'secret_only'",
    ),
    (
        "threshold without a threshold",
        VALID.replace(
            "        - use: on_usb", "        - info_types: {bank_card: threshold}  # <-"
        ),
        "info_types.bank_card: no threshold for this info type",
    ),
    (
        "missing media file",
        VALID + "media_files: [nowhere.yaml]  # <-\n",
        "nowhere.yaml",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in MALFORMED], ids=[name for name, _, _ in MALFORMED]
)
def test_lint_names_file_line_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path, problems = _problems(tmp_path, text)
    place = f"{path}:{_line_of(text)}:"
    matching = [p for p in problems if p.startswith(place) and expected in p]
    assert matching, f"no problem at {place} containing {expected!r}; got {problems}"


def test_every_problem_listed_at_once(tmp_path: Path) -> None:
    text = (
        VALID.replace("severity: critical", "severity: severe")
        .replace("{at_least: secret}", "{at_least: topsecret}")
        .replace("weight: 5}", "weight: -1}")
        + "unexpected: 1\n"
    )
    _, problems = _problems(tmp_path, text)
    assert len(problems) == 4, problems
    assert any("severity" in p for p in problems)
    assert any("topsecret" in p for p in problems)
    assert any("weight: must be at least 1" in p for p in problems)
    assert any("unexpected: unknown key" in p for p in problems)


def test_missing_required_top_level_keys(tmp_path: Path) -> None:
    path, problems = _problems(tmp_path, "description: 空策略\n")
    assert {p.split(": ")[1] for p in problems} == {"id", "version", "title", "rules"}
    assert all(p.startswith(f"{path}:1:") for p in problems)


def test_problems_in_a_referenced_media_file_name_that_file(tmp_path: Path) -> None:
    media = "media:\n  - serial: A1\n    role: classified\n  - serial: A2\n    role: dmz\n"
    (tmp_path / "media.yaml").write_text(media, encoding="utf-8")
    _, problems = _problems(tmp_path, VALID + "media_files: [media.yaml]\n")
    assert problems == [
        f"{tmp_path / 'media.yaml'}:5: media[1].role: unknown role 'dmz' "
        "(allowed: internet, intranet, classified)"
    ]


def test_same_medium_registered_twice(tmp_path: Path) -> None:
    text = VALID + "media:\n  - {serial: A1, role: classified}\n  - {serial: a1, role: intranet}\n"
    path, problems = _problems(tmp_path, text)
    assert problems == [f"{path}:22: media: serial 'a1' registered twice (first at {path}:21)"]


def test_not_utf8_and_not_found(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes(VALID.encode("gb18030"))
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert info.value.problems[0].startswith(f"{path}:1: not UTF-8")
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "absent.yaml")
    assert "cannot read" in info.value.problems[0]


def test_shipped_default_policy_is_valid_and_identified() -> None:
    policy = load_policy()
    files = [data_path("policies", "default.yaml"), data_path("policies", "media.yaml")]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
    assert policy.identity() == {"id": "rcb-default", "version": policy.version, "sha256": digest}
    assert list(policy.files) == files
    assert len(policy.rules) >= 14
    assert len({r.id for r in policy.rules}) == len(policy.rules)
    assert {"涉密场所", "远程办公", "涉密计算机", "移动存储介质", "人员管理"} <= {
        i.category for i in policy.checklist
    }
    assert policy.thresholds["cn_resident_id"] == 10
    assert "rcb.example" in policy.internal_domains
    assert "限行内使用" in policy.vocabulary.words[policy.vocabulary.level_of("内部")]
