"""Mail stores: discovery in a Thunderbird-like tree, incremental reading, scanning as e-mail."""

from __future__ import annotations

from pathlib import Path

import pytest

from secaudit.config import AgentConfig, load_config
from secaudit.ledger import Ledger
from secaudit.policy import load_policy
from secaudit.scan.scanner import Scanner
from secaudit.sources.mailread import read_item
from secaudit.sources.mailstores import (
    MailState,
    commit,
    find_mail_stores,
    iter_new_messages,
    scan_mail_once,
)
from tests.agent.helpers import marked_docx, mbox_entry, message_with_attachment


def _profile(root: Path) -> dict[str, Path]:
    local = root / "xyz.default" / "Mail" / "Local Folders"
    local.mkdir(parents=True)
    imap = root / "xyz.default" / "ImapMail" / "imap.rcb.example"
    imap.mkdir(parents=True)
    paths = {
        "sent": local / "Sent", "unsent": local / "Unsent Messages", "inbox": local / "Inbox",
        "cn_sent": imap / "已发送", "msf": local / "Sent.msf",
        "maildir": root / "maildir" / ".Sent", "emls": root / "exports",
    }
    for key in ("sent", "unsent", "inbox", "cn_sent", "msf"):
        paths[key].write_bytes(b"")
    for sub in ("cur", "new", "tmp"):
        (paths["maildir"] / sub).mkdir(parents=True)
    paths["emls"].mkdir()
    (paths["emls"] / "a.eml").write_bytes(message_with_attachment(b"x", "a.txt"))
    return paths


def test_find_mail_stores(tmp_path: Path) -> None:
    p = _profile(tmp_path / "tb")
    stores = set(find_mail_stores(AgentConfig(mail_stores=(str(tmp_path / "tb"),))))
    assert stores == {p["sent"], p["unsent"], p["inbox"], p["cn_sent"], p["maildir"], p["emls"]}
    assert find_mail_stores(AgentConfig(mail_stores=(str(tmp_path / "missing"),))) == []


def test_mbox_is_read_incrementally(tmp_path: Path) -> None:
    sent = tmp_path / "Sent"
    first = message_with_attachment(b"a", "a.txt", msg_id="<1@x>")
    sent.write_bytes(mbox_entry(first))
    state = MailState(tmp_path / "state.json")

    def drain() -> list[bytes]:
        out = []
        for item in iter_new_messages(sent, state):
            out.append(read_item(item, 1 << 20))
            commit(sent, state, item)
        return out

    assert [b"<1@x>" in d for d in drain()] == [True]
    assert drain() == []
    second = mbox_entry(message_with_attachment(b"b", "b.txt", msg_id="<2@x>"))
    with sent.open("ab") as fh:
        fh.write(second[:200])  # half written: nothing yet
    assert drain() == []
    with sent.open("ab") as fh:
        fh.write(second[200:])
    got = drain()
    assert len(got) == 1 and b"<2@x>" in got[0] and not got[0].startswith(b"From ")
    state.save()
    assert MailState(tmp_path / "state.json").store(sent)["offset"] == sent.stat().st_size


@pytest.mark.timeout(120)
def test_scan_mail_once_records_evidence(tmp_path: Path) -> None:
    config = load_config(tmp_path / "h")
    config.home.ensure()
    policy = load_policy()
    sent = tmp_path / "Sent"
    msg = message_with_attachment(marked_docx("秘密★5年"), "方案.docx",
                                  to="李四 <lisi@rcb.example>", msg_id="<m1@rcb.example>")
    sent.write_bytes(mbox_entry(msg))
    maildir = tmp_path / "md"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1700000000.M1.host").write_bytes(
        message_with_attachment(b"hello", "note.txt", msg_id="<m2@rcb.example>"))
    with Ledger(config.home.ledger) as led, Scanner(config, policy, ledger=led, workers=1) as sc:
        results = scan_mail_once(sc, policy, config, led, [sent, maildir])
        assert [r["mail"]["message_id"] for r in results] == ["<m1@rcb.example>",
                                                              "<m2@rcb.example>"]
        assert results[0]["classification"] == "confidential"
        assert results[0]["attachments"] == ["方案.docx"] and results[0]["violations"] >= 1
        assert results[1]["classification"] == "none" and results[1]["violations"] == 0
        rules = {e.data["rule"] for e in led.events(kinds=["violation"])}
        assert "SEC-007" in rules  # internal recipient, marked attachment
        # Maildir renames new/x -> cur/x:2,S when read: not a new message.
        (maildir / "new" / "1700000000.M1.host").rename(maildir / "cur" / "1700000000.M1.host:2,S")
        # A compacted mbox (same bytes, new inode) is not reported twice.
        sent.unlink()
        sent.write_bytes(mbox_entry(msg))
        assert scan_mail_once(sc, policy, config, led, [sent, maildir]) == []
        assert len(list(led.events(kinds=["mail_scanned"]))) == 2
        led.verify()


