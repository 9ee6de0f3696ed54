"""Issue 12, finding 9: no full ID, card, mobile or credit-code number reaches the ledger, the
cache, the scan JSON or the signed report — from marking periods, file names glued to letters,
member names, or anywhere else a worker's strings go.

Files are crafted the way the review found the leaks (``机密★110101…``,
``秘密★解密条件：客户110101…``, ``机密★ID110101…``, ``sfz110101….txt``); numbers are
generated with valid check digits.
"""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

from secaudit.cli import main
from secaudit.sensitive import mask_text
from tests.corpus import numbers as num

RNG = random.Random(1209)
ID1, ID2, ID3, ID4 = (num.resident_id(RNG) for _ in range(4))
CARD = num.bank_card(RNG, prefix="622848", length=19)
MOBILE = num.mobile(RNG)
USCC = num.credit_code(RNG)
SECRETS = (ID1, ID2, ID3, ID4, CARD, MOBILE, USCC)


def _stick(root: Path) -> None:
    root.mkdir()
    (root / "a.txt").write_text(f"机密★{ID1}\n\n关于信贷计划的通知\n", encoding="utf-8")
    (root / "b.txt").write_text(f"秘密★解密条件：客户{ID2}的资料\n\n正文\n", encoding="utf-8")
    (root / "c.txt").write_text(f"机密★ID{ID3}\n\n正文\n", encoding="utf-8")
    (root / f"sfz{ID4}.txt").write_text("内部资料\n\n名单\n", encoding="utf-8")
    (root / f"张三{MOBILE}（机密）.txt").write_text("正文\n", encoding="utf-8")
    (root / f"{USCC}公司（内部）.txt").write_text("正文\n", encoding="utf-8")
    with zipfile.ZipFile(root / "资料.zip", "w") as zf:
        zf.writestr(f"客户{CARD}.txt", "机密★10年\n\n正文\n")


def _leaks(blob: bytes) -> list[str]:
    text = blob.decode("utf-8", "replace")
    return [n for n in SECRETS if n in text or n.encode("utf-16-le").decode("latin-1") in text]


def test_validators_mask_numbers_glued_to_letters() -> None:
    assert mask_text(f"sfz{ID4}.txt") == f"sfz{ID4[:4]}{'*' * 10}{ID4[-4:]}.txt"
    assert ID1 not in mask_text(f"机密★ID{ID1}") and CARD not in mask_text(f"x{CARD}y")
    assert MOBILE not in mask_text(f"tel{MOBILE}") and USCC not in mask_text(f"ABC{USCC}.txt")
    assert mask_text("2026年10月1日 第3版 v12.txt") == "2026年10月1日 第3版 v12.txt"


def test_no_full_number_in_ledger_cache_scan_json_or_report(
    tmp_path: Path, home: Path, capsys
) -> None:
    (home / "config.toml").write_text('[host]\nrole = "internet"\nname = "网点PC-01"\n', "utf-8")
    assert main(["keygen"]) == 0
    stick = tmp_path / "stick"
    _stick(stick)
    out = tmp_path / "scan.json"
    args = ["scan", "--workers", "1", "--format", "json", "--output", str(out), str(stick)]
    assert main(args) == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    marked = {Path(f["path"]).name: f["classification"] for f in doc["files"]}
    assert len([c for c in marked.values() if c != "none"]) == 7, marked  # all still found
    assert main(["scan", "--workers", "1", str(stick)]) == 1  # from the cache, the terminal table
    table = capsys.readouterr().out
    report = tmp_path / "r.html"
    assert main(["report", "--out", str(report)]) == 0
    assert main(["report", "--format", "csv", "--out", str(tmp_path / "r.csv")]) == 0
    stored = [p for p in home.rglob("*") if p.is_file() and not p.name.startswith("secaudit.")]
    assert any(p.name.startswith("ledger.db") for p in stored)
    assert any(p.name.startswith("scan-cache.db") for p in stored)
    for path in [out, report, tmp_path / "r.csv", *stored]:
        assert _leaks(path.read_bytes()) == [], path
    assert _leaks(table.encode()) == []
    assert f"sfz{ID4[:4]}" in out.read_text(encoding="utf-8")  # the name is still recognisable


def test_an_old_cache_with_full_numbers_is_emptied(tmp_path: Path) -> None:
    import sqlite3

    from secaudit.scan.cache import ScanCache

    path = tmp_path / "scan-cache.db"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
        "inode INTEGER, version TEXT, result TEXT)"
    )
    db.execute("INSERT INTO files VALUES (?,1,1,1,'v','C|1|x|txt')", (f"/u/sfz{ID1}.txt",))
    db.commit()
    db.close()
    ScanCache(path, "v").close()
    for f in tmp_path.iterdir():  # the database, its WAL and shared memory
        assert ID1 not in f.read_bytes().decode("utf-8", "replace"), f
    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 0
    db.close()
