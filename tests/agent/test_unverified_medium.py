"""Issue 12, finding 12: a stick is not "registered" on a filesystem UUID alone.

Two real loop-mounted ext4 images made with ``mkfs.ext4 -U <the registered UUID>``: the genuine
涉密专用 disk also has its hardware serial (given through a udev database file, as udev keeps it
for a USB disk), the copy has none. Only the genuine one is registered; the copy is an
"unverified medium" in the ledger event and the signed report, and the policy treats it as not
registered (SEC-005 for a secret file on it, SEC-016 on a classified PC).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from secaudit.context import ScanContext
from secaudit.model import Channel, HostRole
from secaudit.policy import load_policy
from secaudit.policy.evaluate import evaluate_medium
from secaudit.report.verify import embedded_data
from secaudit.sources.removable import identify_medium, read_mountinfo, removable_mounts
from tests.agent.conftest import REPO, base_config, write_config
from tests.agent.helpers import marked_txt

pytestmark = [pytest.mark.root, pytest.mark.timeout(120)]

UUID = "0f5c2e8a-7d41-4b6e-9a13-2c8d4e6f1a20"  # policies/media.yaml: 涉密专用移动硬盘-02
SERIAL = "EXAMPLE-CLS-0002"


def _entry(mp: Path):  # noqa: ANN202
    return removable_mounts([str(mp)], entries=read_mountinfo())[str(mp)]


def test_same_uuid_without_the_serial_is_only_unverified(make_image, tmp_path: Path) -> None:
    genuine = make_image("ext4", uuid=UUID, name="genuine")
    forged = make_image("ext4", uuid=UUID, name="forged")
    udev = tmp_path / "udev"
    udev.mkdir()
    real = _entry(genuine)
    (udev / f"b{real.devno}").write_text(f"E:ID_SERIAL_SHORT={SERIAL}\nE:ID_BUS=usb\n", "utf-8")
    policy = load_policy()
    a = identify_medium(real, udev_root=udev)
    b = identify_medium(_entry(forged), udev_root=udev)
    assert a.fs_uuid == b.fs_uuid == UUID and a.serial == SERIAL and b.serial == ""
    assert policy.lookup_medium(a.serial, a.fs_uuid) == (True, "classified")
    assert policy.unverified_entry(a.serial, a.fs_uuid) is None
    assert policy.lookup_medium(b.serial, b.fs_uuid) == (False, None)
    lookalike = policy.unverified_entry(b.serial, b.fs_uuid)
    assert lookalike is not None and lookalike.label == "涉密专用移动硬盘-02"
    ctx = ScanContext(channel=Channel.REMOVABLE_MEDIA, host_role=HostRole.CLASSIFIED)
    ok = replace(a, registered=True, registered_role="classified")
    assert [v.rule for v in evaluate_medium(policy, ok, replace(ctx, medium=ok))] == []
    fake = replace(b, unverified="涉密专用移动硬盘-02")
    assert "SEC-016" in [v.rule for v in evaluate_medium(policy, fake, replace(ctx, medium=fake))]


def test_agent_and_report_show_the_unverified_medium(make_image, tmp_path, start_agent) -> None:
    mp = make_image("ext4", uuid=UUID, files={"计划.txt": marked_txt()})
    home = tmp_path / "h"
    write_config(home, base_config(host={"role": "classified"},
                                   agent={"removable_extra": [str(mp)]}))
    agent = start_agent(home)
    inserted = agent.wait_for(lambda e: True, kinds=["media_inserted"])
    medium = inserted.data["medium"]
    assert medium["registered"] is False and medium["unverified"] == "涉密专用移动硬盘-02"
    agent.wait_for(lambda e: e.data.get("rule") == "SEC-016", kinds=["violation"])
    agent.wait_for(lambda e: e.data.get("rule") == "SEC-005", kinds=["violation"])
    assert agent.stop() == 0

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), *args],
                              capture_output=True, text=True, cwd=REPO, timeout=120, check=False)

    assert cli("keygen").returncode == 0
    out = tmp_path / "r.html"
    assert cli("report", "--out", str(out)).returncode == 0
    html = out.read_text(encoding="utf-8")
    assert "未验证介质" in html and "涉密专用移动硬盘-02" in html
    media = embedded_data(out.read_bytes())["media"]
    assert media[0]["medium"]["unverified"] == "涉密专用移动硬盘-02"