@pytest.mark.timeout(120)
def test_msg_file_in_a_mail_folder_lists_its_attachments(tmp_path: Path, samples: Path) -> None:
    """An Outlook .msg saved in an export folder is scanned as mail; its attachment names are in
    the mail_scanned evidence (the real sample carries an attached message and a PDF)."""
    config = load_config(tmp_path / "h")
    config.home.ensure()
    policy = load_policy()
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "报价.msg").write_bytes((samples / "msg_with_pdf_attachment.msg").read_bytes())
    with Ledger(config.home.ledger) as led, Scanner(config, policy, ledger=led, workers=1) as sc:
        results = scan_mail_once(sc, policy, config, led, [exports])
        assert len(results) == 1
        names = results[0]["attachments"]
        assert len(names) == 2 and any(n.lower().endswith(".pdf") for n in names)
        # the same names the extractor gives the members it scanned
        assert set(names) <= {m.split("/")[0] for m in sc_members(sc, exports / "报价.msg")}
        [event] = led.events(kinds=["mail_scanned"])
        assert event.data["attachments"] == names


def sc_members(scanner: Scanner, path: Path) -> list[str]:
    from secaudit.context import ScanContext

    run = scanner.scan([path], ScanContext(), list_all=True)
    return list(run.files[0].members)


def test_default_stores_include_evolution_local_folders(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Evolution (the mail client of several domestic Linux desktops) keeps local folders as
    Maildir++ under ~/.local/share/evolution/mail/local: its .Sent folder (sent) and its .Inbox
    (received, judged as stored mail) are read."""
    home = tmp_path / "home" / "zhang"
    local = home / ".local/share/evolution/mail/local"
    for folder in (".Sent", ".Inbox"):
        for sub in ("cur", "new", "tmp"):
            (local / folder / sub).mkdir(parents=True)
    monkeypatch.setattr("secaudit.sources.mailstores.user_homes", lambda: [home])
    stores = find_mail_stores(AgentConfig())
    assert sorted(stores) == [local / ".Inbox", local / ".Sent"]


def test_a_huge_sparse_mbox_is_read_across_passes_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1 GiB sparse store (zeros between two entries): each pass reads for at most
    SECONDS_PER_PASS and hands on what it passed, so the last entry is reached in bounded passes
    and no byte range is skipped or listed twice."""
    from secaudit.sources import mailread

    sent = tmp_path / "Sent"
    first = mbox_entry(message_with_attachment(b"x", "a.txt", msg_id="<first@x>"))
    last = mbox_entry(message_with_attachment(b"y", "b.txt", msg_id="<last@x>"))
    gap = 1024**3
    with sent.open("wb") as fh:
        fh.write(first)
        fh.seek(len(first) + gap)
        fh.write(b"\n" + last)
    monkeypatch.setattr(mailread, "SECONDS_PER_PASS", 0.01)
    state = MailState(tmp_path / "state.json")
    spans: list[tuple[int, int]] = []
    for _pass in range(400):
        items = list(iter_new_messages(sent, state))
        if not items:
            break
        for item in items:
            spans.append((item.offset, item.length))
            commit(sent, state, item)
    else:
        pytest.fail("the store was never read to its end")
    assert _pass > 1, "one pass read 1 GiB: the time budget did not apply"
    size = sent.stat().st_size
    last_item = read_item(
        mailread.MailItem(str(sent), spans[-1][0], spans[-1][1], (0, 0), "m", "", "", ""),
        cap=size,
    )
    assert b"<last@x>" in last_item
    covered = 0
    for offset, length in spans:  # in order, each after the one before (envelope lines apart)
        assert offset >= covered
        covered = offset + length
    assert covered == size
