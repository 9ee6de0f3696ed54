"""ECS shape of every scenario event, stable ids, and the RFC 5424 / RFC 6587 frame."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from secaudit.forward.ecs import HostInfo, event_id, to_ecs
from secaudit.forward.forwarder import encode
from secaudit.ledger import Ledger
from tests.forward.conftest import config_with, scenario

HOST = HostInfo("pc-0317", "0123456789abcdef0123456789abcdef", "intranet", "城关支行")


def _events(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Ledger(tmp_path / "ledger.db") as led:
        led.append_many(scenario())
        return {ev.kind: ev for ev in led.events()}


def test_ecs_fields(tmp_path: Path) -> None:
    ev = _events(tmp_path)
    vio = to_ecs(ev["violation"], HOST)
    assert vio["event"]["kind"] == "alert" and vio["event"]["severity"] == 99
    assert vio["event"]["category"] == ["file"] and vio["event"]["action"] == "violation"
    assert vio["rule"] == {"id": "SEC-003", "name": "涉密文件拷入未登记介质",
                           "ruleset": "secaudit", "reference": "保密法第二十四条"}
    assert vio["volume"]["serial_number"] == "60A44C413E4AF1B0" and vio["volume"]["removable"]
    assert vio["file"]["name"] == "（机密）2024年信贷计划.docx"
    assert vio["host"] == {"name": "pc-0317", "hostname": "pc-0317", "id": HOST.id}
    assert vio["secaudit"]["level"] == "secret" and vio["secaudit"]["branch"] == "城关支行"
    assert vio["secaudit"]["channel"] == "removable_media"
    found = to_ecs(ev["finding"], HOST)
    assert found["file"]["hash"] == {"sha256": "cd" * 32} and found["file"]["size"] == 12345
    assert found["secaudit"]["marking"] == "机密★10年"
    assert found["secaudit"]["info_types"] == [{"type": "cn_resident_id", "count": 57}]
    mail = to_ecs(ev["mail_scanned"], HOST)
    assert mail["email"]["to"] == {"address": ["li@partner.example"]}
    assert mail["email"]["attachments"] == [{"file": {"name": "计划.docx"}}]
    scan = to_ecs(ev["scan_started"], HOST)
    assert scan["secaudit"]["policy"] == {"id": "rcb-default", "version": "2026.1"}
    assert to_ecs(ev["connectivity"], HOST)["event"]["kind"] == "state"
    assert to_ecs(ev["media_inserted"], HOST)["volume"]["mount_name"] == "/media/u/KINGSTON"


def test_original_rebuilds_the_chain_and_id_is_stable(tmp_path: Path) -> None:
    for ev in _events(tmp_path).values():
        doc = to_ecs(ev, HOST)
        prev = doc["secaudit"]["ledger"]["prev"]
        digest = hashlib.sha256(bytes.fromhex(prev) + doc["event"]["original"].encode()).hexdigest()
        assert digest == ev.hash
        assert doc["event"]["id"] == event_id(HOST, ev) == f"{HOST.id}-{ev.seq}-{ev.hash[:16]}"
        assert to_ecs(ev, HOST) == doc


def test_ndjson_and_syslog_encoding(tmp_path: Path) -> None:
    cfg = config_with(tmp_path / "home", [
        {"type": "file", "path": str(tmp_path / "e.ndjson")},
        {"type": "syslog", "address": "127.0.0.1:6514", "tls": False, "facility": 13}])
    file_out, syslog_out = cfg.forward
    vio = _events(tmp_path)["violation"]
    line = encode(file_out, vio, HOST)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line)["event"]["id"] == event_id(HOST, vio)
    frame = encode(syslog_out, vio, HOST)
    length, _, body = frame.partition(b" ")
    assert int(length) == len(body)
    text = body.decode("utf-8")
    m = re.match(r'<(\d+)>1 (\S+) pc-0317 secaudit - violation (\[secaudit@32473 [^\]]*\]) (.*)$',
                 text, re.S)
    assert m, text
    assert int(m.group(1)) == 13 * 8 + 2  # log audit, critical
    assert m.group(2) == vio.ts
    assert f'seq="{vio.seq}"' in m.group(3) and f'id="{event_id(HOST, vio)}"' in m.group(3)
    assert json.loads(m.group(4)) == json.loads(line)


def test_every_ledger_kind_has_an_ecs_mapping() -> None:
    from secaudit.forward.ecs import _KINDS
    from secaudit.ledger.chain import KINDS

    assert sorted(KINDS - set(_KINDS)) == []
