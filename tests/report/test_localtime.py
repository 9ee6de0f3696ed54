"""Times in reports (issue 13 item 4): host local time in every table, the zone named once on the
cover, ISO 8601 with offset in the JSON (mail dates too). Real ``TZ`` in real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from secaudit.ledger import Ledger
from secaudit.report.keys import generate_keys
from secaudit.report.localtime import iso_time, local_time
from secaudit.report.verify import embedded_data

REPO = Path(__file__).resolve().parents[2]
AGENT_TS = "2026-12-03T12:06:00+00:00"  # written by an agent running without TZ (UTC)


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    generate_keys(home / "keys", passphrase=None)
    with Ledger(home / "ledger.db") as led:
        led.append("violation", {"rule": "SEC-004", "severity": "high", "title": "标密文件",
                                 "channel": "removable_media", "path": "/media/u/a.txt",
                                 "member": None}, ts=AGENT_TS)
        led.append("mail_scanned", {"mail": {"date": "Sat, 29 Nov 2026 10:00:00 +0000",
                                             "from": "a@rcb.example", "to": ["b@rcb.example"],
                                             "subject": "计划"},
                                    "attachments": ["a.docx"], "classification": "secret",
                                    "violations": 1, "direction": "sent"}, ts=AGENT_TS)
    return home


@pytest.mark.parametrize(
    ("tz", "shown", "mail_shown", "zone"),
    [
        ("Asia/Shanghai", "2026-12-03 20:06", "2026-11-29 18:00", "UTC+08:00"),
        ("America/New_York", "2026-12-03 07:06", "2026-11-29 05:00", "UTC-05:00"),
    ],
)
def test_report_tables_in_host_local_time(tmp_path: Path, tz: str, shown: str, mail_shown: str,
                                          zone: str) -> None:
    home = _home(tmp_path)
    out = tmp_path / "r.html"
    env = {**os.environ, "TZ": tz}
    res = subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), "report",
                          "--out", str(out)], capture_output=True, text=True, cwd=REPO,
                         env=env, check=False)
    assert res.returncode == 0, res.stderr
    html = out.read_text(encoding="utf-8")
    body = html.split('id="secaudit-data"')[0]
    assert shown in body and "2026-12-03 12:06" not in body
    assert mail_shown in body and "Sat, 29 Nov 2026" not in body
    assert body.count(zone) == 1  # the zone is named once, on the cover
    model = embedded_data(out.read_bytes())
    assert model["violations"][0]["first_seen"] == AGENT_TS  # the JSON keeps ISO with offset
    assert model["email"][0]["mail"]["date"] == "2026-11-29T10:00:00+00:00"
    assert model["generated"][-6] in "+-"


def test_helpers() -> None:
    assert iso_time("Sat, 29 Nov 2026 10:00:00 +0800") == "2026-11-29T10:00:00+08:00"
    assert iso_time("not a date") == "not a date"
    assert local_time("") == "" and local_time("abc") == "abc"
