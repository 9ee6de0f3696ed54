"""The check stage: shipped check cases, outcomes, a failing source, the agent hook."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from secaudit.checks import agent_hook, check_host
from secaudit.checks import evaluate as ev
from secaudit.checks.tests_runner import run_check_cases
from secaudit.config import data_path, load_config
from secaudit.errors import PolicyError
from secaudit.ledger import Ledger
from secaudit.policy import load_policy
from tests.checks import policy_fixtures


def test_shipped_check_cases_pass() -> None:
    policy = load_policy()
    results = run_check_cases(policy, data_path("policies", "tests"))
    assert len(results) >= 4
    assert all(r.passed for r in results), [(r.name, r.mismatches) for r in results]


def test_fixture_text_files_match_their_builder(tmp_path: Path) -> None:
    policy_fixtures.build(tmp_path)
    shipped = data_path("policies", "tests", "fixtures")
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "History":
            rel = path.relative_to(tmp_path)
            assert (shipped / rel).read_bytes() == path.read_bytes(), rel


def test_bad_check_case_is_reported_with_its_place(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "check_cases:\n  - name: x\n    host: nowhere\n    expect: {HC-99: fail, HC-01: maybe}\n",
        encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        run_check_cases(load_policy(), tmp_path)
    text = "\n".join(info.value.problems)
    assert "c.yaml:3: check_cases[0].host: no such folder" in text
    assert "no check 'HC-99'" in text and "unknown outcome 'maybe'" in text


def test_a_broken_source_is_not_checked_and_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(view: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setitem(ev.OBSERVERS, "wifi_profiles", broken)
    doc, results = check_host(load_policy(), role="intranet", root=tmp_path)
    outcomes = {r.check.id: r for r in results}
    assert outcomes["HC-02"].outcome.value == "not_checked"
    assert "RuntimeError: boom" in outcomes["HC-02"].why
    assert outcomes["HC-03"].outcome.value == "pass"
    assert outcomes["HC-14"].why.startswith("未找到锁屏设置")


class _Agent:
    def __init__(self, config: Any, ledger: Ledger) -> None:
        self.config, self.ledger = config, ledger
        self.jobs: list[tuple[str, float, Any]] = []

    def every(self, name: str, interval_s: float, fn: Any) -> None:
        self.jobs.append((name, interval_s, fn))


def test_agent_hook_runs_checks_when_due(home: Path) -> None:
    config = load_config(home)
    config.home.ensure()
    with Ledger(config.home.ledger) as led:
        agent = _Agent(config, led)
        agent_hook.register(agent, interval_s=3600, first_delay_s=0)
        ((name, poll, fn),) = agent.jobs
        assert name == "host_checks" and poll == 300
        assert agent_hook.is_due(led, 3600)
        fn(agent)
        agent_hook._running["host_checks"].join(60)
        events = list(led.events(kinds=["host_check"]))
        assert len(events) == 1 and events[0].data["role"] == "intranet"
        assert not agent_hook.is_due(led, 3600)
        later = datetime.now().astimezone() + timedelta(hours=2)
        assert agent_hook.is_due(led, 3600, now=later)


def test_agent_hook_waits_after_start(home: Path) -> None:
    config = load_config(home)
    config.home.ensure()
    with Ledger(config.home.ledger) as led:
        agent = _Agent(config, led)
        agent_hook.register(agent)
        agent.jobs[0][2](agent)
        assert not list(led.events(kinds=["host_check"]))


def test_marked_document_found_by_digest_after_a_rename(tmp_path: Path) -> None:
    import hashlib

    from secaudit.checks import HostView, MarkedIndex
    from secaudit.checks.evaluate import run_checks
    from secaudit.sources.hostroot import HostRoot
    from tests.sources import artifacts

    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    body = b"\xe6\x9c\xba\xe5\xaf\x86 report"
    artifacts.write(root, "/home/u/文档/改名后.txt", body.decode())
    artifacts.write_xbel(root / "home/u/.local/share/recently-used.xbel",
                         ["file:///home/u/%E6%96%87%E6%A1%A3/%E6%94%B9%E5%90%8D%E5%90%8E.txt"])
    marked = MarkedIndex()
    marked.add("/old/name.txt", hashlib.sha256(body).hexdigest(), "confidential")
    view = HostView(load_policy(), HostRoot(root), live=False, marked=marked, role="intranet")
    result = next(r for r in run_checks(load_policy(), view) if r.check.id == "HC-11")
    assert result.outcome.value == "fail"
    assert result.observed.value == ["/home/u/文档/改名后.txt（秘密，u，recently-used.xbel (wps)）"]
    assert marked.hashed == len(body)


def test_live_host_running_and_listening_remote_control(tmp_path: Path) -> None:
    """On the live host (root /), a running ToDesk process and a socket listening on a port the
    policy lists are found (real process, real socket on 127.0.0.1)."""
    import shutil
    import socket
    import subprocess
    import time
    from dataclasses import replace

    from secaudit.policy.hostcheck import RemoteTool

    exe = tmp_path / "ToDesk_Service"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", exe)
    proc = subprocess.Popen([str(exe), "30"])
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    policy = load_policy()
    policy = replace(policy, remote_control=(
        *policy.remote_control, RemoteTool("测试远控", ports=(port,))))
    try:
        time.sleep(0.2)
        _, results = check_host(policy, role="intranet")
        by_id = {r.check.id: r for r in results}
        running = by_id["HC-08"]
        assert running.outcome.value == "fail"
        assert f"ToDesk：ToDesk_Service（PID {proc.pid}）" in running.observed.value
        listening = by_id["HC-09"]
        assert listening.outcome.value == "fail"
        assert any(v.startswith(f"测试远控：127.0.0.1:{port}") for v in listening.observed.value)
    finally:
        server.close()
        proc.kill()
        proc.wait()
