"""Issue 12, finding 7: ledger truncation, rollback and rewrite since the last report are named,
and a report never signs a broken chain as a clean range.

Every attack is done as root would do it: sqlite3 on ``ledger.db`` behind the API's back, or a
copy of an older ``ledger.db`` put back in place.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

from secaudit.cli import main
from secaudit.config import Config
from secaudit.ledger import Ledger, canonical_json, event_hash
from secaudit.report.build import ReportRequest
from secaudit.report.issue import issue_report
from secaudit.report.keys import SigningKey
from secaudit.report.verify import chain_breaks, chain_gaps, embedded_data

from .conftest import fill_ledger


def _issue(config: Config, key: SigningKey, name: str) -> Path:
    with Ledger(config.home.ledger) as led:
        return issue_report(
            config, led, ReportRequest(), key=key, out=config.home.reports_dir / name
        ).path


def _fill(config: Config, rng: random.Random, scan_id: str) -> None:
    with Ledger(config.home.ledger) as led:
        fill_ledger(led, rng, scan_id=scan_id)


def _verify(config: Config, *paths: Path) -> int:
    pub = config.home.keys_dir / "secaudit.pub"
    return main(["verify", *map(str, paths), "--pubkey", str(pub)])


def _rechain(db_path: Path, drop: set[int]) -> None:
    """Root's rewrite: delete some rows and recompute the (unkeyed) chain over the rest."""
    db = sqlite3.connect(db_path)
    rows = db.execute("SELECT seq, ts, kind, data FROM events ORDER BY seq").fetchall()
    db.execute("DELETE FROM events")
    prev, seq = "0" * 64, 0
    for old_seq, ts, kind, data in rows:
        if old_seq in drop:
            continue
        seq += 1
        digest = event_hash(prev, seq, ts, kind, __import__("json").loads(data))
        db.execute("INSERT INTO events VALUES (?,?,?,?,?,?)", (seq, ts, kind, data, prev, digest))
        prev = digest
    db.commit()
    db.close()


def test_report_carries_head_checkpoints_and_intact_chain(config, key, rng) -> None:
    _fill(config, rng, "a")
    first = embedded_data(_issue(config, key, "r1.html").read_bytes())
    _fill(config, rng, "b")
    second = embedded_data(_issue(config, key, "r2.html").read_bytes())
    assert first["ledger_integrity"]["intact"] and second["ledger_integrity"]["intact"]
    assert first["ledger_head"]["seq"] == first["ledger_range"]["last_seq"]
    assert {"seq": first["ledger_head"]["seq"], "hash": first["ledger_head"]["hash"]} in second[
        "ledger_checkpoints"
    ]
    reports = [("r1", first), ("r2", second)]
    assert chain_gaps(reports) == [] and chain_breaks(reports) == []


def test_edited_row_is_a_finding_not_a_clean_range(config, key, rng, capsys) -> None:
    _fill(config, rng, "a")
    with Ledger(config.home.ledger) as led:
        victim = next(led.events(kinds=["violation"]))
        stored_last = led.head().hash  # type: ignore[union-attr]
    data = dict(victim.data, severity="low", title="已整改")
    db = sqlite3.connect(config.home.ledger)
    db.execute("UPDATE events SET data = ? WHERE seq = ?", (canonical_json(data), victim.seq))
    db.commit()
    db.close()
    assert main(["ledger", "verify"]) == 1
    path = _issue(config, key, "r.html")
    model = embedded_data(path.read_bytes())
    assert model["ledger_integrity"]["intact"] is False
    assert model["ledger_integrity"]["first_bad_seq"] == victim.seq
    assert model["violations"][0]["rule"] == "LEDGER-CHAIN"
    assert model["ledger_range"]["last_hash"] != stored_last  # recomputed, not the stored column
    html = path.read_text(encoding="utf-8")
    assert "账本哈希链断裂" in html and 'class="bad" id="ledger-integrity"' in html


def test_restored_older_ledger_is_named_as_rollback(config, key, rng, capsys) -> None:
    _fill(config, rng, "a")
    r1 = _issue(config, key, "r1.html")
    backup = config.home.ledger.with_name("old.db")
    shutil.copy(config.home.ledger, backup)  # a copy taken before the incriminating events
    _fill(config, rng, "evil")
    r2 = _issue(config, key, "r2.html")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{config.home.ledger}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, config.home.ledger)  # root puts the old ledger back
    _fill(config, rng, "innocent")
    r3 = _issue(config, key, "r3.html")
    capsys.readouterr()
    assert _verify(config, r1, r3) == 0  # r1 → r3 alone: the old ledger does extend r1
    assert _verify(config, r1, r2, r3) == 1
    out = capsys.readouterr().out
    assert "ledger rollback or rewrite" in out and "r3.html does not extend" in out
    assert "r2.html" in out.split("does not extend")[1]


def test_truncation_after_a_report_is_named(config, key, rng, capsys) -> None:
    _fill(config, rng, "a")
    r1 = _issue(config, key, "r1.html")
    head = embedded_data(r1.read_bytes())["ledger_head"]["seq"]
    db = sqlite3.connect(config.home.ledger)
    db.execute("DELETE FROM events WHERE seq > ?", (head,))  # the report_issued row too
    db.commit()
    db.close()
    _fill(config, rng, "b")
    r2 = _issue(config, key, "r2.html")
    capsys.readouterr()
    assert _verify(config, r1, r2) == 1
    assert "has no record of the earlier report" in capsys.readouterr().out


def test_rewritten_chain_without_some_events_is_named(config, key, rng, capsys) -> None:
    _fill(config, rng, "a")
    r1 = _issue(config, key, "r1.html")
    _fill(config, rng, "b")
    with Ledger(config.home.ledger) as led:
        drop = {next(led.events(kinds=["violation"])).seq}  # one violation inside r1's range
    _rechain(config.home.ledger, drop)
    assert main(["ledger", "verify"]) == 0  # the machine alone cannot see it
    r2 = _issue(config, key, "r2.html")
    capsys.readouterr()
    assert _verify(config, r1, r2) == 1
    assert "GAP" in capsys.readouterr().out
