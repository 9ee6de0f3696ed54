"""Agent benchmark (issue 5): latency, burst throughput, idle footprint of a real agent process.

Needs root (it loop-mounts an ext4 image as a USB stick). Steps:

1. mount the image, configure a home with ``agent.removable_extra`` = its mount point, start
   ``python -m secaudit --home H agent`` and wait for its first scan of the medium;
2. latency: write ``--files`` marked .txt files one after another onto the medium; for each,
   the time from ``close()`` of the file to its ``violation`` row in the ledger (ledger polled
   every 10 ms) -> p50 / p95 / max;
3. throughput: write ``--burst`` marked files as fast as possible; time until the last of them
   has its violation -> files/s;
4. idle: wait ``--settle`` s (35: the agent stops its worker processes after 30 s without a
   job), then sample its RSS and CPU time (main process, and its
   worker processes separately) over ``--idle`` seconds.

    sudo .venv/bin/python benchmarks/agent.py [--files 60] [--burst 1000] [--idle 60] [--polling]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
MARKED = "机密★10年\n关于2025年信贷投放计划的通知\n各支行：现将计划印发给你们。\n".encode()


def _violation_paths(db: Path, since_seq: int) -> tuple[set[str], int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        rows = con.execute(
            "SELECT seq, json_extract(data, '$.path') FROM events WHERE kind='violation' AND seq>?",
            (since_seq,),
        ).fetchall()
    finally:
        con.close()
    return {r[1] for r in rows if r[1]}, max([since_seq, *(r[0] for r in rows)])


def _wait_paths(db: Path, wanted: set[str], timeout: float, poll: float = 0.01) -> float:
    """Seconds until every path in ``wanted`` has a violation (raises on timeout)."""
    t0, seen, seq = time.perf_counter(), set(), 0
    while not wanted <= seen:
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError(f"{len(wanted - seen)} violations missing after {timeout}s")
        time.sleep(poll)
        got, seq = _violation_paths(db, seq)
        seen |= got
    return time.perf_counter() - t0


def _mount(tmp: Path) -> Path:
    image, mp = tmp / "usb.img", tmp / "usb"
    mp.mkdir()
    subprocess.run(["truncate", "-s", "256M", str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(mp)], check=True)
    return mp


def _start(home: Path, mp: Path, polling: bool) -> subprocess.Popen[bytes]:
    home.mkdir()
    (home / "config.toml").write_text(
        "[host]\nrole = \"intranet\"\n"
        f"[agent]\nroots = []\nmail_stores = []\nremovable_extra = [\"{mp}\"]\n"
        f"watch_polling = {'true' if polling else 'false'}\n"
        "[connectivity]\nprobes = [\"127.0.0.1:9\"]\nprobe_timeout = 0.5\ninterval = 60.0\n",
        encoding="utf-8",
    )
    return subprocess.Popen([sys.executable, "-m", "secaudit", "--home", str(home), "agent"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _latency(db: Path, mp: Path, n: int) -> list[float]:
    out = []
    for i in range(n):
        path = mp / "lat" / f"plan-{i:03d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(MARKED)
        out.append(_wait_paths(db, {str(path)}, timeout=30))
    return out


def _burst(db: Path, mp: Path, n: int) -> float:
    folder = mp / "burst"
    folder.mkdir()
    paths = set()
    t0 = time.perf_counter()
    for i in range(n):
        p = folder / f"doc-{i:04d}.txt"
        p.write_bytes(MARKED)
        paths.add(str(p))
    _wait_paths(db, paths, timeout=600, poll=0.1)
    return time.perf_counter() - t0


def _idle(pid: int, seconds: float) -> dict[str, float]:
    proc = psutil.Process(pid)
    kids = proc.children(recursive=True)
    c0 = proc.cpu_times()
    k0 = {k.pid: k.cpu_times() for k in kids}
    time.sleep(seconds)
    c1 = proc.cpu_times()
    busy = (c1.user - c0.user) + (c1.system - c0.system)
    kid_busy = sum((k.cpu_times().user - k0[k.pid].user) + (k.cpu_times().system - k0[k.pid].system)
                   for k in kids if k.is_running())
    return {
        "rss_mb": proc.memory_info().rss / 2**20,
        "cpu_pct": 100 * busy / seconds,
        "workers": len(kids),
        "workers_rss_mb": sum(k.memory_info().rss for k in kids if k.is_running()) / 2**20,
        "workers_cpu_pct": 100 * kid_busy / seconds,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=60)
    ap.add_argument("--burst", type=int, default=1000)
    ap.add_argument("--idle", type=float, default=60.0)
    ap.add_argument("--settle", type=float, default=35.0,
                    help="seconds after the burst before the idle window (workers stop after 30)")
    ap.add_argument("--polling", action="store_true", help="force the polling observer")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("benchmarks/agent.py needs root (loop mount)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="secaudit-bench-") as tmp:
        mp = _mount(Path(tmp))
        home = Path(tmp) / "home"
        agent = _start(home, mp, args.polling)
        try:
            db = home / "ledger.db"
            while not db.exists():
                time.sleep(0.05)
            time.sleep(2.0)  # first scan of the (empty) medium
            lat = sorted(_latency(db, mp, args.files))
            burst_s = _burst(db, mp, args.burst)
            time.sleep(args.settle)  # past the consumer's idle release of the workers
            idle = _idle(agent.pid, args.idle)
        finally:
            agent.send_signal(signal.SIGTERM)
            agent.wait(60)
            subprocess.run(["umount", str(mp)], check=False)
    q = statistics.quantiles(lat, n=100)
    result = {
        "observer": "polling" if args.polling else "inotify",
        "latency_files": len(lat), "latency_p50_s": round(q[49], 3),
        "latency_p95_s": round(q[94], 3), "latency_max_s": round(lat[-1], 3),
        "burst_files": args.burst, "burst_s": round(burst_s, 2),
        "burst_files_per_s": round(args.burst / burst_s, 1),
        "idle_s": args.idle, **{f"idle_{k}": round(v, 2) for k, v in idle.items()},
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
