"""A small real fleet for head-office tests: two branches, five PCs, each with its own ``--home``,
key pair and ledger; three months of reports issued by the real report and self-inspection code
on a fake clock (October–December 2026), a roster saved in GBK, and real tampering.

Branch 0101 城关支行: 城关-PC01 (internet), 城关-PC02 (classified), 城关-PC03 (intranet; its
November report is withheld). Branch 0202 东街分理处: 东街-PC11 (internet), 东街-PC12 (intranet;
never reports). One USB stick (serial) goes from 城关-PC02 (classified) to 东街-PC11 (internet);
one serial-less stick (UUID only) from 城关-PC01 to 城关-PC03; the same marked document is on
城关-PC01 and 东街-PC11 (found by the real self-inspection scan).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import secaudit.ledger
import secaudit.report.build
import secaudit.selfcheck.run  # noqa: F401 - imported so the clock patch reaches its imports
from secaudit.config import Config, load_config
from secaudit.ledger import Ledger
from secaudit.report.build import ReportRequest
from secaudit.report.issue import issue_report
from secaudit.report.keys import generate_keys, load_signing_key

CST = timezone(timedelta(hours=8))
EVIL = "<script>alert(1)</script>客户名单.xlsx"
SHARED_SERIAL = "AA0412USB7731"
UUID_ONLY = "5E2A-91C4"
MARKED_DOC = "机密★10年\n关于2026年信贷投放计划的通知\n"
PCS = {
    "城关-PC01": ("0101", "internet"),
    "城关-PC02": ("0101", "classified"),
    "城关-PC03": ("0101", "intranet"),
    "东街-PC11": ("0202", "internet"),
    "东街-PC12": ("0202", "intranet"),
}


@contextmanager
def fake_clock(start: datetime) -> Iterator[dict[str, datetime]]:
    """Every ``now_iso`` of secaudit (ledger, report, scan) reads this clock, one minute a call;
    set ``clock["now"]`` to jump."""
    original = secaudit.ledger.now_iso
    state = {"now": start}

    def now_iso() -> str:
        state["now"] += timedelta(minutes=1)
        return state["now"].isoformat(timespec="seconds")

    with pytest.MonkeyPatch.context() as mp:
        for mod in list(sys.modules.values()):
            if mod and getattr(mod, "now_iso", None) is original:
                mp.setattr(mod, "now_iso", now_iso)
        yield state


@dataclass
class Pc:
    host: str
    branch: str
    role: str
    config: Config
    reports: dict[str, Path] = field(default_factory=dict)

    @property
    def keys(self) -> Path:
        return self.config.home.keys_dir


def make_pc(root: Path, host: str, branch: str, role: str, docs: Path | None = None) -> Pc:
    home = root / host
    home.mkdir(parents=True)
    roots = f'roots = ["{docs}"]\n' if docs else "roots = []\n"
    (home / "config.toml").write_text(
        f'[host]\nrole = "{role}"\nbranch = "{branch}"\nname = "{host}"\n'
        f"[agent]\n{roots}mail_stores = []\n[scan]\nworkers = 1\n[connectivity]\nprobes = []\n",
        encoding="utf-8",
    )
    config = load_config(home)
    generate_keys(config.home.keys_dir, passphrase=None)
    return Pc(host, branch, role, config)


def medium(serial: str | None, fs_uuid: str, label: str = "U盘") -> dict[str, Any]:
    return {
        "device": "/dev/sdb1", "mountpoint": f"/media/u/{label}", "fstype": "vfat",
        "vendor": "Kingston", "model": "DataTraveler", "serial": serial, "fs_uuid": fs_uuid,
        "label": label, "capacity": 16 * 2**30, "registered": serial is not None,
        "registered_role": "classified" if serial else None, "seen_roles": [],
    }  # fmt: skip


def violation(rule: str, path: str, severity: str = "critical", channel: str = "internet_host"):
    return {
        "rule": rule, "severity": severity, "title": f"{rule} 违规", "path": path,
        "member": None, "channel": channel, "level": "secret", "basis": "《保密法》",
        "remedy": "整改", "scan_id": None, "detail": {},
    }  # fmt: skip


def month_events(led: Ledger, pc: Pc, month: str) -> None:
    """What the agent would have recorded on ``pc`` in ``month`` (shapes of ledger-events.md)."""
    led.append("agent_started", {"pid": 1, "version": "0.1.0", "config": None,
                                 "policy": None, "role": pc.role})  # fmt: skip
    if pc.host == "城关-PC01" and month == "2026-11":
        led.append("violation", violation("SEC-001", f"/home/u/桌面/{EVIL}"))
    if pc.host == "东街-PC11" and month in ("2026-11", "2026-12"):
        led.append("violation", violation("DATA-001", "/home/u/客户.xlsx", severity="high"))
    if month == "2026-12" and pc.host in ("城关-PC02", "东街-PC11"):
        m = medium(SHARED_SERIAL, "1A2B-3C4D")
        led.append("media_inserted", {"medium": m, "host_role": pc.role})
        led.append("media_removed", {"medium": m, "host_role": pc.role})
    if month == "2026-12" and pc.host in ("城关-PC01", "城关-PC03"):
        led.append("media_inserted", {"medium": medium(None, UUID_ONLY), "host_role": pc.role})


@dataclass
class Fleet:
    root: Path
    pcs: dict[str, Pc]
    outsider: Pc
    mail: Path
    """The folder of reports as mailed in (per branch subfolders, and a zip for 0202)."""
    tampered: Path
    resigned: Path
    unknown: Path
    conflicting: Path


def _issue(pc: Pc, led: Ledger, name: str, **req: Any) -> Path:
    key = load_signing_key(pc.keys, passphrase=None)
    out = pc.config.home.reports_dir / f"{pc.host}-{name}.html"
    return issue_report(pc.config, led, ReportRequest(**req), key=key, out=out).path


def _selfcheck(pc: Pc, name: str) -> Path:
    """The real self-inspection; the test machine's own USB history is left out (it would put
    the same real sticks on every PC of the fleet)."""
    from secaudit.selfcheck import run_selfcheck
    from secaudit.sources import usbhistory

    out = pc.config.home.reports_dir / f"{pc.host}-{name}.html"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(usbhistory, "usb_history", list)
        return run_selfcheck(pc.config, out=out).report.path


def build_fleet(root: Path) -> Fleet:
    docs = root / "桌面"
    docs.mkdir()
    (docs / "2026年信贷计划.txt").write_text(MARKED_DOC, encoding="utf-8")
    pcs = {
        host: make_pc(root / "homes", host, branch, role,
                      docs if host in ("城关-PC01", "东街-PC11") else None)
        for host, (branch, role) in PCS.items()
    }  # fmt: skip
    for month in ("2026-10", "2026-11", "2026-12"):
        year, mon = int(month[:4]), int(month[5:])
        for pc in pcs.values():
            if pc.host == "东街-PC12":
                continue
            # events early in the month, the monthly report on the 28th
            with fake_clock(datetime(year, mon, 5, 9, tzinfo=CST)) as clock:
                with Ledger(pc.config.home.ledger) as led:
                    month_events(led, pc, month)
                clock["now"] = datetime(year, mon, 28, 17, tzinfo=CST)
                if month == "2026-12" and pc.host in ("城关-PC01", "东街-PC11"):
                    pc.reports[month] = _selfcheck(pc, month)
                else:
                    with Ledger(pc.config.home.ledger) as led:
                        pc.reports[month] = _issue(pc, led, month)
    outsider = make_pc(root / "homes", "外来-PC99", "0101", "internet")
    with fake_clock(datetime(2026, 12, 5, 9, tzinfo=CST)) as clock:
        with Ledger(outsider.config.home.ledger) as led:
            month_events(led, outsider, "2026-12")
        clock["now"] = datetime(2026, 12, 28, 17, tzinfo=CST)
        with Ledger(outsider.config.home.ledger) as led:
            unknown = _issue(outsider, led, "2026-12")
    return _mail(root, pcs, outsider, unknown)


def _mail(root: Path, pcs: dict[str, Pc], outsider: Pc, unknown: Path) -> Fleet:
    from secaudit.report.sign import sign_report, split_signed

    mail = root / "mail"
    for pc in pcs.values():
        for month, path in pc.reports.items():
            if pc.host == "城关-PC03" and month == "2026-11":
                continue  # withheld
            folder = mail / pc.branch / month
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, folder / path.name)
            shutil.copy(path.with_name(path.name + ".minisig"), folder)
    bad = root / "bad"
    bad.mkdir()
    src = pcs["城关-PC01"].reports["2026-12"].read_bytes()
    flipped = bytearray(src)
    flipped[len(flipped) // 2] ^= 0x01
    tampered = bad / "城关-PC01-改.html"
    tampered.write_bytes(bytes(flipped))
    body, _ = split_signed(pcs["城关-PC02"].reports["2026-12"].read_bytes())
    resigned = bad / "城关-PC02-resigned.html"
    resigned.write_bytes(
        sign_report(body, load_signing_key(pcs["东街-PC11"].keys, passphrase=None))
    )
    pc11 = pcs["东街-PC11"]
    with fake_clock(datetime(2026, 12, 29, 9, tzinfo=CST)), Ledger(pc11.config.home.ledger) as led:
        conflicting = _issue(pc11, led, "again", since="2026-12-01")
    return Fleet(root, pcs, outsider, mail, tampered, resigned, unknown, conflicting)


def roster_csv(fleet: Fleet, path: Path) -> Path:
    """The roster as Excel saves it on Chinese Windows: GBK, CRLF; keys given three ways."""
    keys = path.parent / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    names = {"0101": "城关支行", "0202": "东街分理处"}
    roles = {"internet": "互联网", "classified": "涉密", "intranet": "内网"}
    lines = ["网点编号,网点名称,计算机名,类别,公钥"]
    for host, pc in fleet.pcs.items():
        if host == "城关-PC02":  # the minisign public key line itself
            key = (pc.keys / "secaudit.minisign.pub").read_text().splitlines()[1]
        elif host == "城关-PC03":  # a fingerprint pin; the key file is enrolled later
            from secaudit.report.keys import fingerprint, load_public_key

            key = fingerprint(load_public_key(pc.keys / "secaudit.pub"))
        elif host == "东街-PC12":
            key = ""
        else:
            shutil.copy(pc.keys / "secaudit.pub", keys / f"{host}.pub")
            key = f"keys/{host}.pub"
        lines.append(f"{pc.branch},{names[pc.branch]},{host},{roles[pc.role]},{key}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


@pytest.fixture(scope="session")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    return build_fleet(tmp_path_factory.mktemp("fleet"))


@pytest.fixture
def hq_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "总行"
    home.mkdir()
    monkeypatch.setenv("SECAUDIT_HOME", str(home))
    return home
