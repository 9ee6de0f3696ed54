"""Fixtures for report tests: a home with a key, and ledgers filled with realistic events
(shapes per docs/ledger-events.md) appended directly through ``Ledger.append``."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from secaudit.config import Config, load_config
from secaudit.ledger import Ledger
from secaudit.report.keys import SigningKey, generate_keys, load_signing_key

POLICY = {"id": "rcb-default", "version": "2026.1", "sha256": "ab" * 32}
EVIL_NAME = "<img src=x onerror=alert(1)>.docx"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(rng: random.Random) -> str:
    """A synthetic resident ID with a valid GB 11643 check digit (Beijing Dongcheng area)."""
    body = f"110101{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def bank_card(rng: random.Random) -> str:
    """A synthetic UnionPay card number (62…, 19 digits) with a valid Luhn digit."""
    body = "622848" + "".join(str(rng.randint(0, 9)) for _ in range(12))
    for check in "0123456789":
        digits = [int(c) for c in reversed(body + check)]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return body + check
    raise AssertionError("unreachable")


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20261129)


@pytest.fixture
def config(home: Path) -> Config:
    (home / "config.toml").write_text(
        '[host]\nrole = "internet"\nbranch = "城关支行"\nname = "网点PC-01"\n', encoding="utf-8"
    )
    return load_config(home)


@pytest.fixture
def key(config: Config) -> SigningKey:
    generate_keys(config.home.keys_dir, passphrase=None)
    return load_signing_key(config.home.keys_dir, passphrase=None)


@pytest.fixture
def other_key(tmp_path: Path) -> SigningKey:
    generate_keys(tmp_path / "foreign", passphrase=None)
    return load_signing_key(tmp_path / "foreign", passphrase=None)


def violation(path: str | None, **over: Any) -> dict[str, Any]:
    base = {
        "rule": "SEC-001",
        "severity": "critical",
        "title": "互联网计算机存储涉密文件",
        "path": path,
        "member": None,
        "channel": "internet_host",
        "level": "secret",
        "basis": "《保守国家秘密法》第二十四条",
        "remedy": "立即删除并上报保密办",
        "scan_id": "scan-1",
        "detail": {},
    }
    return {**base, **over}


def fill_ledger(led: Ledger, rng: random.Random, *, scan_id: str = "scan-1") -> dict[str, str]:
    """A realistic month of events; returns the secrets that must never show in a report."""
    pid, card = resident_id(rng), bank_card(rng)
    desk = "/home/zhang/桌面"
    led.append(
        "agent_started",
        {"pid": 4242, "version": "0.1.0", "config": None, "policy": POLICY, "role": "internet"},
    )
    led.append(
        "connectivity",
        {
            "connected": True,
            "previous": None,
            "routes": [],
            "interfaces": [],
            "probes": [{"target": "127.0.0.1:9", "ok": True, "error": None}],
        },
    )
    led.append(
        "scan_started",
        {
            "scan_id": scan_id,
            "paths": [desk],
            "channel": "internet_host",
            "host": {"hostname": "网点PC-01", "role": "internet"},
            "policy": POLICY,
            "trigger": "schedule",
        },
    )
    led.append(
        "finding",
        {
            "scan_id": scan_id,
            "path": f"{desk}/客户名单.xlsx",
            "size": 20480,
            "sha256": "cd" * 32,
            "format": "xlsx",
            "classification": "none",
            "channel": "internet_host",
            "findings": [
                {
                    "kind": "info_type",
                    "type": "cn_resident_id",
                    "count": 57,
                    "sample": pid[:4] + "*" * 10 + pid[-4:],
                    "location": "body",
                    "member": None,
                    "confidence": "high",
                }
            ],
        },
    )
    led.append(
        "finding",
        {
            "scan_id": scan_id,
            "path": f"{desk}/{EVIL_NAME}",
            "size": 4096,
            "sha256": "ef" * 32,
            "format": "docx",
            "classification": "secret",
            "channel": "internet_host",
            "findings": [
                {
                    "kind": "marking",
                    "level": "secret",
                    "text": "机密★10年",
                    "period": "10年",
                    "location": "body",
                    "member": None,
                    "confidence": "high",
                }
            ],
        },
    )
    led.append("violation", violation(f"{desk}/{EVIL_NAME}"))
    led.append(
        "violation",
        violation(
            f"{desk}/客户{pid}.xlsx",
            rule="DATA-001",
            severity="high",
            level=None,
            title="客户身份证号未标密",
        ),
    )
    led.append(
        "file_error",
        {
            "scan_id": scan_id,
            "path": f"{desk}/加密合同.docx",
            "channel": "internet_host",
            "errors": [{"member": None, "reason": "encrypted", "detail": "password"}],
        },
    )
    led.append(
        "scan_finished",
        {
            "scan_id": scan_id,
            "paths": [desk],
            "channel": "internet_host",
            "summary": {
                "files_scanned": 1234,
                "bytes_scanned": 987654321,
                "files_with_findings": 2,
                "violations": 2,
                "errors": 1,
            },
            "not_scanned": {"encrypted": 1},
            "cached_files": 0,
            "duration_s": 12.5,
        },
    )
    medium = {
        "device": "/dev/sdb1",
        "mountpoint": "/media/zhang/KINGSTON",
        "fstype": "vfat",
        "vendor": "Kingston",
        "model": "DataTraveler",
        "serial": "4C530001230214117373",
        "fs_uuid": "1A2B-3C4D",
        "label": "KINGSTON",
        "capacity": 16 * 2**30,
        "registered": True,
        "registered_role": "classified",
        "seen_roles": ["classified"],
    }
    led.append("media_inserted", {"medium": medium, "host_role": "internet"})
    led.append(
        "violation",
        violation(
            None,
            rule="MEDIA-001",
            title="涉密专用介质在互联网计算机使用",
            channel="removable_media",
            level=None,
            detail={"medium": {"serial": medium["serial"]}},
        ),
    )
    led.append("media_removed", {"medium": medium, "host_role": "internet"})
    led.append(
        "media_seen",
        {
            "vendor": "Kingston",
            "product": "DataTraveler",
            "serial": medium["serial"],
            "first_seen": "2026-10-02T09:00:00+08:00",
            "last_seen": "2026-11-20T16:30:00+08:00",
            "source": "journal",
        },
    )
    led.append(
        "mail_scanned",
        {
            "mail": {
                "message_id": "<a1@bank.example>",
                "date": "2026-11-20T10:00:00+08:00",
                "from": "zhang@bank.example",
                "to": ["li@outside.example"],
                "subject": f"客户资料 卡号{card}",
                "folder": "Sent",
            },
            "store": "/home/zhang/.thunderbird/x.default/Mail/Local Folders/Sent",
            "attachments": ["（机密）2024年信贷计划.docx"],
            "classification": "secret",
            "violations": 1,
        },
    )
    led.append(
        "violation",
        violation(
            "（机密）2024年信贷计划.docx",
            rule="MAIL-001",
            channel="email",
            title="标密文件作为邮件附件发送",
        ),
    )
    return {"resident_id": pid, "bank_card": card}
