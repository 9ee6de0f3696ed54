"""``secaudit policy lint|show|test`` through ``secaudit.cli.main`` — exit codes and output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from secaudit.cli import main
from secaudit.config import data_path


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), "policy", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """A copy of the shipped policy folder that a bank could edit."""
    target = tmp_path / "policies"
    shutil.copytree(data_path("policies"), target)
    return target


def test_lint_default_policy_ok(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, tmp_path, "lint")
    assert code == 0
    assert "OK" in out and "rcb-default" in out


def test_lint_lists_every_error_of_every_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bank: Path
) -> None:
    bad1 = tmp_path / "bad1.yaml"
    bad1.write_text("id: x\nversion: '1'\ntitle: t\nrules: []\ncolour: red\n", encoding="utf-8")
    bad2 = bank / "bad2.yaml"  # beside media.yaml, which it references
    text = (bank / "default.yaml").read_text(encoding="utf-8")
    text = text.replace("severity: medium", "severity: moderate", 1)
    text = text.replace("- channel: removable_media", "- channel: usb_stick", 1)
    bad2.write_text(text, encoding="utf-8")
    good = bank / "default.yaml"
    code, out, err = run(capsys, tmp_path, "lint", str(bad1), str(good), str(bad2))
    assert code == 2
    assert f"OK {good}" in out
    assert f"{bad1}:5: colour: unknown key" in err
    sev_line = text.splitlines().index("    severity: moderate") + 1
    chan_line = text.splitlines().index("        - channel: usb_stick") + 1
    assert f"{bad2}:{sev_line}: rules.SEC-003.severity: unknown severity 'moderate'" in err
    assert f"{bad2}:{chan_line}: rules.SEC-004.when.all[0].channel: unknown channel" in err
    assert "3 problems" in err


def test_show_prints_the_effective_policy_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, tmp_path, "show", "--details")
    assert code == 0
    for text in (
        "策略：农商银行",
        "规则：",
        "SEC-001",
        "严重",
        "互联网计算机存储国家秘密文件",
        "依据：",
        "处置：",
        "人工自查项",
        "防盗铁窗",
        "EXAMPLE-CLS-0001",
        "涉密专用",
    ):
        assert text in out


def test_show_uses_the_policy_named_in_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "branch.yaml"
    policy.write_text(
        "id: branch-7\nversion: '3'\ntitle: 第七支行策略\nrules:\n"
        "  - {id: B-1, title: 任何机密, severity: high, basis: 支行规定, remedy: 报告,"
        " when: {classification: {at_least: secret}}}\n",
        encoding="utf-8",
    )
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(f'[policy]\npath = "{policy}"\n', encoding="utf-8")
    code, out, _ = run(capsys, home, "show")
    assert code == 0
    assert "第七支行策略" in out and "B-1" in out and "密级不低于机密" in out


def test_shipped_policy_tests_pass(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, tmp_path, "test")
    assert code == 0
    assert " 0 failed" in out
    passed = int(out.strip().splitlines()[-1].split()[0])
    assert passed >= 50


def test_edited_rule_shows_which_cases_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bank: Path
) -> None:
    policy = bank / "default.yaml"
    text = policy.read_text(encoding="utf-8")
    # The bank raises the customer-list threshold from 10 to 100 resident ids.
    policy.write_text(text.replace("cn_resident_id: 10", "cn_resident_id: 100"), encoding="utf-8")
    # No folder given: the cases beside the edited policy (bank/tests) are run.
    code, out, _ = run(capsys, tmp_path, "test", "--policy", str(policy))
    assert code == 1
    failing = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert len(failing) == 2, out
    assert any("未标密的客户名单（身份证号达到阈值）" in line for line in failing)
    assert any("未标密客户信息拷入U盘" in line for line in failing)
    assert "missing ['SEC-014']" in out and "missing ['SEC-010']" in out
    assert "2 failed" in out
    assert str(bank / "tests" / "internet_host.yaml") in out


def test_malformed_case_file_is_a_policy_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "bad.yaml").write_text(
        "cases:\n  - name: x\n    context: {channel: fax}\n    expect: [SEC-999]\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, tmp_path, "test", str(cases))
    assert code == 2
    assert f"{cases / 'bad.yaml'}:3: cases[0].context.channel: unknown value 'fax'" in err
    assert f"{cases / 'bad.yaml'}:4: cases[0].expect[0]: no rule 'SEC-999'" in err


def test_invalid_policy_for_show_and_test_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    for command in ("show", "test"):
        code, _, err = run(capsys, tmp_path, command, "--policy", str(bad))
        assert code == 2
        assert f"{bad}:2: bad YAML" in err
