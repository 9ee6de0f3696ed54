"""Hostile-media benchmark (issue 12): RSS and detection latency of a real agent facing the
deep-tree, many-folders and sparse-mail sticks of the adversarial review.

Needs root (loop-mounted ext4 images). For each stick: mount it (with a 机密 file beside the
hostile content), start ``python -m secaudit --home H agent`` with the stick in
``agent.removable_extra``, sample the RSS of the agent and of the agent with its workers every
0.1 s, and measure

- first: seconds from start to the violation of the 机密 file already on the stick;
- later: seconds from writing another 机密 file deep inside the stick (after the first scan) to
  its violation (the watch: inotify, or polling past the watch bound);
- the ``watch_degraded`` and ``scan_finished`` state seen;
- its main process's CPU over 30 s after that (polling past the watch bound costs one lstat
  per folder per ``agent.watch_rescan_interval``).

    sudo .venv/bin/python benchmarks/hostile_media.py [--folders 200400] [--depth 1300]
        [--only deep,many,mail]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
MARKED = "机密★10年\n关于2025年信贷投放计划的通知\n各支行：现将计划印发给你们。\n".encode()


def _events(db: Path, kind: str) -> list[dict]:  # type: ignore[type-arg]
    if not db.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute("SELECT data FROM events WHERE kind = ?", (kind,)).fetchall()
        finally:
            con.close()
    except sqlite3.Error:
        return []
    return [json.loads(r[0]) for r in rows]


def _wait(db: Path, kind: str, pred, timeout: float) -> float | None:  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if any(pred(d) for d in _events(db, kind)):
            return time.monotonic() - t0
        time.sleep(0.05)
    return None


class Rss:
    def __init__(self, pid: int) -> None:
        self.pid, self.main, self.total, self._stop = pid, 0, 0, threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            try:
                p = psutil.Process(self.pid)
                m = p.memory_info().rss
                k = sum(c.memory_info().rss for c in p.children(recursive=True))
            except psutil.Error:
                continue
            self.main, self.total = max(self.main, m), max(self.total, m + k)

    def stop(self) -> None:
        self._stop.set()


IDLE_S = 30.0


def _cpu_pct(pid: int, seconds: float) -> float:
    """CPU used by the agent's own process over ``seconds``, in % of one core (the watch
    polling runs there; workers come and go)."""
    proc = psutil.Process(pid)
    before = sum(proc.cpu_times()[:2])
    time.sleep(seconds)
    return round(100 * (sum(proc.cpu_times()[:2]) - before) / seconds, 1)


def _mount(tmp: Path, name: str, size_mb: int, inodes: int | None = None) -> Path:
    img, mp = tmp / f"{name}.img", tmp / f"mnt-{name}"
    mp.mkdir()
    subprocess.run(["truncate", "-s", f"{size_mb}M", str(img)], check=True)
    cmd = ["mkfs.ext4", "-q", "-F"] + (["-N", str(inodes)] if inodes else []) + [str(img)]
    subprocess.run(cmd, check=True)
    subprocess.run(["mount", "-o", "loop", str(img), str(mp)], check=True)
    (mp / "机密计划.txt").write_bytes(MARKED)
    return mp


def _deep(mp: Path, depth: int) -> Path:
    fd = os.open(mp, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    os.close(fd)
    return Path(str(mp) + "/d" * depth)


def _many(mp: Path, folders: int) -> Path:
    per = 400
    for i in range(0, folders, per):
        names = [f"g{i // per:04d}/f{j:03d}" for j in range(min(per, folders - i) - 1)]
        (mp / f"g{i // per:04d}").mkdir()
        for n in names:
            os.mkdir(mp / n)
    return mp / f"g{(folders - 1) // per:04d}" / "f000"


def _mail(mp: Path) -> Path:
    first = b"From - Sat Nov 29 10:00:00 2026\nFrom: a@b\nSubject: x\n\nhello\n\n"
    for name, size, head in (("huge.eml", 700 * 2**20, b"From: a@b\r\nSubject: x\r\n\r\n"),
                             ("Sent", 2 * 2**30, first)):
        with (mp / name).open("wb") as fh:
            fh.write(head)
            fh.truncate(size)
    return mp


def run_case(name: str, build, size_mb: int, inodes: int | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    with tempfile.TemporaryDirectory(prefix="secaudit-hostile-") as tmpdir:
        tmp = Path(tmpdir)
        mp = _mount(tmp, name, size_mb, inodes)
        try:
            t_build = time.monotonic()
            target_dir = build(mp)
            build_s = time.monotonic() - t_build
            home = tmp / "home"
            home.mkdir()
            (home / "config.toml").write_text(
                f'[host]\nrole = "intranet"\nname = "bench"\n[agent]\nroots = []\n'
                f'mail_stores = []\nremovable_extra = ["{mp}"]\nworkers = 1\n'
                f'[connectivity]\nprobes = []\ninterval = 60.0\n', encoding="utf-8")
            db = home / "ledger.db"
            proc = subprocess.Popen([sys.executable, "-m", "secaudit", "--home", str(home),
                                     "agent"], cwd=REPO, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            rss = Rss(proc.pid)
            try:
                first = _wait(db, "violation", lambda d: "机密计划" in str(d.get("path")), 600)
                done = _wait(db, "scan_finished", lambda d: d.get("paths") == [str(mp)], 600)
                time.sleep(2)
                t0 = time.monotonic()
                (target_dir / "后来的机密.txt").write_bytes(MARKED)
                later = _wait(db, "violation", lambda d: "后来的机密" in str(d.get("path")), 180)
                later = None if later is None else round(time.monotonic() - t0, 2)
                idle = _cpu_pct(proc.pid, IDLE_S)
            finally:
                proc.terminate()
                proc.wait(30)
                rss.stop()
            finished = _events(db, "scan_finished")
            return {
                "stick": name, "build_s": round(build_s, 1),
                "first_violation_s": None if first is None else round(first, 2),
                "first_scan_done_s": None if done is None else round(done, 2),
                "later_copy_detected_s": later,
                "scan_states": sorted({str(d.get("state")) for d in finished}),
                "watch_degraded": [d.get("reason") for d in _events(db, "watch_degraded")],
                "errors": len(_events(db, "error")),
                f"cpu_pct_over_{IDLE_S:.0f}s_after": idle,
                "rss_agent_mb": round(rss.main / 2**20, 1),
                "rss_with_workers_mb": round(rss.total / 2**20, 1),
            }
        finally:
            subprocess.run(["umount", "-l", str(mp)], check=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folders", type=int, default=200_400)
    ap.add_argument("--depth", type=int, default=1300)
    ap.add_argument("--only", default="deep,many,mail")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (loop mounts)")
    cases = {
        "deep": lambda: run_case("deep", lambda mp: _deep(mp, args.depth), 64),
        "many": lambda: run_case("many", lambda mp: _many(mp, args.folders),
                                 64 + args.folders * 5 // 1024, args.folders + 1000),
        "mail": lambda: run_case("mail", _mail, 64),
    }
    for key in args.only.split(","):
        print(json.dumps(cases[key](), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
