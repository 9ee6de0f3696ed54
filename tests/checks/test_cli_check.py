"""``secaudit check`` on a host set up as an intranet PC that was used wrongly: browser visits to
non-internal hosts (real chromium and firefox-esr profiles), a remote-control package installed by
the real dpkg, a Wi-Fi profile, no screen lock and a marked document in GLib's recent list.
Each is named with the value observed; the results are one ``host_check`` event in the ledger."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from secaudit.cli import main
from secaudit.config import data_path, load_config
from secaudit.ledger import Ledger
from tests.sources import artifacts
from tests.sources.conftest import install_profiles

MARKED = "/media/u/KINGSTON/（机密）2024年信贷计划.docx"
NEEDS = pytest.mark.skipif(
    not (artifacts.CHROMIUM and artifacts.FIREFOX and shutil.which("dpkg-deb")
         and artifacts.glib_available()),
    reason="needs chromium, firefox-esr, dpkg-deb and libglib (install.sh --dev)",
)


def _policy(tmp_path: Path) -> Path:
    """The shipped policy, except that loopback is not internal (the test's pages are there)."""
    folder = tmp_path / "policies"
    shutil.copytree(data_path("policies"), folder, ignore=shutil.ignore_patterns("tests"))
    path = folder / "default.yaml"
    text = path.read_text(encoding="utf-8")
    assert "127.0.0.0/8, " in text
    path.write_text(text.replace("127.0.0.0/8, ", ""), encoding="utf-8")
    return path


def _intranet_pc(tmp_path: Path, profiles: dict[str, Path]) -> Path:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    install_profiles(root, profiles)
    artifacts.dpkg_install(root, tmp_path, "anydesk", "6.3.0")
    artifacts.wifi_keyfile(root, "Office-WiFi", "营业厅-WiFi",
                           "2b1a4c7e-3f1d-4d55-9a2b-6c0e1f2a3b4c", 1764000000)
    artifacts.write(root, "/etc/dconf/db/local.d/00-screensaver",
                    "[org/gnome/desktop/screensaver]\nlock-enabled=false\n")
    artifacts.write_xbel(root / "home/u/.local/share/recently-used.xbel",
                         ["file://" + quote(MARKED)])
    return root


@pytest.fixture
def home_with_ledger(home: Path, tmp_path: Path) -> Path:
    policy = _policy(tmp_path)
    (home / "config.toml").write_text(
        f'[host]\nrole = "intranet"\n\n[policy]\npath = "{policy}"\n', encoding="utf-8")
    with Ledger(load_config(home).home.ledger) as led:
        led.append("finding", {"path": MARKED, "sha256": "ab" * 32, "classification": "secret",
                               "findings": [], "channel": "removable_media"})
    return home


@NEEDS
def test_check_names_each_finding_with_its_value(
    home_with_ledger: Path, tmp_path: Path, browser_profiles: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = _intranet_pc(tmp_path, browser_profiles)
    assert main(["check", "--root", str(root), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    checks = {c["id"]: c for c in doc["checks"]}
    assert doc["schema"] == "secaudit.check/1" and doc["role"] == "intranet"

    web = checks["HC-01"]
    assert web["outcome"] == "fail"
    seen = {(d["host"], d["browser"]): d for d in web["details"]}
    assert set(seen) == {(h, b) for h in ("127.0.0.1", "localhost")
                         for b in ("Chromium", "Firefox")}
    assert all(d["count"] == 1 and d["first"] == d["last"] for d in seen.values())
    assert "index.html" not in json.dumps(doc, ensure_ascii=False)  # no URL paths or queries
    assert "127.0.0.1（Chromium，1 次，首次 " in web["observed_text"]

    assert checks["HC-02"]["outcome"] == "fail"
    assert checks["HC-02"]["observed"][0].startswith("营业厅-WiFi（wifi，最近使用 2025-11-")
    assert checks["HC-07"]["outcome"] == "fail"
    assert checks["HC-07"]["observed"] == ["AnyDesk：anydesk 6.3.0（dpkg）"]
    assert (checks["HC-14"]["outcome"], checks["HC-14"]["observed"]) == ("fail", False)
    assert checks["HC-11"]["outcome"] == "fail"
    assert checks["HC-11"]["observed"] == [
        f"{MARKED}（机密，u，recently-used.xbel (wps)，文件已不存在）"]
    assert checks["HC-08"]["outcome"] == "not_checked"  # processes: only on the live host
    assert checks["HC-05"]["outcome"] == "not_applicable"

    assert main(["check", "--root", str(root)]) == 1
    table = capsys.readouterr().out
    for text in ("[不符合] HC-01", "localhost（Firefox，1 次", "[不符合] HC-07",
                 "AnyDesk：anydesk 6.3.0", "营业厅-WiFi", "[不符合] HC-14 中 未启用屏幕锁定",
                 "实际值：否", MARKED, "整改："):
        assert text in table, text

    with Ledger(load_config(home_with_ledger).home.ledger, readonly=True) as led:
        events = list(led.events(kinds=["host_check"]))
        assert len(events) == 2 and led.verify() >= 3
    assert events[0].data["summary"] == doc["summary"]
    assert events[0].data["policy"]["id"] == "rcb-default"


def test_check_on_a_compliant_host_exits_0(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = data_path("policies", "tests", "fixtures", "compliant-pc")
    assert main(["check", "--root", str(fixture), "--role", "classified", "--no-ledger"]) == 0
    out = capsys.readouterr().out
    assert "不符合 0 项" in out and "[符合] HC-21 高 涉密计算机未禁用 USB 存储设备驱动" in out
    assert not load_config(home).home.ledger.exists()


def test_bad_root_is_a_usage_error(home: Path, tmp_path: Path) -> None:
    assert main(["check", "--root", str(tmp_path / "missing")]) == 2
