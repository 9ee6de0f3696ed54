"""Against a real rsyslogd (TLS listener on 127.0.0.1, omfile out): intact delivery, a collector
restart mid-stream with nothing lost, a wrong CA or name refused with the cursor left in place."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Any

from secaudit.forward import Forwarder, output_status, send_test
from secaudit.forward.agent_hook import ForwardService
from secaudit.ledger import Ledger
from tests.forward.conftest import config_with, fill, needs_rsyslog, scenario, syslog_output
from tests.forward.rsyslog import Certs, Rsyslog

pytestmark = needs_rsyslog


def _drain(fwd: Forwarder) -> None:
    while fwd.pump(5.0):
        pass
    fwd.flush()


def test_scenario_arrives_intact(tmp_path: Path, rsyslog: Rsyslog, certs: Certs) -> None:
    cfg = config_with(tmp_path / "home", [syslog_output(rsyslog, certs)])
    with Ledger(cfg.home.ledger) as led:
        led.append_many(scenario())
        events = list(led.events())
    fwd = Forwarder(cfg)
    _drain(fwd)
    assert fwd.runs[0].cursor == len(events) and fwd.runs[0].last_error is None
    fwd.close()
    got = rsyslog.wait_for(len(events))
    assert [m for m, _, _ in got] == [ev.kind for ev in events]
    for (_, sd, doc), ev in zip(got, events, strict=True):
        assert f'seq="{ev.seq}"' in sd and f'id="{doc["event"]["id"]}"' in sd
        assert doc["secaudit"]["ledger"]["hash"] == ev.hash
        prev = bytes.fromhex(doc["secaudit"]["ledger"]["prev"])
        assert hashlib.sha256(prev + doc["event"]["original"].encode()).hexdigest() == ev.hash
    vio = next(doc for m, _, doc in got if m == "violation")
    assert vio["rule"]["name"] == "涉密文件拷入未登记介质" and vio["event"]["severity"] == 99
    [status] = output_status(cfg)
    assert (status.cursor.seq, status.backlog, status.cursor.error) == (len(events), 0, None)


def _keep_appending(cfg: Any, count: int, done: threading.Event) -> None:
    with Ledger(cfg.home.ledger) as led:
        for i in range(count):
            led.append("error", {"where": "outage-test", "message": f"第 {i} 个事件"})
            time.sleep(0.004)
    done.set()


def test_collector_restart_loses_nothing(tmp_path: Path, rsyslog: Rsyslog, certs: Certs) -> None:
    cfg = config_with(tmp_path / "home", [syslog_output(rsyslog, certs, batch=20)])
    total = 1200
    done = threading.Event()
    writer = threading.Thread(target=_keep_appending, args=(cfg, total, done))
    service = ForwardService(cfg)
    writer.start()
    try:
        assert len(rsyslog.wait_for(150)) >= 150
        rsyslog.stop()  # mid-stream: events keep being written meanwhile
        time.sleep(1.5)
        rsyslog.start()
        writer.join(60)
        assert done.is_set()
        deadline = time.monotonic() + 60
        while output_status(cfg)[0].cursor.seq < total and time.monotonic() < deadline:
            service.wake()
            time.sleep(0.2)
    finally:
        service.stop()
        writer.join(60)
    got = rsyslog.wait_for(total)
    by_seq: dict[int, set[str]] = {}
    first_order: list[int] = []
    for _, _, doc in got:
        seq = doc["event"]["sequence"]
        if seq not in by_seq:
            first_order.append(seq)
        by_seq.setdefault(seq, set()).add(doc["event"]["id"])
    assert first_order == list(range(1, total + 1))  # every event, in seq order
    assert all(len(ids) == 1 for ids in by_seq.values())  # duplicates only with the same id
    assert output_status(cfg)[0].cursor.seq == total


def test_wrong_ca_is_refused(tmp_path: Path, rsyslog: Rsyslog, certs: Certs) -> None:
    cfg = config_with(tmp_path / "home", [
        syslog_output(rsyslog, certs, ca=str(certs.wrong_ca), name="wrong-ca"),
        syslog_output(rsyslog, certs, server_name="siem.bank.example", name="wrong-name")])
    fill(cfg, 5)
    fwd = Forwarder(cfg)
    assert fwd.pump() == 0
    wrong_ca, wrong_name = fwd.runs
    assert "certificate refused" in (wrong_ca.last_error or "")
    assert str(certs.wrong_ca) in (wrong_ca.last_error or "")
    assert "siem.bank.example" in (wrong_name.last_error or "")
    assert (wrong_ca.cursor, wrong_name.cursor) == (0, 0)
    fwd.close()
    statuses = output_status(cfg)
    assert [s.cursor.seq for s in statuses] == [0, 0] and [s.backlog for s in statuses] == [5, 5]
    assert all("certificate refused" in (s.cursor.error or "") for s in statuses)
    results = send_test(cfg)
    assert [ok for _, ok, _ in results] == [False, False]
    time.sleep(0.3)
    assert rsyslog.received() == []


def test_send_test_and_plain_tcp(tmp_path: Path, rsyslog: Rsyslog, certs: Certs) -> None:
    plain = Rsyslog(tmp_path / "plain", None)
    plain.start()
    try:
        cfg = config_with(tmp_path / "home", [
            syslog_output(rsyslog, certs),
            {"type": "syslog", "address": f"127.0.0.1:{plain.port}", "tls": False}])
        results = send_test(cfg)
        assert [ok for _, ok, _ in results] == [True, True], results
        for server in (rsyslog, plain):
            [(msgid, _, doc)] = server.wait_for(1)
            assert msgid == "forward_test" and doc["event"]["sequence"] == 0
        assert [s.cursor.seq for s in output_status(cfg)] == [0, 0]
    finally:
        plain.stop()
