"""The real agent process with both outputs: a USB stick, mail, connectivity and a
self-inspection event reach a real rsyslog (over TLS) and the NDJSON file across a collector
restart, none lost; with an unreachable collector the agent keeps scanning, memory flat."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from secaudit.config import load_config
from secaudit.forward import output_status
from secaudit.ledger import Ledger
from tests.agent.conftest import base_config, make_image, start_agent, write_config
from tests.agent.helpers import marked_docx, marked_txt, mbox_entry, message_with_attachment
from tests.forward.conftest import needs_rsyslog
from tests.forward.rsyslog import Certs, Rsyslog, free_port

pytestmark = [pytest.mark.root, pytest.mark.timeout(240)]
__all__ = ["make_image", "start_agent"]  # the agent tests' fixtures, used here too


def _write(home: Path, sections: dict[str, dict[str, Any]], outputs: list[str]) -> None:
    write_config(home, sections)
    with (home / "config.toml").open("a", encoding="utf-8") as fh:
        for table in outputs:
            fh.write(f"\n[[forward]]\n{table}\n")


def _mail_store(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "tb" / "abcd.default-release" / "Mail" / "Local Folders"
    folder.mkdir(parents=True)
    (folder / "Sent").write_bytes(b"")
    (folder / "Sent.msf").write_bytes(b"// index")
    return tmp_path / "tb", folder / "Sent"


def _wait(pred: Any, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.3)


@needs_rsyslog
def test_agent_delivers_everything_across_a_collector_restart(
        tmp_path: Path, make_image: Any, start_agent: Any, rsyslog: Rsyslog,
        certs: Certs) -> None:
    stick = make_image("ext4", files={"计划/plan.txt": marked_txt()})
    store, sent = _mail_store(tmp_path)
    home, ndjson = tmp_path / "h", tmp_path / "out" / "events.ndjson"
    _write(home, base_config(agent={"removable_extra": [str(stick)], "mail_stores": [str(store)],
                                    "heartbeat_minutes": 0.1}),
           [f'type = "file"\npath = "{ndjson}"',
            f'type = "syslog"\naddress = "127.0.0.1:{rsyslog.port}"\nca = "{certs.ca}"\n'
            'backoff_max = 2.0'])
    agent = start_agent(home)
    agent.wait_for(lambda e: e.data.get("rule") == "SEC-005", kinds=["violation"], timeout=60)
    _wait(lambda: any(m == "violation" for m, _, _ in rsyslog.received()), what="violation")

    rsyslog.stop()  # the collector goes away; the PC keeps working
    msg = message_with_attachment(marked_docx(), "2025信贷计划.docx", msg_id="<n@rcb.example>")
    with sent.open("ab") as fh:
        fh.write(mbox_entry(msg))
    agent.wait_for(lambda e: True, kinds=["mail_scanned"], timeout=60)
    with Ledger(home / "ledger.db") as led:  # a self-inspection run by `secaudit selfcheck`
        led.append("selfcheck", {"score": 95, "verdict": "达标", "automatic": {}, "manual": []})
    time.sleep(3)
    rsyslog.start()
    cfg = load_config(str(home))
    _wait(lambda: all(s.backlog == 0 for s in output_status(cfg)), what="the backlog")
    assert agent.stop() == 0  # agent_stopped is forwarded on the way out

    with Ledger(home / "ledger.db", readonly=True) as led:
        events = list(led.events())
    kinds = {ev.kind for ev in events}
    assert {"media_inserted", "violation", "mail_scanned", "connectivity", "selfcheck",
            "heartbeat", "agent_stopped"} <= kinds
    got = rsyslog.wait_for(len(events))
    first: list[int] = []
    ids: dict[int, str] = {}
    for _, _, doc in got:
        seq, eid = doc["event"]["sequence"], doc["event"]["id"]
        assert ids.setdefault(seq, eid) == eid  # a duplicate carries the same id
        if seq not in first:
            first.append(seq)
    assert first == [ev.seq for ev in events]
    lines = [json.loads(x) for x in ndjson.read_text(encoding="utf-8").splitlines()]
    assert [d["event"]["sequence"] for d in lines] == [ev.seq for ev in events]
    assert all(s.backlog == 0 for s in output_status(cfg))


def test_unreachable_collector_agent_keeps_scanning_memory_flat(
        tmp_path: Path, make_image: Any, start_agent: Any) -> None:
    stick = make_image("ext4")
    home = tmp_path / "h"
    _write(home, base_config(agent={"removable_extra": [str(stick)]}),
           [f'type = "syslog"\naddress = "127.0.0.1:{free_port()}"\ntls = false\n'
            'backoff_max = 1.0\nbatch = 2000'])
    agent = start_agent(home)
    agent.wait_for(lambda e: True, kinds=["media_inserted"])
    proc = psutil.Process(agent.proc.pid)
    time.sleep(3)
    before = proc.memory_info().rss
    with Ledger(home / "ledger.db") as led:  # 60,000 events waiting for the collector
        for _ in range(6):
            led.append_many(("error", {"where": "load", "message": "x" * 500})
                            for _ in range(10_000))
    (stick / "a.txt").write_bytes(marked_txt())
    agent.wait_for(lambda e: "a.txt" in (e.data.get("path") or ""), kinds=["violation"])
    time.sleep(4)  # several retries of the collector meanwhile
    after = proc.memory_info().rss
    [status] = output_status(load_config(str(home)))
    assert status.cursor.seq == 0 and status.backlog > 60_000
    assert "cannot connect" in (status.cursor.error or "")
    assert after - before < 16 * 1024 * 1024, (before, after)  # 60,000 events would be ~60 MB
    assert agent.stop() == 0
