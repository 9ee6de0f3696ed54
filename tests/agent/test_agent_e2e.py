"""The agent as a real process: mounted images, files copied, mail appended, probes, signals.

Each test writes a config into a tmp home, starts ``python -m secaudit --home H agent`` and polls
the ledger (bounded waits) for the event the policy must produce (rule ids from
policies/default.yaml: SEC-005 state secret on a non-classified medium, SEC-006 classified medium
on an internet host, SEC-008 state secret mailed outside, SEC-011 classified host connected,
SEC-012 medium cross-used).
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.agent.conftest import REPO, base_config, unmount, write_config
from tests.agent.helpers import marked_docx, marked_txt, mbox_entry, message_with_attachment

pytestmark = [pytest.mark.root, pytest.mark.timeout(120)]

CLASSIFIED_UUID = "0f5c2e8a-7d41-4b6e-9a13-2c8d4e6f1a20"  # policies/media.yaml: 涉密专用


def _violation(rule: str, path_part: str | None = None):  # noqa: ANN202
    def pred(ev) -> bool:  # noqa: ANN001
        return ev.data.get("rule") == rule and (
            path_part is None or path_part in (ev.data.get("path") or ""))
    return pred


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=60, check=False)


@pytest.mark.parametrize("fstype", ["ext4", "vfat"])
def test_marked_file_on_mounted_and_written_media(tmp_path, make_image, start_agent, fstype):
    mp = make_image(fstype, files={"计划/plan.txt": marked_txt()})
    home = tmp_path / "h"
    write_config(home, base_config(agent={"removable_extra": [str(mp)]}))
    agent = start_agent(home)

    inserted = agent.wait_for(lambda e: e.data["medium"]["mountpoint"] == str(mp),
                              kinds=["media_inserted"])
    assert inserted.data["medium"]["fstype"] == fstype
    assert inserted.data["medium"]["fs_uuid"]
    first = agent.wait_for(_violation("SEC-005", "plan.txt"), kinds=["violation"])
    assert first.data["channel"] == "removable_media" and first.data["level"] == "secret"

    (mp / "（机密）新计划.docx").write_bytes(marked_docx())
    copied = agent.wait_for(_violation("SEC-005", "新计划.docx"), kinds=["violation"])
    assert copied.data["channel"] == "removable_media"

    status = json.loads(_cli(home, "status", "--json").stdout)
    assert status["running"] and any(m["mountpoint"] == str(mp) for m in status["media"])

    unmount(mp)
    agent.wait_for(lambda e: e.data["medium"]["mountpoint"] == str(mp), kinds=["media_removed"])
    assert agent.stop() == 0
    assert [e.kind for e in agent.events(["agent_stopped"])] == ["agent_stopped"]
    assert _cli(home, "status").returncode == 1
    assert _cli(home, "ledger", "verify").returncode == 0


def test_polling_observer_sees_writes(tmp_path, make_image, start_agent):
    mp = make_image("ext4")
    home = tmp_path / "h"
    write_config(home, base_config(agent={"removable_extra": [str(mp)], "watch_polling": True}))
    agent = start_agent(home)
    agent.wait_for(lambda e: True, kinds=["media_inserted"])
    (mp / "a.txt").write_bytes(marked_txt("绝密★长期"))
    ev = agent.wait_for(_violation("SEC-005", "a.txt"), kinds=["violation"])
    assert ev.data["level"] == "top_secret"


def test_registered_classified_medium_cross_used_after_reload(tmp_path, make_image, start_agent):
    mp = make_image("ext4", uuid=CLASSIFIED_UUID)
    home = tmp_path / "h"
    cfg = base_config(host={"role": "classified"}, agent={"removable_extra": [str(mp)]})
    write_config(home, cfg)
    agent = start_agent(home)
    first = agent.wait_for(lambda e: True, kinds=["media_inserted"])
    # a loop image has no hardware serial: the registered UUID alone makes it only "unverified"
    # (issue 12 #12; tests/agent/test_unverified_medium.py has the genuine one with its serial)
    assert first.data["medium"]["registered"] is False
    assert first.data["medium"]["unverified"] == "涉密专用移动硬盘-02"
    agent.wait_for(_violation("SEC-016"), kinds=["violation"])

    # The same stick later on an internet PC (config changed, SIGHUP reloads it).
    unmount(mp)
    agent.wait_for(lambda e: True, kinds=["media_removed"])
    cfg["host"]["role"] = "internet"
    write_config(home, cfg)
    agent.signal(signal.SIGHUP)
    reloaded = agent.wait_for(lambda e: True, kinds=["agent_reloaded"])
    assert reloaded.data["role"] == "internet"
    image = next(mp.parent.glob("usb.img"))
    subprocess.run(["mount", "-o", "loop", str(image), str(mp)], check=True)
    cross = agent.wait_for(_violation("SEC-012"), kinds=["violation"])  # by the UUID's history
    assert set(cross.data["detail"]["medium"]["seen_roles"]) >= {"classified", "internet"}


def test_marked_attachment_appended_to_sent_mbox(tmp_path, start_agent):
    folder = tmp_path / "tb" / "abcd.default-release" / "Mail" / "Local Folders"
    folder.mkdir(parents=True)
    sent = folder / "Sent"
    old = message_with_attachment(b"plain", "readme.txt", msg_id="<old@rcb.example>")
    sent.write_bytes(mbox_entry(old))
    (folder / "Sent.msf").write_bytes(b"// index")
    home = tmp_path / "h"
    write_config(home, base_config(agent={"mail_stores": [str(tmp_path / "tb")]}))
    agent = start_agent(home)
    agent.wait_for(lambda e: e.data["mail"]["message_id"] == "<old@rcb.example>",
                   kinds=["mail_scanned"])

    msg = message_with_attachment(marked_docx(), "2025信贷计划.docx", msg_id="<new@rcb.example>")
    with sent.open("ab") as fh:
        fh.write(mbox_entry(msg))
    ev = agent.wait_for(_violation("SEC-008"), kinds=["violation"])
    assert ev.data["channel"] == "email" and ev.data["level"] == "secret"
    scanned = agent.wait_for(lambda e: e.data["mail"]["message_id"] == "<new@rcb.example>",
                             kinds=["mail_scanned"])
    assert scanned.data["attachments"] == ["2025信贷计划.docx"]
    assert scanned.data["mail"]["to"] == ["partner@example.com"]
    assert scanned.data["classification"] == "secret" and scanned.data["violations"] >= 1
    # The old message is not scanned again.
    assert len(agent.events(["mail_scanned"])) == 2


def test_classified_host_gets_connectivity(tmp_path, start_agent):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # bound, not listening yet: connects are refused
    port = listener.getsockname()[1]
    home = tmp_path / "h"
    write_config(home, base_config(host={"role": "classified"},
                                   connectivity={"probes": [f"127.0.0.1:{port}"]}))
    try:
        agent = start_agent(home)
        off = agent.wait_for(lambda e: True, kinds=["connectivity"])
        assert off.data["connected"] is False and off.data["decided_by"] == "probes"
        assert not agent.events(["violation"])
        listener.listen(8)
        ev = agent.wait_for(_violation("SEC-011"), kinds=["violation"])
        assert ev.data["severity"] == "critical"
        on = [e for e in agent.events(["connectivity"]) if e.data["connected"]]
        assert on and on[0].data["previous"] is False
        assert on[0].data["probes"][0]["ok"] is True
    finally:
        listener.close()


def test_once_mode_and_cli(tmp_path, make_image):
    mp = make_image("ext4", files={"x.txt": marked_txt("秘密")})
    home = tmp_path / "h"
    write_config(home, base_config(agent={"removable_extra": [str(mp)]}))
    res = _cli(home, "agent", "--once")
    assert res.returncode == 0, res.stderr
    show = _cli(home, "ledger", "show", "--kind", "violation")
    assert "SEC-005" in show.stdout and "x.txt" in show.stdout
    lines = _cli(home, "ledger", "export", "--kind", "media_inserted,agent_stopped").stdout
    kinds = [json.loads(line)["kind"] for line in lines.splitlines()]
    assert kinds == ["media_inserted", "agent_stopped"]
    assert _cli(home, "ledger", "show", "--kind", "nonsense").returncode == 2


def test_systemd_unit_verifies(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    unit = (REPO / "packaging" / "secaudit.service").read_text()
    assert "ExecStart=/usr/local/bin/secaudit agent" in unit
    for line in ("NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/secaudit",
                 "PrivateTmp=yes", "ProtectHome=read-only", "Restart=on-failure"):
        assert line in unit
    # Verify the unit as written, its ExecStart pointing at this checkout's secaudit.
    exe = Path(sys.executable).with_name("secaudit")
    if not exe.exists():
        pytest.skip(f"{exe} not installed")
    local = tmp_path / "secaudit.service"
    local.write_text(unit.replace("/usr/local/bin/secaudit", str(exe)))
    res = subprocess.run([analyze, "verify", str(local)], capture_output=True, text=True,
                         timeout=60, check=False)
    assert res.returncode == 0, res.stderr


def test_internet_host_roots_scanned_and_watched_when_connected(tmp_path, start_agent):
    desk = tmp_path / "user" / "桌面"
    desk.mkdir(parents=True)
    (desk / "旧文件.txt").write_bytes(marked_txt("机密★5年"))
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        home = tmp_path / "h"
        write_config(home, base_config(
            host={"role": "internet"}, agent={"roots": [str(desk)]},
            connectivity={"probes": [f"127.0.0.1:{listener.getsockname()[1]}"]}))
        agent = start_agent(home)
        old = agent.wait_for(_violation("SEC-001", "旧文件.txt"), kinds=["violation"])
        assert old.data["channel"] == "internet_host"
        (desk / "新文件.docx").write_bytes(marked_docx("绝密★长期"))
        new = agent.wait_for(_violation("SEC-001", "新文件.docx"), kinds=["violation"])
        assert new.data["level"] == "top_secret"
        assert not [e for e in agent.events(["violation"]) if e.data["rule"] == "SEC-011"]



def test_internet_role_host_roots_scanned_even_while_offline(tmp_path, start_agent):
    """An internet computer that is offline now still holds what goes online with it."""
    desk = tmp_path / "user" / "Desktop"
    desk.mkdir(parents=True)
    (desk / "计划.txt").write_bytes(marked_txt("秘密★1年"))
    home = tmp_path / "h"
    # base_config points the probe at a closed loopback port: the host is offline
    write_config(home, base_config(host={"role": "internet"}, agent={"roots": [str(desk)]}))
    agent = start_agent(home)
    hit = agent.wait_for(_violation("SEC-001", "计划.txt"), kinds=["violation"])
    assert hit.data["channel"] == "internet_host"
    assert agent.events(["connectivity"])[0].data["connected"] is False
    (desk / "新.txt").write_bytes(marked_txt("机密★2年"))
    agent.wait_for(_violation("SEC-001", "新.txt"), kinds=["violation"])
