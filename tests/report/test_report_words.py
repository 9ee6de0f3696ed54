"""Issue 13 item 11: the report says what it shows — Chinese info-type names — and head office
verifies with a folder of branch keys kept one sub-folder per branch."""

from __future__ import annotations

from pathlib import Path

from secaudit.cli import main
from secaudit.ledger import Ledger
from secaudit.report.keys import generate_keys
from secaudit.report.verify import embedded_data


def test_info_types_in_chinese_and_nested_trust_folder(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("SECAUDIT_HOME", str(home))
    generate_keys(home / "keys", passphrase=None)
    with Ledger(home / "ledger.db") as led:
        led.append("finding", {"path": "/home/u/客户.xlsx", "channel": "local", "sha256": "0" * 64,
                               "classification": "none", "findings": [
                                   {"kind": "info_type", "type": "cn_resident_id", "count": 30,
                                    "sample": "1101**********123X"}]})
    out = tmp_path / "r.html"
    assert main(["report", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8").split('id="secaudit-data"')[0]
    assert "居民身份证号 × 30" in html and "cn_resident_id × 30" not in html
    host = embedded_data(out.read_bytes())["host"]["hostname"]  # a key is bound to its host
    branch = tmp_path / "总行密钥" / "城关支行" / host
    branch.mkdir(parents=True)
    (branch / "secaudit.pub").write_bytes((home / "keys" / "secaudit.pub").read_bytes())
    assert main(["verify", str(out), "--trust", str(tmp_path / "总行密钥")]) == 0
