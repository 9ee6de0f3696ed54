"""Fixtures of the forwarding tests: a home with outputs, a scenario ledger, a real rsyslog."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from secaudit.config import Config, load_config
from secaudit.config_forward import forward_outputs
from secaudit.ledger import Ledger
from tests.forward.rsyslog import GTLS, RSYSLOGD, Certs, Rsyslog, make_certs

needs_rsyslog = pytest.mark.skipif(
    not (RSYSLOGD and GTLS),
    reason="rsyslogd with the gtls driver is not installed (Debian rsyslog + rsyslog-gnutls; "
           "./install.sh --dev installs them)")

MEDIUM = {"device": "/dev/sdb1", "mountpoint": "/media/u/KINGSTON", "fstype": "vfat",
          "vendor": "Kingston", "model": "DataTraveler 3.0", "serial": "60A44C413E4AF1B0",
          "fs_uuid": "1A2B-3C4D", "label": "KINGSTON", "capacity": 15_728_640_000,
          "registered": False, "registered_role": None, "seen_roles": ["classified"]}
MAIL = {"message_id": "<a1@bank.example>", "date": "Tue, 1 Dec 2026 09:00:00 +0800",
        "from": "zhang@bank.example", "to": ["li@partner.example"], "subject": "季度计划",
        "folder": "Sent"}


def scenario() -> list[tuple[str, Any]]:
    """Events of a day: stick, mail, connectivity, self-inspection (masked values only)."""
    policy = {"id": "rcb-default", "version": "2026.1", "sha256": "ab" * 32}
    return [
        ("agent_started", {"pid": 42, "version": "0.1.0", "config": None, "policy": policy,
                           "role": "intranet"}),
        ("media_inserted", {"medium": MEDIUM, "host_role": "intranet"}),
        ("scan_started", {"scan_id": "s1", "paths": ["/media/u/KINGSTON"],
                          "channel": "removable_media", "policy": policy, "trigger": "media"}),
        ("finding", {"scan_id": "s1", "path": "/media/u/KINGSTON/（机密）2024年信贷计划.docx",
                     "size": 12345, "sha256": "cd" * 32, "format": "docx",
                     "classification": "secret", "channel": "removable_media", "findings": [
                         {"kind": "marking", "level": "secret", "text": "机密★10年",
                          "location": "body", "member": None, "confidence": "high"},
                         {"kind": "info_type", "type": "cn_resident_id", "count": 57,
                          "sample": "1101**********123X", "location": "body", "member": None,
                          "confidence": "high"}]}),
        ("violation", {"rule": "SEC-003", "severity": "critical", "title": "涉密文件拷入未登记介质",
                       "path": "/media/u/KINGSTON/（机密）2024年信贷计划.docx", "member": None,
                       "channel": "removable_media", "level": "secret", "basis": "保密法第二十四条",
                       "remedy": "立即删除并上报", "scan_id": "s1", "detail": {"medium": MEDIUM}}),
        ("mail_scanned", {"mail": MAIL, "store": "/home/u/.thunderbird/x", "attachments":
                          ["计划.docx"], "classification": "internal", "violations": 0}),
        ("connectivity", {"connected": True, "previous": False, "routes": ["default"],
                          "interfaces": ["eth0"], "probes": []}),
        ("selfcheck", {"score": 92, "verdict": "pass", "automatic": {}, "manual": []}),
    ]


def config_with(home: Path, outputs: list[dict[str, Any]]) -> Config:
    cfg = load_config(str(home))
    cfg = replace(cfg, forward=forward_outputs(outputs, "test"))
    cfg.home.ensure()
    return cfg


def fill(cfg: Config, count: int, kind: str = "error") -> None:
    with Ledger(cfg.home.ledger) as led:
        led.append_many((kind, {"where": "test", "message": f"事件 {i}"}) for i in range(count))


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def rsyslog(tmp_path: Path, certs: Certs) -> Iterator[Rsyslog]:
    if not (RSYSLOGD and GTLS):
        pytest.skip("rsyslogd with the gtls driver is not installed (./install.sh --dev)")
    server = Rsyslog(tmp_path / "rsyslog", certs)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def syslog_output(server: Rsyslog, certs: Certs, **extra: Any) -> dict[str, Any]:
    return {"type": "syslog", "address": f"127.0.0.1:{server.port}", "ca": str(certs.ca),
            "backoff_max": 2.0, "timeout": 5.0, **extra}
