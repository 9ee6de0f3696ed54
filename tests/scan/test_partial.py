"""Issue 13 item 9: a marked file too big to read whole still counts (head and tail read within
the limits), and a file not examined on a stick is a violation of its own (SEC-019)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_too_large_marked_file_on_a_stick(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[scan]\nmax_file_size_mb = 1\n", encoding="utf-8")
    stick = tmp_path / "usb"
    stick.mkdir()
    big = stick / "导出数据.txt"
    filler = "本行营业网点日常业务数据汇总，正文内容。\n" * 150_000  # ~4.5 MB
    big.write_text("机密★10年\n关于数据迁移的说明\n" + filler, encoding="utf-8")
    (stick / "zeros.bin").write_bytes(b"\0" * (2 * 1024 * 1024))  # too large, not text
    res = subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), "scan",
                          "--channel", "removable_media", "--format", "json", str(stick)],
                         capture_output=True, text=True, cwd=REPO, check=False, timeout=120)
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    entry = by_name["导出数据.txt"]
    assert entry["classification"] == "secret"
    assert [e["reason"] for e in entry["errors"]] == ["too_large"]
    assert any("仅检查了开头和结尾" in (f.get("note") or "") for f in entry["findings"])
    rules = {(v["rule"], Path(v["path"]).name) for v in doc["violations"]}
    assert ("SEC-005", "导出数据.txt") in rules and ("SEC-019", "导出数据.txt") in rules
    assert ("SEC-019", "zeros.bin") in rules
    assert by_name["zeros.bin"]["classification"] == "none"
