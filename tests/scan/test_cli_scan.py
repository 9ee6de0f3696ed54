"""`secaudit scan` / `secaudit extract` as a user runs them: real process, exit codes, output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest


def secaudit(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "secaudit", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _marked_docx(path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph()
    for part in ("机", "密★", "10年"):  # a marking split across three runs
        p.add_run(part)
    d.add_paragraph("关于调整农户小额贷款利率的请示")
    d.save(str(path))


def test_scan_json_exit_codes_and_no_progress_when_piped(tmp_path: Path) -> None:
    home = tmp_path / "home"
    docs = tmp_path / "docs"
    docs.mkdir()
    _marked_docx(docs / "请示.docx")
    (docs / "说明.txt").write_text("一般工作说明，无密级。", encoding="utf-8")

    # a 机密 file on a classified computer is where it belongs: no violation, exit 0
    local = secaudit(home, "scan", "--role", "classified", "--format", "json", str(docs))
    assert local.returncode == 0, local.stderr
    assert "\r" not in local.stderr  # no progress bar when not a terminal
    assert "试查" in local.stderr  # --role differs from the host's: a trial, not recorded
    doc = json.loads(local.stdout)
    (f,) = doc["files"]
    assert f["format"] == "docx" and f["classification"] == "secret"
    assert any(x["text"] == "机密★10年" and x["period"] == "10年" for x in f["findings"])

    out = tmp_path / "result.json"
    internet = secaudit(
        home, "scan", "--format", "json", "--channel", "internet_host", "--role", "internet",
        "--output", str(out), str(docs),
    )
    assert internet.returncode == 1, internet.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["channel"] == "internet_host" and doc["host"]["role"] == "internet"
    assert doc["violations"] and doc["violations"][0]["severity"] == "critical"
    assert doc["policy"]["sha256"] and len(doc["policy"]["sha256"]) == 64

    high_only = secaudit(
        home, "scan", "--channel", "internet_host", "--role", "internet",
        "--fail-on", "critical", "--no-cache", str(docs),
    )
    assert high_only.returncode == 1
    assert "机密" in high_only.stdout  # the zh table


def test_scan_bad_usage_exits_2(tmp_path: Path) -> None:
    r = secaudit(tmp_path / "home", "scan", str(tmp_path / "missing"))
    assert r.returncode == 2
    assert "missing" in r.stderr and "Traceback" not in r.stderr
    r = secaudit(tmp_path / "home", "scan", "--channel", "moon", str(tmp_path))
    assert r.returncode == 2


def test_bad_config_exits_2_with_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[scan]\nmax_depth = 'deep'\n", encoding="utf-8")
    r = secaudit(home, "scan", str(tmp_path))
    assert r.returncode == 2
    assert "max_depth" in r.stderr and "Traceback" not in r.stderr


def test_extract_shows_chunks_with_location(tmp_path: Path) -> None:
    path = tmp_path / "请示.docx"
    _marked_docx(path)
    r = secaudit(tmp_path / "home", "extract", "--format", "json", str(path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    texts = [(c["location"], c["text"]) for c in doc["chunks"]]
    assert ("body", "机密★10年") in texts
    assert ("filename", "请示.docx") in texts
    plain = secaudit(tmp_path / "home", "extract", str(path))
    assert "机密★10年" in plain.stdout and "--- body" in plain.stdout


def test_extract_never_opens_a_fifo_or_follows_a_link(tmp_path: Path) -> None:
    """``secaudit extract`` opens its file as the scanner does: a FIFO would block a plain open
    forever, a link could lead a root run into a root-only file."""
    import os

    fifo = tmp_path / "管道.docx"
    os.mkfifo(fifo)
    secret = tmp_path / "root-only"
    secret.mkdir(mode=0o700)
    (secret / "绝密.txt").write_text("绝密★长期\n", encoding="utf-8")
    link = tmp_path / "看看.txt"
    link.symlink_to(secret / "绝密.txt")
    for path, reason in ((fifo, "unsupported"), (link, "limit")):
        r = secaudit(tmp_path / "home", "extract", str(path))
        assert r.returncode == 2, r.stdout
        assert f"not read ({reason})" in r.stderr and "绝密" not in r.stdout + r.stderr


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal the scan shows files, MB, rate and the current file (on stderr)."""
    import os
    import pty

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(300):
        (docs / f"记录{i:03d}.txt").write_text("一般工作记录。\n" * 200, encoding="utf-8")
    pid, fd = pty.fork()
    if pid == 0:  # child: stdout and stderr are the pseudo-terminal
        os.execv(sys.executable, [sys.executable, "-m", "secaudit", "--home",  # noqa: S606
                                  str(tmp_path / "home"), "scan", "--no-ledger", str(docs)])
    out = b""
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    _, status = os.waitpid(pid, 0)
    text = out.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0
    assert "个/秒" in text and "MB" in text  # the progress line
    assert "扫描文件 300 个" in text


