"""The evidence ledger: tampering is named by seq; kill -9 never breaks the chain or loses a commit.

Tampering is done the way an attacker would: with sqlite3 on the file, behind the API's back.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from secaudit.errors import ChainError
from secaudit.ledger import GENESIS, Ledger, canonical_json, event_hash

REPO = Path(__file__).resolve().parents[2]


def _filled(path: Path, n: int = 10) -> Path:
    with Ledger(path) as led:
        for i in range(1, n + 1):
            led.append("finding", {"path": f"/media/usb/文件{i}.docx", "classification": "secret",
                                   "n": i})
    return path


def _bad_seq(path: Path) -> int:
    with Ledger(path) as led, pytest.raises(ChainError) as err:
        led.verify()
    return err.value.seq


def _sql(path: Path, *statements: str, args: tuple = ()) -> None:
    db = sqlite3.connect(path)
    for st in statements:
        db.execute(st, args if "?" in st else ())
    db.commit()
    db.close()


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=60, check=False)


def test_intact_chain(tmp_path: Path) -> None:
    path = _filled(tmp_path / "ledger.db")
    with Ledger(path) as led:
        assert led.verify() == 10
        first = led.get(1)
        assert first is not None and first.prev == GENESIS
        assert first.hash == event_hash(GENESIS, 1, first.ts, first.kind, first.data)


@pytest.mark.parametrize(
    ("statement", "seq"),
    [
        ("UPDATE events SET data = replace(data, 'secret', 'none') WHERE seq = 5", 5),
        ("UPDATE events SET ts = '2020-01-01T00:00:00+08:00' WHERE seq = 7", 7),
        ("UPDATE events SET kind = 'error' WHERE seq = 3", 3),
        ("UPDATE events SET hash = '" + "ab" * 32 + "' WHERE seq = 10", 10),
        ("DELETE FROM events WHERE seq = 4", 4),
        ("DELETE FROM events WHERE seq = 1", 1),
    ],
    ids=["edited-data", "edited-ts", "edited-kind", "edited-hash", "deleted", "deleted-first"],
)
def test_tampering_names_the_seq(tmp_path: Path, statement: str, seq: int) -> None:
    path = _filled(tmp_path / "ledger.db")
    _sql(path, statement)
    assert _bad_seq(path) == seq


def test_reordered_rows(tmp_path: Path) -> None:
    path = _filled(tmp_path / "ledger.db")
    _sql(path, "UPDATE events SET seq = -4 WHERE seq = 4",
         "UPDATE events SET seq = 4 WHERE seq = 6", "UPDATE events SET seq = 6 WHERE seq = -4")
    assert _bad_seq(path) == 4


def test_inserted_rows(tmp_path: Path) -> None:
    # A copy of a row pushed in at seq 5 (later rows renumbered): its hash does not fit seq 5.
    path = _filled(tmp_path / "ledger.db")
    _sql(path, "UPDATE events SET seq = seq + 100 WHERE seq >= 5",
         "UPDATE events SET seq = seq - 99 WHERE seq >= 105",
         "INSERT INTO events SELECT 5, ts, kind, data, prev, hash FROM events WHERE seq = 3")
    assert _bad_seq(path) == 5

    # A forged row with a correct hash at seq 5: the old row 5, now 6, no longer links to it.
    path2 = _filled(tmp_path / "ledger2.db")
    with Ledger(path2) as led:
        four = led.get(4)
    assert four is not None
    data = {"note": "forged"}
    digest = event_hash(four.hash, 5, four.ts, "error", data)
    _sql(path2, "UPDATE events SET seq = seq + 100 WHERE seq >= 5",
         "UPDATE events SET seq = seq - 99 WHERE seq >= 105")
    _sql(path2, "INSERT INTO events VALUES (5, ?, 'error', ?, ?, ?)",
         args=(four.ts, canonical_json(data), four.hash, digest))
    assert _bad_seq(path2) == 6


def test_cli_verify_show_export(tmp_path: Path) -> None:
    home = tmp_path / "h"
    _filled(home / "ledger.db", 6)
    ok = _cli(home, "ledger", "verify")
    assert ok.returncode == 0 and "6 events" in ok.stdout
    shown = _cli(home, "ledger", "show", "--limit", "2")
    assert shown.returncode == 0 and "文件6.docx" in shown.stdout and "文件4" not in shown.stdout
    lines = _cli(home, "ledger", "export", "--kind", "finding").stdout.splitlines()
    assert [json.loads(x)["seq"] for x in lines] == [1, 2, 3, 4, 5, 6]
    assert _cli(home, "ledger", "export", "--since", "2999-01-01").stdout == ""
    _sql(home / "ledger.db",
         "UPDATE events SET data = replace(data, '文件3', '文件X') WHERE seq = 3")
    bad = _cli(home, "ledger", "verify")
    assert bad.returncode == 1 and "seq 3" in bad.stdout


_WRITER = """
import sys
from secaudit.ledger import Ledger
led = Ledger(sys.argv[1])
i = 0
while True:
    i += 1
    ev = led.append("finding", {"writer": sys.argv[2], "i": i, "pad": "x" * (i % 500)})
    sys.stdout.write(f"{ev.seq} {ev.hash}\\n")
    sys.stdout.flush()
"""


def _writer(path: Path, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(path), name],
                            stdout=subprocess.PIPE, text=True, cwd=REPO)


def _row_count(path: Path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=30) as db:
        try:
            return int(db.execute("SELECT count(*) FROM events").fetchone()[0])
        except sqlite3.OperationalError:  # no table yet
            return 0


def _wait_for_rows(path: Path, rows: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while _row_count(path) < rows and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.mark.timeout(120)
def test_kill9_writers_never_break_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    committed: dict[int, str] = {}
    rng = random.Random(5)
    for _round in range(8):
        before = _row_count(path)
        procs = [_writer(path, "a"), _writer(path, "b")]
        _wait_for_rows(path, before + 4)  # both started (a loaded machine starts Python slowly)
        time.sleep(0.05 + rng.random() * 0.3)
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            out, _ = p.communicate(timeout=10)
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 2:  # a torn last line is a write that had not returned
                    committed[int(parts[0])] = parts[1]
        with Ledger(path) as led:
            count = led.verify()
            for seq, digest in committed.items():
                ev = led.get(seq)
                assert ev is not None and ev.hash == digest, f"committed seq {seq} lost"
        assert count >= len(committed)
    assert len(committed) > 50


def test_processes_opening_a_new_ledger_at_once_all_succeed(tmp_path: Path) -> None:
    """The agent, a scan and the forwarder may create the ledger together: the journal-mode
    switch meets SQLITE_BUSY, which the busy handler does not wait for (it failed 29 of 200
    rounds before the retry)."""
    import threading

    for round_ in range(60):
        path = tmp_path / f"r{round_}" / "ledger.db"
        errors: list[BaseException] = []

        def open_and_append(path: Path = path, errors: list[BaseException] = errors) -> None:
            try:
                with Ledger(path) as led:
                    led.append("error", {"where": "race"})
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=open_and_append) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        with Ledger(path, readonly=True) as led:
            assert led.verify() == 4
