"""Forwarding benchmark (issue 15): ledger events to a local rsyslog over TLS, and idle CPU.

Steps:

1. make a CA and a collector certificate, start ``rsyslogd -n`` in a temporary folder with a
   ``gtls`` listener on 127.0.0.1 and ``omfile`` out (``tests/forward/rsyslog.py``);
2. fill a ledger with ``--events`` events (the scenario kinds of the tests, ~1 KB of ECS each);
3. forward them all with :class:`secaudit.forward.Forwarder` (batches of ``--batch``), close
   gracefully, count the lines rsyslog wrote: events/s, CPU seconds of this process (all threads)
   and of rsyslogd;
4. the same events to an NDJSON file output (``fsync`` per batch): events/s;
5. idle: the agent hook's forwarding thread with a 1 s tick, caught up, for ``--idle`` seconds:
   CPU % of this process.

    .venv/bin/python benchmarks/forward.py [--events 100000] [--batch 500] [--idle 30]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from secaudit.config import Config, load_config  # noqa: E402
from secaudit.config_forward import forward_outputs  # noqa: E402
from secaudit.forward import Forwarder, agent_hook  # noqa: E402
from secaudit.ledger import Ledger  # noqa: E402
from tests.forward.conftest import scenario  # noqa: E402
from tests.forward.rsyslog import Rsyslog, make_certs  # noqa: E402


def _fill(cfg: Config, count: int) -> None:
    items = scenario()
    with Ledger(cfg.home.ledger) as led:
        for start in range(0, count, 10_000):
            n = min(10_000, count - start)
            led.append_many(items[i % len(items)] for i in range(start, start + n))


def _forward_all(cfg: Config, count: int) -> tuple[float, float]:
    """Wall and CPU seconds to deliver every event (cursor at the end, graceful close)."""
    proc = psutil.Process()
    cpu0, t0 = sum(proc.cpu_times()[:2]), time.perf_counter()
    fwd = Forwarder(cfg)
    while fwd.runs[0].cursor < count:
        if fwd.pump(5.0) == 0:
            fwd.flush()
        if fwd.runs[0].last_error:
            raise SystemExit(f"forwarding failed: {fwd.runs[0].last_error}")
    fwd.close()
    return time.perf_counter() - t0, sum(proc.cpu_times()[:2]) - cpu0


@dataclass
class _Agent:
    config: Config
    ledger: Ledger

    def every(self, name: str, interval_s: float, fn: Any) -> None:
        pass


def _idle(cfg: Config, seconds: float) -> float:
    """CPU % of this process with the hook's thread caught up and ticked every second."""
    agent = _Agent(cfg, Ledger(cfg.home.ledger))
    agent_hook._tick(agent)
    time.sleep(3)
    proc = psutil.Process()
    cpu0, t0 = sum(proc.cpu_times()[:2]), time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        time.sleep(agent_hook.POLL_S)
        agent_hook._tick(agent)
    used = sum(proc.cpu_times()[:2]) - cpu0
    wall = time.perf_counter() - t0
    agent_hook.stop(agent)
    agent.ledger.close()
    return 100 * used / wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--idle", type=float, default=30.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="secaudit-fwd-bench-") as tmp:
        root = Path(tmp)
        certs = make_certs(root / "certs")
        server = Rsyslog(root / "rsyslog", certs)
        server.start()
        try:
            base = load_config(str(root / "home"))
            base.home.ensure()
            syslog = forward_outputs([{"type": "syslog", "address": f"127.0.0.1:{server.port}",
                                       "ca": str(certs.ca), "batch": args.batch}], "bench")
            cfg = replace(base, forward=syslog)
            t0 = time.perf_counter()
            _fill(cfg, args.events)
            fill_s = time.perf_counter() - t0
            rs = psutil.Process(server.proc.pid)  # type: ignore[union-attr]
            rs_cpu0 = sum(rs.cpu_times()[:2])
            wall, cpu = _forward_all(cfg, args.events)
            got = server.wait_for(args.events, timeout=120)
            rs_cpu = sum(rs.cpu_times()[:2]) - rs_cpu0
            seqs = {doc["event"]["sequence"] for _, _, doc in got}
            idle = _idle(cfg, args.idle)
        finally:
            server.stop()
        ndjson = replace(base, forward=forward_outputs(
            [{"type": "file", "path": str(root / "events.ndjson"), "batch": args.batch}], "b"))
        file_wall, file_cpu = _forward_all(ndjson, args.events)
        size = sum(p.stat().st_size for p in root.glob("events.ndjson*"))
    result = {
        "events": args.events, "ledger_fill_s": round(fill_s, 2),
        "syslog_tls": {"seconds": round(wall, 2), "events_per_s": round(args.events / wall),
                       "cpu_s": round(cpu, 2), "cpu_pct_of_one_core": round(100 * cpu / wall),
                       "rsyslogd_cpu_s": round(rs_cpu, 2), "lines_received": len(got),
                       "distinct_seqs": len(seqs)},
        "ndjson_file": {"seconds": round(file_wall, 2),
                        "events_per_s": round(args.events / file_wall),
                        "cpu_s": round(file_cpu, 2), "bytes_per_event": size // args.events},
        "idle": {"seconds": args.idle, "cpu_pct": round(idle, 3)},
    }
    print(json.dumps(result, indent=1))
    return 0 if len(seqs) == args.events else 1


if __name__ == "__main__":
    sys.exit(main())
