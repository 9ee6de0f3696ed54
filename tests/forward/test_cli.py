"""``secaudit forward status|test`` and the host on ``ledger export`` lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secaudit.cli import main
from secaudit.ledger import Ledger
from tests.forward.rsyslog import free_port


def _home(tmp_path: Path, outputs: str) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(f'[host]\nname = "pc-0317"\n{outputs}', encoding="utf-8")
    with Ledger(home / "ledger.db") as led:
        led.append_many(("error", {"where": "cli", "message": str(i)}) for i in range(3))
    return home


def test_status_and_test(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "events.ndjson"
    port = free_port()
    home = _home(tmp_path, f'[[forward]]\ntype = "file"\npath = "{out}"\n'
                           f'[[forward]]\ntype = "syslog"\naddress = "127.0.0.1:{port}"\n'
                           'tls = false\ntimeout = 1\n')
    assert main(["--home", str(home), "forward", "status"]) == 0
    text = capsys.readouterr().out
    assert f"file:{out}" in text and f"syslog:127.0.0.1:{port}" in text and "backlog" in text
    assert main(["--home", str(home), "forward", "status", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["cursor"], r["backlog"]) for r in rows] == [(0, 3), (0, 3)]
    assert main(["--home", str(home), "forward", "test"]) == 1
    text = capsys.readouterr().out
    assert f"成功 OK    file:{out}: delivered id" in text
    assert f"失败 FAIL  syslog:127.0.0.1:{port}: 无法连接收集器 cannot connect to collector" in text
    [line] = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["event"]["action"] == "forward_test"


def test_no_outputs_and_export_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = _home(tmp_path, "")
    assert main(["--home", str(home), "forward", "status"]) == 2
    assert "no [[forward]] output" in capsys.readouterr().err
    assert main(["--home", str(home), "ledger", "export"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["seq"] for x in lines] == [1, 2, 3]
    assert all(x["host"]["name"] == "pc-0317" and x["host"]["id"] for x in lines)
