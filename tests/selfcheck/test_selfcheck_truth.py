"""Issue 13: the self-inspection tells the truth — verdict from all the period's evidence, host
role and connectivity, no duplicate violations across agent restarts. Real agent, real
loop-mounted sticks, real Thunderbird mbox, real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from secaudit.config import data_path
from secaudit.ledger import Ledger
from secaudit.report.keys import generate_keys
from secaudit.report.verify import embedded_data
from tests.agent.conftest import REPO, base_config, write_config
from tests.agent.helpers import marked_docx, marked_txt, mbox_entry, message_with_attachment

EXAMPLE = data_path("policies", "checklist-answers.example.yaml")


def _secaudit(home: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), *args],
                          capture_output=True, text=True, cwd=REPO, check=False, env=env)


def _answers(tmp_path: Path) -> Path:
    from secaudit.policy import load_policy

    f = tmp_path / "yes.yaml"
    f.write_text("".join(f"{c.id}: yes\n" for c in load_policy().checklist), encoding="utf-8")
    return f


@pytest.mark.root
@pytest.mark.timeout(180)
def test_agent_evidence_of_the_period_decides_the_verdict(tmp_path, make_image, start_agent):
    """A 机密 stick seen by the agent and a 机密 docx in Thunderbird's Sent to an outside address:
    the selfcheck (with a clean root and every manual item answered yes) is 不达标, and the media
    and mail rows say what the agent found — not 0 mails, not a pass."""
    stick = make_image("ext4", files={"（机密）计划.txt": marked_txt()})
    mail = tmp_path / "tb" / "Mail" / "Local Folders"
    mail.mkdir(parents=True)
    msg = message_with_attachment(marked_docx(), "信贷计划.docx", to="someone@outside.example")
    (mail / "Sent").write_bytes(mbox_entry(msg))
    docs = tmp_path / "桌面"
    docs.mkdir()
    (docs / "会议纪要.txt").write_text("本周工作安排如下。\n", encoding="utf-8")
    home = tmp_path / "home"
    write_config(home, base_config(agent={"removable_extra": [str(stick)], "roots": [str(docs)],
                                          "mail_stores": [str(tmp_path / "tb")]}))
    generate_keys(home / "keys", passphrase=None)
    agent = start_agent(home)
    agent.wait_for(lambda e: e.data.get("channel") == "removable_media", kinds=["violation"])
    agent.wait_for(lambda e: e.data.get("channel") == "email", kinds=["violation"], timeout=60)
    assert agent.stop() == 0

    out = tmp_path / "自查.html"
    res = _secaudit(home, "selfcheck", "--answers", str(_answers(tmp_path)), "--out", str(out))
    assert res.returncode == 0, res.stdout + res.stderr  # the report was issued
    assert "不达标" in res.stdout
    model = embedded_data(out.read_bytes())
    sc = model["selfcheck"]
    assert sc["verdict"] == "fails" and "SEC-" in sc["veto"]
    rows = {a["id"]: a for a in sc["automatic"]}
    assert rows["auto.media"]["score"] == 0.0 and "介质违规 0 项" not in rows["auto.media"]["note"]
    assert rows["auto.mail"]["score"] == 0.0 and "检查邮件 0 封" not in rows["auto.mail"]["note"]
    assert rows["auto.files"]["score"] == 1.0  # the root itself is clean
    assert any(v["channel"] == "email" for v in model["violations"])
    # --strict keeps the old "exit 1 unless 达标" for scripts that want it
    again = _secaudit(home, "selfcheck", "--answers", str(EXAMPLE), "--strict",
                      "--out", str(tmp_path / "b.html"))
    assert again.returncode == 1


def test_bare_machine_shows_what_was_not_examined(tmp_path: Path) -> None:
    """The README's first command on a machine with no agent, no roots, no mail, no probes: the
    report is issued and verifies (exit 0 for the && chain), and the output names every check
    it could not make instead of printing 达标 for it."""
    home = tmp_path / "home"
    write_config(home, {"agent": {"roots": [str(tmp_path / "none")], "mail_stores": []},
                        "connectivity": {"probes": []}})
    generate_keys(home / "keys", passphrase=None)
    out = tmp_path / "selfcheck.html"
    res = _secaudit(home, "selfcheck", "--answers", str(EXAMPLE), "--out", str(out))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "[未检查] 终端文件检查" in res.stdout
    assert "[未检查] 联网状态" in res.stdout and "联网状态未知" in res.stdout
    assert "[未检查] 电子邮件" in res.stdout
    assert "项自动检查未能进行" in res.stdout
    assert "[符合] 终端文件检查" not in res.stdout
    assert _secaudit(home, "verify", str(out)).returncode == 0
    model = embedded_data(out.read_bytes())
    assert len(model["selfcheck"]["not_checked"]) >= 3
    assert "未知（未配置外部探测目标）" in out.read_text(encoding="utf-8")
    cover = out.read_text(encoding="utf-8").split('id="summary"')[0]
    assert 'id="not-checked"' in cover and "终端文件检查" in cover


def test_intranet_role_decides_the_channel_and_connectivity_is_unknown(tmp_path: Path) -> None:
    """An intranet PC (default route or not, no probes): its 内部 file is not SEC-003 互联网计算机
    存储内部资料; its 机密 file is SEC-015; connectivity is recorded as unknown."""
    docs = tmp_path / "文档"
    docs.mkdir()
    (docs / "内部通知.txt").write_bytes(marked_txt("内部资料"))
    (docs / "任免.txt").write_bytes(marked_txt("机密★10年"))
    home = tmp_path / "home"
    write_config(home, {"host": {"role": "intranet"},
                        "agent": {"roots": [str(docs)], "mail_stores": []},
                        "connectivity": {"probes": []}})
    generate_keys(home / "keys", passphrase=None)
    res = _secaudit(home, "selfcheck", "--answers", str(EXAMPLE), "--out", str(tmp_path / "r.html"))
    assert res.returncode == 0, res.stderr
    with Ledger(home / "ledger.db", readonly=True) as led:
        rules = {e.data["rule"] for e in led.events(kinds=["violation"])}
        conn = [e.data for e in led.events(kinds=["connectivity"])]
        scans = [e.data for e in led.events(kinds=["scan_started"])]
    assert "SEC-003" not in rules and "SEC-001" not in rules
    assert "SEC-015" in rules
    assert conn and conn[-1]["connected"] is None and conn[-1]["decided_by"] == "unknown"
    assert {s["channel"] for s in scans if s["paths"] == [str(docs)]} == {"local"}


def test_probes_inside_the_intranet_do_not_count_as_internet() -> None:
    from secaudit.sources.connectivity import is_internal_target

    assert is_internal_target("oa.rcb.example:443", ["rcb.example"], ())
    assert is_internal_target("10.1.2.3:80", [], ("10.0.0.0/8",))
    assert not is_internal_target("www.example.com:443", ["rcb.example"], ("10.0.0.0/8",))
    assert not is_internal_target("127.0.0.1:9", [], ())  # tests' stand-in for the internet


@pytest.mark.root
@pytest.mark.timeout(240)
def test_three_restarts_with_sticks_mounted_add_no_duplicates(tmp_path, make_image, start_agent):
    sticks = [
        make_image("ext4", name=f"s{i}", files={f"（机密）计划{j}.txt": marked_txt()
                                                for j in range(3)})
        for i in range(2)
    ]
    home = tmp_path / "home"
    write_config(home, base_config(agent={"removable_extra": [str(s) for s in sticks]}))
    generate_keys(home / "keys", passphrase=None)
    counts = []
    for rnd in range(4):  # first start + three restarts
        agent = start_agent(home)
        want = 2 * (rnd + 1)  # each agent scans both sticks once at start
        agent.wait_for(lambda e, a=agent, want=want: sum(
            1 for x in a.events(["scan_finished"]) if x.data.get("channel") ==
            "removable_media") >= want, kinds=["scan_finished"], timeout=60)
        assert agent.stop() == 0
        counts.append(len(agent.events(["violation"])))
    with Ledger(home / "ledger.db", readonly=True) as led:
        kinds = [e.kind for e in led.events()]
        violations = [e.data for e in led.events(kinds=["violation"])]
    assert counts[0] == counts[-1], counts  # restarts added no violation
    assert len({v["key"] for v in violations}) == len(violations)
    assert kinds.count("media_inserted") == 2 and kinds.count("media_seen_again") == 6
    assert kinds.count("violation_repeated") >= 3
    out = tmp_path / "r.html"
    assert _secaudit(home, "report", "--out", str(out)).returncode == 0
    model = embedded_data(out.read_bytes())
    assert len(model["violations"]) == len(violations)
    assert len(model["findings"]) == 6  # 2 sticks × 3 files, however often rescanned
    assert sum(1 for m in model["media"] if m["event"] == "seen_again") == 6
    assert any(v["count"] > 1 and v["last_seen"] >= v["first_seen"] for v in model["violations"])
    row = next(v for v in model["violations"] if v["rule"] == "SEC-005")
    assert row["medium"]["fs_uuid"] and row["medium"]["registered"] is False
    html = out.read_text(encoding="utf-8")
    assert "未登记" in html and row["medium"]["fs_uuid"] in html


def test_a_truncated_page_has_a_complete_signed_csv_beside_it(tmp_path: Path) -> None:
    from secaudit.config import load_config
    from secaudit.report.build import ReportRequest
    from secaudit.report.issue import issue_report

    home = tmp_path / "home"
    home.mkdir()
    generate_keys(home / "keys", passphrase=None)
    config = load_config(home)
    with Ledger(config.home.ledger) as led:
        led.append_many(
            ("violation", {"rule": "SEC-004", "severity": "high", "title": "t", "channel":
                           "removable_media", "path": f"/media/u/{i}.txt", "member": None})
            for i in range(1005)
        )
        issued = issue_report(config, led, ReportRequest(), out=tmp_path / "r.html")
    extra = json.loads(json.dumps(issued.model["complete_list"]))
    csv_path = tmp_path / extra["name"]
    assert csv_path.exists() and (tmp_path / (extra["name"] + ".minisig")).exists()
    assert csv_path.read_text(encoding="utf-8-sig").count("\nviolation,") == 1005
    assert extra["name"] in issued.path.read_text(encoding="utf-8")


@pytest.mark.root
@pytest.mark.timeout(180)
def test_remount_is_an_insertion_but_not_new_violations(tmp_path, make_image, start_agent):
    """Pulling and re-plugging the same unchanged stick: a real removal and insertion are
    recorded, its violations already judged in the period are folded (violation_repeated)."""
    from tests.agent.conftest import unmount

    stick = make_image("ext4", files={"（机密）计划.txt": marked_txt()})
    home = tmp_path / "home"
    write_config(home, base_config(agent={"removable_extra": [str(stick)]}))
    agent = start_agent(home)
    agent.wait_for(lambda e: e.data.get("channel") == "removable_media", kinds=["violation"])
    before = len(agent.events(["violation"]))
    unmount(stick)
    agent.wait_for(lambda e: True, kinds=["media_removed"])
    subprocess.run(["mount", "-o", "loop", str(tmp_path / "usb.img"), str(stick)], check=True)
    agent.wait_for(lambda e: True, kinds=["violation_repeated"], timeout=60)
    assert agent.stop() == 0
    kinds = [e.kind for e in agent.events()]
    assert kinds.count("media_inserted") == 2 and kinds.count("media_removed") == 1
    assert len(agent.events(["violation"])) == before