def _mail_with_marked_attachment(to: str) -> bytes:
    import io
    from email.message import EmailMessage

    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("机密★5年")
    d.add_paragraph("关于2025年信贷投放计划的通知")
    d.save(buf)
    msg = EmailMessage()
    msg["From"] = "zhangsan@rcb.example"
    msg["To"] = to
    msg["Subject"] = "计划材料"
    msg.set_content("请查收。")
    msg.add_attachment(buf.getvalue(), maintype="application", subtype="octet-stream",
                       filename="信贷计划.docx")
    return bytes(msg)


def test_email_file_on_the_command_line_is_judged_with_its_recipients(tmp_path: Path) -> None:
    out = tmp_path / "mail"
    out.mkdir()
    (out / "外发.eml").write_bytes(_mail_with_marked_attachment("partner@example.com"))
    (out / "内部.eml").write_bytes(_mail_with_marked_attachment("lisi@rcb.example"))
    r = secaudit(tmp_path / "home", "scan", "--channel", "email", "--format", "json", str(out))
    assert r.returncode == 1, r.stderr
    rules = {(Path(v["path"]).name, v["rule"]) for v in json.loads(r.stdout)["violations"]}
    assert ("外发.eml", "SEC-008") in rules  # a state secret to an external domain
    assert ("内部.eml", "SEC-008") not in rules
    assert ("内部.eml", "SEC-007") in rules  # still a marked attachment, internal recipient


def test_file_names_that_are_not_utf8_are_shown_read_and_recorded(tmp_path: Path) -> None:
    """A GBK-named file (copied by a Windows tool): its name is read as Chinese and marks the
    file, the JSON is valid UTF-8, the ledger records it, a rescan does not fail on the cache."""
    import os

    docs = tmp_path / "docs"
    docs.mkdir()
    gbk_name = os.fsencode(docs) + b"/" + "（机密）授信方案.txt".encode("gbk")
    with open(gbk_name, "wb") as fh:
        fh.write("关于授信方案的说明。".encode())
    raw = os.fsencode(docs) + b"/\xff\xfe-report.txt"
    with open(raw, "wb") as fh:
        fh.write("内部资料\n正文".encode())
    home = tmp_path / "home"
    out = tmp_path / "out.json"
    for _ in range(2):  # the second run goes past the cache
        run = secaudit(home, "scan", "--format", "json", "--output", str(out), str(docs))
        assert run.returncode == 1, run.stderr  # SEC-015: a 机密 file on an intranet PC
        doc = json.loads(out.read_bytes().decode("utf-8"))  # strict UTF-8
        by_path = {f["path"]: f for f in doc["files"]}
        assert by_path[f"{docs}/（机密）授信方案.txt"]["classification"] == "secret"
        assert by_path[f"{docs}/\\xff\\xfe-report.txt"]["classification"] == "internal"
    verify = secaudit(home, "ledger", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    table = secaudit(home, "scan", str(docs))
    assert table.returncode == 1 and "机密" in table.stdout and "\\xff\\xfe" not in table.stderr


def test_trial_scans_are_not_evidence(tmp_path: Path) -> None:
    """``scan --role internet`` on an intranet PC is a trial: printed, never written into the
    host's ledger (it once put SEC-001 rows into a signed report); a scan with the host's own
    role is recorded."""
    from secaudit.ledger import Ledger

    home = tmp_path / "home"
    docs = tmp_path / "docs"
    docs.mkdir()
    _marked_docx(docs / "请示.docx")
    trial = secaudit(home, "scan", "--role", "internet", "--format", "json", str(docs))
    assert trial.returncode == 1 and "试查" in trial.stderr
    assert json.loads(trial.stdout)["violations"][0]["rule"] == "SEC-001"
    assert not (home / "ledger.db").exists()
    also = secaudit(home, "scan", "--channel", "internet_host", str(docs))
    assert also.returncode == 1 and "试查" in also.stderr and not (home / "ledger.db").exists()
    real = secaudit(home, "scan", str(docs))  # the configured role (intranet): SEC-015
    assert real.returncode == 1 and "试查" not in real.stderr
    with Ledger(home / "ledger.db", readonly=True) as led:
        rules = {e.data["rule"] for e in led.events(kinds=["violation"])}
    assert rules == {"SEC-015"}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--since", "yesterday"], "yesterday"),
        (["--since", "2026-13-45"], "2026-13-45"),
        (["--since", "2026-12-03", "--until", "2026-12-01"], "--until"),
    ],
)
def test_report_refuses_bad_dates(tmp_path: Path, args: list[str], needle: str) -> None:
    home = tmp_path / "home"
    r = secaudit(home, "report", *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert needle in r.stderr and "YYYY-MM-DD" in r.stderr and "Traceback" not in r.stderr
    assert not list(home.glob("reports/*"))


def test_report_accepts_dates_and_times(tmp_path: Path) -> None:
    from secaudit.report.period import parse_period

    since, until = parse_period("2026-12-01", "2026-12-03 08:30")
    assert since is not None and since.startswith("2026-12-01T00:00:00")
    assert until is not None and until.startswith("2026-12-03T08:30:00")
    assert parse_period("2026-12-01T00:00:00Z", None)[0] is not None
