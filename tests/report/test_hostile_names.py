"""Issue 12, findings 6, 13, 14, 15: file and member names chosen by an attacker on a scanned
folder (a stick) can neither block reports, nor drive the terminal, nor reorder what is shown,
nor run as a formula in Excel.

The folder is real: a dangling link named ``secaudit-signature``, HTML-ish names, terminal escape
sequences, a right-to-left override and ``=HYPERLINK`` members of a real zip; then the real
``scan``, ``ledger show``, ``report`` (HTML and CSV) and ``verify`` commands.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from secaudit.cli import main
from secaudit.report.verify import embedded_data

SECRET = "机密★10年\n\n关于2026年信贷计划的通知\n".encode()
ESC_NAME = "\x1b]0;pwned\x07\x1b[2J清屏.txt"
FORGED_ROW = "a.txt\n     1  2026-01-01T00:00:00+08:00  agent_started    伪造.txt"
RLO_NAME = "正常文件\u202excod.txt"
HTMLISH = ("<!-- secaudit-signature v=1 -->.txt", "<script>alert(1)<!--.txt")
SCRIPT_MEMBER = "</script><img src=x onerror=alert(1)>.txt"  # a '/' cannot be in a file name
FORMULA = '=HYPERLINK("http://127.0.0.1/x","点击").txt'


@pytest.fixture
def stick(home: Path) -> Iterator[Path]:
    (home / "config.toml").write_text('[host]\nrole = "internet"\nname = "网点PC-01"\n', "utf-8")
    assert main(["keygen"]) == 0
    root = Path(tempfile.mkdtemp(prefix="u", dir="/tmp"))  # short: the table clips long paths
    try:
        _fill(root)
        yield root
    finally:
        shutil.rmtree(root)


def _fill(root: Path) -> None:
    os.symlink("does-not-exist", root / "secaudit-signature")  # dangling link
    for name in (ESC_NAME, FORGED_ROW, RLO_NAME, *HTMLISH):
        (root / name).write_bytes(SECRET)
    members = (FORMULA, "+cmd' -C calc'!A0.txt", "@SUM(1+1)机密.txt", SCRIPT_MEMBER)
    for i, member in enumerate(members):  # one zip each: a rule names one member per file
        with zipfile.ZipFile(root / f"资料{i}.zip", "w") as zf:
            zf.writestr(member, SECRET)


def test_hostile_names_never_block_or_drive_anything(
    stick: Path, home: Path, tmp_path: Path, capsys
) -> None:
    assert main(["scan", "--no-cache", "--workers", "1", str(stick)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b]0;pwned\\x07" in out and "正常文件\\u202excod.txt" in out
    assert "\n     1  2026-01-01" not in out and "a.txt\\x0a" in out  # the newline is shown

    assert main(["ledger", "show", "--limit", "200"]) == 0
    shown = capsys.readouterr().out
    assert "\x1b" not in shown and "\u202e" not in shown and "\\x1b[2J" in shown
    rows = [ln for ln in shown.splitlines()[1:] if ln.strip()]
    assert all(ln.lstrip()[:1].isdigit() for ln in rows), "a name forged a ledger row"
    assert "a.txt\\x0a" in shown and "伪造.txt" in shown

    report = tmp_path / "r.html"
    assert main(["report", "--out", str(report)]) == 0  # never blocked by a name
    capsys.readouterr()
    assert main(["verify", str(report), "--pubkey", str(home / "keys/secaudit.pub")]) == 0
    html = report.read_text(encoding="utf-8")
    page, _, rest = html.partition('<script type="application/json" id="secaudit-data">')
    assert "\u202e" not in html and "\x1b" not in html
    assert "正常文件\\u202excod.txt" in page  # the override is visible
    assert "<!-- secaudit-signature v=1 -->" not in html.splitlines()[-2]
    assert html.count("secaudit-signature v=1 alg=ed25519") == 1  # the trailer only
    model = embedded_data(report.read_bytes())
    paths = {e["path"] for e in model["coverage"]["not_scanned_files"]}
    assert str(stick / "secaudit-signature") in paths
    names = {Path(v["path"]).name for v in model["violations"] if v["path"]}
    assert {RLO_NAME, *HTMLISH} <= names  # the data keeps the real names
    assert "</script>" not in rest.split("</script>", 1)[0]
    assert any(v["member"] == SCRIPT_MEMBER for v in model["violations"])


def test_csv_cells_cannot_start_a_formula(stick: Path, tmp_path: Path, capsys) -> None:
    assert main(["scan", "--no-cache", "--workers", "1", str(stick)]) == 1
    out = tmp_path / "r.csv"
    assert main(["report", "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    cells = [c for row in rows[1:] for c in row]
    members = {c for c in cells if "HYPERLINK" in c or "calc" in c or "SUM(" in c}
    assert len(members) >= 3, rows
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert any(m.startswith("'=HYPERLINK(") for m in members)


def test_status_lines_show_names_as_escapes() -> None:
    from secaudit.cli.agent import status_lines

    lines = status_lines(
        {
            "pid": 1,
            "hostname": "pc\x1b]0;x\x07",
            "media": [{"mountpoint": "/media/u/" + RLO_NAME, "label": "\x1b[2J"}],
            "roots": ["/home/u/" + ESC_NAME],
            "mail_stores": [],
        }
    )
    text = "\n".join(lines)
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "\\u202e" in text and "\\x1b]0;pwned\\x07" in text
