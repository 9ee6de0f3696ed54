"""Issue 12, finding 16: a policy file of nested YAML aliases ("billion laughs": ten million
expanded conditions took 164 s and 3.8 GB) and config numbers out of range (``workers = -3`` spun
forever, ``file_timeout = 1e308`` crashed) are refused at once with a clear file:line error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from secaudit.cli import main
from secaudit.config import load_config
from secaudit.errors import ConfigError, PolicyError
from secaudit.policy import load_policy

BOMB_HEAD = """\
id: bomb
version: "1"
title: 炸弹
definitions:
  d0: &c0 {channel: removable_media}
"""


def _bomb(levels: int = 7) -> str:
    lines = [BOMB_HEAD]
    for i in range(1, levels + 1):
        refs = ", ".join(f"*c{i - 1}" for _ in range(10))
        lines.append(f"  d{i}: &c{i} {{any: [{refs}]}}\n")
    lines.append(
        "rules:\n  - {id: R-1, title: t, severity: low, basis: b, remedy: r,"
        f" when: {{any: [{', '.join(f'*c{levels}' for _ in range(10))}]}}}}\n"
    )
    return "".join(lines)


def test_alias_bomb_is_refused_quickly_with_file_and_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(_bomb(), encoding="utf-8")  # 10^8 expanded conditions
    t0 = time.monotonic()
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert time.monotonic() - t0 < 5
    text = info.value.diagnostics()
    assert f"{path}:" in text and "aliases" in text
    assert main(["policy", "lint", str(path)]) == 2
    assert "expands to more than" in capsys.readouterr().err + capsys.readouterr().out


def test_alias_loop_and_deep_nesting_are_refused(tmp_path: Path) -> None:
    deep = "id: " + "[" * 300 + "]" * 300
    for name, body in (("loop.yaml", "id: &a [*a]\n"), ("deep.yaml", deep)):
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        with pytest.raises(PolicyError) as info:
            load_policy(path)
        assert f"{path}:1:" in info.value.diagnostics()


def test_small_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(_bomb(2), encoding="utf-8")  # 10^2 × 10: a normal reuse
    assert load_policy(path).rules[0].id == "R-1"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[scan]\nworkers = -3\n", "[scan].workers = -3: must be between 0 and 256"),
        ("[scan]\nfile_timeout = 1e308\n", "[scan].file_timeout"),
        ("[scan]\nmax_ratio = nan\n", "[scan].max_ratio"),
        ("[scan]\nmax_file_size_mb = 0\n", "must be between 1"),
        ("[agent]\nnice = 40\n", "[agent].nice = 40"),
        ("[agent]\nqueue_size = 0\n", "[agent].queue_size"),
        ("[connectivity]\ninterval = inf\n", "[connectivity].interval"),
    ],
)
def test_config_numbers_are_range_checked(home: Path, body: str, message: str, capsys) -> None:
    (home / "config.toml").write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(home)
    assert message in info.value.diagnostics() and "config.toml" in info.value.diagnostics()
    assert main(["scan", str(home)]) == 2  # the CLI stops with the message, exit 2
    assert message in capsys.readouterr().err
