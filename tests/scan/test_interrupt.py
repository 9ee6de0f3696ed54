"""Issue 13 item 10: Ctrl-C during a scan stops cleanly — no worker tracebacks, the findings made
so far kept, ``scan_finished`` recorded with ``state: interrupted``."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from secaudit.ledger import Ledger

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(180)
def test_ctrl_c_keeps_what_was_found(tmp_path: Path) -> None:
    tree = tmp_path / "docs"
    tree.mkdir()
    for i in range(8000):
        head = "机密★10年\n" if i % 10 == 0 else ""
        (tree / f"f{i:05d}.txt").write_text(head + "正文内容，工作安排。\n" * 300, encoding="utf-8")
    home = tmp_path / "home"
    proc = subprocess.Popen(
        [sys.executable, "-m", "secaudit", "--home", str(home), "scan", "--no-cache",
         "--workers", "2", str(tree)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group: Ctrl-C reaches parent and workers
    )
    deadline = time.monotonic() + 60
    while not (home / "ledger.db").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    while time.monotonic() < deadline and proc.poll() is None and not _findings(home):
        time.sleep(0.1)  # interrupted as soon as the first findings are recorded: well inside
    if proc.poll() is not None:
        pytest.skip("the scan finished before it could be interrupted (machine too fast)")
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-2000:]
    with Ledger(home / "ledger.db", readonly=True) as led:
        kinds = collections.Counter(e.kind for e in led.events())
        finished = [e.data for e in led.events(kinds=["scan_finished"])]
        led.verify()
    assert kinds["scan_started"] == 1 and len(finished) == 1
    assert finished[0]["state"] == "interrupted"
    done = finished[0]["summary"]["files_scanned"]
    assert 0 < done < 8000
    assert kinds["finding"] >= 1


def _findings(home: Path) -> int:
    try:
        with Ledger(home / "ledger.db", readonly=True) as led:
            return sum(1 for _ in led.events(kinds=["finding"]))
    except Exception:  # noqa: BLE001 - the ledger is being created: not yet
        return 0
