"""Issue 13 items 8 and 11 with a real agent: roots created later are watched, SIGHUP re-judges
违规外联 at once, one agent per home, the agent logs to stderr (the journal under systemd)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.agent.conftest import REPO, base_config, write_config
from tests.agent.helpers import marked_txt

pytestmark = pytest.mark.timeout(120)


def test_root_created_after_start_is_watched(tmp_path, start_agent):
    later = tmp_path / "下载"
    home = tmp_path / "h"
    write_config(home, base_config(agent={"roots": [str(later)]}))
    agent = start_agent(home)
    agent.wait_for(lambda e: True, kinds=["agent_started"])
    time.sleep(1.0)
    later.mkdir()
    (later / "任免.txt").write_bytes(marked_txt())
    ev = agent.wait_for(lambda e: str(e.data.get("path", "")).startswith(str(later)),
                        kinds=["violation"], timeout=40)
    assert ev.data["rule"] == "SEC-015" and ev.data["channel"] == "local"
    assert agent.stop() == 0


def test_sighup_role_change_judges_connectivity_at_once(tmp_path, start_agent):
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        target = f"127.0.0.1:{srv.getsockname()[1]}"  # the test's stand-in for the internet
        home = tmp_path / "h"
        cfg = base_config(connectivity={"probes": [target], "interval": 3600.0})
        write_config(home, cfg)
        agent = start_agent(home)
        agent.wait_for(lambda e: e.data.get("connected") is True, kinds=["connectivity"])
        assert not agent.events(["violation"])
        cfg["host"]["role"] = "classified"
        write_config(home, cfg)
        agent.signal(signal.SIGHUP)
        ev = agent.wait_for(lambda e: e.data.get("rule") == "SEC-011", kinds=["violation"],
                            timeout=15)
        assert ev.data["severity"] == "critical"
        assert agent.stop() == 0
    assert "secaudit-agent: INFO" in agent.output() and "reloaded" in agent.output()


def test_second_agent_on_the_same_home_is_refused(tmp_path, start_agent):
    home = tmp_path / "h"
    write_config(home, base_config())
    agent = start_agent(home)
    agent.wait_for(lambda e: True, kinds=["agent_started"])
    second = subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), "agent"],
                            capture_output=True, text=True, cwd=REPO, timeout=60, check=False)
    assert second.returncode == 2, second.stdout + second.stderr
    assert "另一个审计代理已在运行" in second.stderr and "Traceback" not in second.stderr
    assert len(agent.events(["agent_started"])) == 1
    assert agent.stop() == 0
    assert "started: pid" in agent.output()  # logged to stderr (the journal under systemd)
