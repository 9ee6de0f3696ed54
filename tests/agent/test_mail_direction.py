"""Sent and received mail told apart in every store kind (issue 13 item 3): received mail is
judged as mail this host stores, sent mail as sending; violation rows name the recipients."""

from __future__ import annotations

from pathlib import Path

import pytest

from secaudit.config import load_config
from secaudit.ledger import Ledger
from secaudit.policy import load_policy
from secaudit.scan.scanner import Scanner
from secaudit.sources.mailstores import find_mail_stores, scan_mail_once
from tests.agent.helpers import marked_docx, mbox_entry, message_with_attachment

SECRET = marked_docx("秘密★5年")


def _received(msg: bytes) -> bytes:
    return b"Received: from mx.rcb.example by mail.rcb.example; Sat, 29 Nov 2026 10:00:01 +0800\n" \
        + msg


def _scan(tmp_path: Path, roots: list[Path], *, role: str = "intranet",
          addresses: tuple[str, ...] = ()) -> tuple[list[dict], list[dict]]:
    home = tmp_path / "h"
    home.mkdir(exist_ok=True)
    stores = ", ".join(f'"{r}"' for r in roots)
    lines = [f'[host]\nrole = "{role}"\n[agent]\nmail_stores = [{stores}]\n']
    if addresses:
        lines.append("mail_addresses = [" + ", ".join(f'"{a}"' for a in addresses) + "]\n")
    (home / "config.toml").write_text("".join(lines), encoding="utf-8")
    config = load_config(home)
    config.home.ensure()
    policy = load_policy()
    stores = find_mail_stores(config.agent)
    with Ledger(config.home.ledger) as led, Scanner(config, policy, ledger=led, workers=1) as sc:
        mails = scan_mail_once(sc, policy, config, led, stores)
        violations = [e.data for e in led.events(kinds=["violation"])]
    return mails, violations


@pytest.mark.timeout(120)
def test_thunderbird_mbox_folders(tmp_path: Path) -> None:
    local = tmp_path / "tb" / "xyz.default" / "Mail" / "Local Folders"
    local.mkdir(parents=True)
    out = message_with_attachment(SECRET, "方案.docx", to="王五 <wangwu@outside.example>",
                                  msg_id="<s1@rcb.example>")
    inbound = _received(message_with_attachment(
        SECRET, "来文.docx", to="张三 <zhangsan@rcb.example>", msg_id="<r1@rcb.example>"))
    (local / "已发送").write_bytes(mbox_entry(out))
    (local / "Inbox").write_bytes(mbox_entry(inbound))
    mails, violations = _scan(tmp_path, [tmp_path / "tb"])
    by_id = {m["mail"]["message_id"]: m for m in mails}
    assert by_id["<s1@rcb.example>"]["direction"] == "sent"
    assert by_id["<r1@rcb.example>"]["direction"] == "received"
    sent_rules = {v["rule"] for v in violations if v["path"].endswith("已发送#0")}
    recv = [v for v in violations if "/Inbox#" in v["path"]]
    assert "SEC-008" in sent_rules  # 秘密 to an outside address
    assert recv and {v["channel"] for v in recv} == {"local"}
    assert not any(v["rule"] in ("SEC-007", "SEC-008", "SEC-009") for v in recv)
    sent = next(v for v in violations if v["rule"] == "SEC-008")
    assert "wangwu@outside.example" in str(sent["detail"]["mail"]["to"])


@pytest.mark.timeout(120)
def test_maildir_root_is_the_inbox_and_its_sent_folders_are_read(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    for folder in (root, root / ".Sent", root / ".Sent Items"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True)
    (root / "new" / "1.M1.h").write_bytes(_received(message_with_attachment(
        SECRET, "来文.docx", to="lisi@rcb.example", msg_id="<in@x>")))
    (root / ".Sent" / "cur" / "2.M2.h:2,S").write_bytes(message_with_attachment(
        SECRET, "方案.docx", to="lisi@rcb.example", msg_id="<out@x>"))
    (root / ".Sent Items" / "cur" / "3.M3.h:2,S").write_bytes(message_with_attachment(
        SECRET, "方案2.docx", to="x@outside.example", msg_id="<out2@x>"))
    mails, violations = _scan(tmp_path, [root], role="internet")
    way = {m["mail"]["message_id"]: m["direction"] for m in mails}
    assert way == {"<in@x>": "received", "<out@x>": "sent", "<out2@x>": "sent"}
    inbox = [v for v in violations if v["path"].startswith(str(root / "new"))]
    assert {v["rule"] for v in inbox} == {"SEC-001"}  # stored on an internet PC, not "sent"
    assert {v["channel"] for v in inbox} == {"internet_host"}
    assert any(v["rule"] == "SEC-007" for v in violations if "/.Sent/" in v["path"])


@pytest.mark.timeout(120)
def test_eml_folder_judged_by_the_hosts_own_addresses(tmp_path: Path) -> None:
    """An exported .eml folder: a Thunderbird identity (prefs.js) in From → sent; in To →
    received, whatever the folder is called."""
    profile = tmp_path / "tb" / "abc.default"
    exports = profile / "exports"
    exports.mkdir(parents=True)
    (profile / "prefs.js").write_text(
        'user_pref("mail.identity.id1.useremail", "zhangsan@rcb.example");\n', encoding="utf-8")
    (exports / "out.eml").write_bytes(message_with_attachment(
        SECRET, "方案.docx", to="x@outside.example", msg_id="<o@x>"))
    mine = message_with_attachment(SECRET, "来文.docx", to="zhangsan@rcb.example",
                                   msg_id="<i@x>").replace(
        b"From: =?utf-8?b?5byg5LiJ?= <zhangsan@rcb.example>", b"From: boss@partner.example")
    (exports / "in.eml").write_bytes(mine)
    mails, _ = _scan(tmp_path, [tmp_path / "tb"])
    way = {m["mail"]["message_id"]: m["direction"] for m in mails}
    assert way == {"<o@x>": "sent", "<i@x>": "received"}
