"""The NDJSON file output: lines load with a JSON-lines reader, size rotation, cursor resume."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from secaudit.forward import Forwarder
from secaudit.forward.cursor import CursorStore
from secaudit.ledger import Ledger
from tests.forward.conftest import config_with, fill, scenario


def _lines(*paths: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for p in paths if p.exists()
            for line in p.read_text(encoding="utf-8").splitlines()]


def _drain(fwd: Forwarder) -> None:
    while fwd.pump(5.0):
        pass


def test_scenario_lines_and_resume(tmp_path: Path) -> None:
    out = tmp_path / "log" / "events.ndjson"
    cfg = config_with(tmp_path / "home", [{"type": "file", "path": str(out)}])
    with Ledger(cfg.home.ledger) as led:
        led.append_many(scenario())
    fwd = Forwarder(cfg)
    _drain(fwd)
    fwd.close()
    docs = _lines(out)
    assert [d["event"]["sequence"] for d in docs] == list(range(1, 9))
    assert {d["event"]["action"] for d in docs} >= {"violation", "mail_scanned", "selfcheck"}
    assert all(d["@timestamp"] and d["host"]["id"] for d in docs)
    # restart: resumes after the cursor, no duplicate
    fill(cfg, 5)
    fwd = Forwarder(cfg)
    assert fwd.runs[0].cursor == 8
    _drain(fwd)
    fwd.close()
    assert [d["event"]["sequence"] for d in _lines(out)] == list(range(1, 14))
    store = CursorStore(cfg.home.data_dir)
    assert store.get(cfg.forward[0].id).seq == 13
    store.close()


def test_rotation_keeps_newest_files(tmp_path: Path) -> None:
    out = tmp_path / "events.ndjson"
    cfg = config_with(tmp_path / "home", [{"type": "file", "path": str(out), "max_mb": 1,
                                           "keep": 2, "batch": 50}])
    with Ledger(cfg.home.ledger) as led:  # ~1.3 KB per line: about 800 lines per MiB
        led.append_many(("error", {"where": "x", "message": "数" * 300 + str(i)})
                        for i in range(3000))
    fwd = Forwarder(cfg)
    _drain(fwd)
    fwd.close()
    files = [out, Path(f"{out}.1"), Path(f"{out}.2")]
    assert all(p.exists() for p in files) and not Path(f"{out}.3").exists()
    assert all(p.stat().st_size <= 1024 * 1024 for p in files)
    seqs = [d["event"]["sequence"] for d in _lines(*reversed(files))]
    assert seqs == list(range(seqs[0], 3001))  # contiguous, newest last, oldest rotated away
    assert seqs[0] > 1


def test_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("")
    link = tmp_path / "events.ndjson"
    os.symlink(target, link)
    cfg = config_with(tmp_path / "home", [{"type": "file", "path": str(link)}])
    fill(cfg, 3)
    fwd = Forwarder(cfg)
    assert fwd.pump() == 0
    assert "cannot open" in (fwd.runs[0].last_error or "")
    assert fwd.runs[0].cursor == 0 and target.read_text() == ""
    fwd.close()


@pytest.mark.parametrize("kind", ["heartbeat"])
def test_heartbeat_event(tmp_path: Path, kind: str) -> None:
    from secaudit.forward import heartbeat

    cfg = config_with(tmp_path / "home", [])
    fill(cfg, 2)
    with Ledger(cfg.home.ledger) as led:
        head = led.head()
        ev = heartbeat(led, {"uptime_s": 12.5, "queue_depth": 0})
    assert head is not None and ev.kind == kind and ev.prev == head.hash
    assert ev.data == {"head": {"seq": 2, "hash": head.hash},
                       "health": {"uptime_s": 12.5, "queue_depth": 0}}
