"""Head-office scale: ingest a year of a bank's branch reports and roll it up.

Target fleet (``--scale 1``): 120 branches × 25 PCs = 3,000 PCs × 12 monthly reports = 36,000
signed reports, mailed in as one zip per branch and month. Targets on 2 cores: ingest ≥ 100
reports/s, the year's roll-up (build + HTML + signature) < 60 s, peak RSS < 500 MB.

How the fleet is made, honestly: every PC gets its own real Ed25519 key pair
(``report.keys.generate_keys``), its own real SQLite ledger filled with a month of agent events,
and one real report issued by ``report.issue.issue_report``. Issuing 36,000 reports that way would
take most of an hour, so the twelve monthly reports of a PC are derived from its real report: the
embedded ``secaudit.report/2`` data is varied (period, chained ledger range, violations, media,
document digests, self-inspection score) and put back into the real page, and the body is signed
with the PC's real key by the real ``report.sign.sign_report``. The visible HTML of the derived
reports is that of the PC's first report; head office reads only the signed data.

Anomalies mixed in: withheld reports (≈1 %, each a gap or a missing PC), a byte changed (≈0.3 %),
re-signed with another PC's key (≈0.2 %), the same range reported twice (≈0.1 %), a tenth of the
branches mailing their months out of order, 30 USB sticks carried across branches and roles,
20 serial-less sticks (UUID only), 60 documents found on several PCs.

Ingest and roll-up run in a child process, so its peak RSS is head office's alone.

    python benchmarks/hq.py --scale 0.05           # 6 branches, a quick look
    python benchmarks/hq.py                        # the full 36,000 reports
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from secaudit.config import load_config
from secaudit.ledger import Ledger
from secaudit.report.build import ReportRequest
from secaudit.report.issue import issue_report
from secaudit.report.keys import generate_keys, load_signing_key
from secaudit.report.render import json_for_html
from secaudit.report.sign import sign_report, split_signed
from secaudit.report.verify import embedded_data

ROLES = ("internet", "intranet", "classified")
DATA_OPEN = b'<script type="application/json" id="secaudit-data">'
RULES = (("SEC-001", "critical", "internet_host"), ("DATA-001", "high", "internet_host"),
         ("MEDIA-001", "critical", "removable_media"), ("MAIL-001", "critical", "email"),
         ("DATA-003", "medium", "local"))  # fmt: skip


def real_pc(root: Path, branch: str, host: str, role: str) -> bytes:
    """One PC's home with a real key, a real ledger and one real report (its bytes)."""
    home = root / "homes" / host
    home.mkdir(parents=True)
    (home / "config.toml").write_text(
        f'[host]\nrole = "{role}"\nbranch = "{branch}"\nname = "{host}"\n', encoding="utf-8"
    )
    config = load_config(home)
    generate_keys(config.home.keys_dir, passphrase=None)
    key = load_signing_key(config.home.keys_dir, passphrase=None)
    with Ledger(config.home.ledger) as led:
        led.append_many(_month_events(host, role))
        issued = issue_report(config, led, ReportRequest(), key=key, out=home / "r.html")
    return issued.path.read_bytes()


def _real_pc(args: tuple[Path, str, str, str]) -> bytes:
    return real_pc(*args)


def _month_events(host: str, role: str) -> list[tuple[str, Any]]:
    desk = "/home/user/桌面"
    return [
        ("agent_started", {"pid": 1, "version": "0.1.0", "config": None, "policy": None,
                           "role": role}),
        ("scan_started", {"scan_id": "s1", "paths": [desk], "channel": "internet_host",
                          "host": {"hostname": host, "role": role}, "policy": None,
                          "trigger": "schedule"}),
        ("finding", {"scan_id": "s1", "path": f"{desk}/（机密）信贷计划.docx", "size": 40960,
                     "sha256": hashlib.sha256(host.encode()).hexdigest(), "format": "docx",
                     "classification": "secret", "channel": "internet_host",
                     "findings": [{"kind": "marking", "level": "secret", "text": "机密★10年",
                                   "location": "body", "member": None, "confidence": "high"}]}),
        ("scan_finished", {"scan_id": "s1", "paths": [desk], "channel": "internet_host",
                           "summary": {"files_scanned": 5000, "bytes_scanned": 2 << 30,
                                       "files_with_findings": 1, "violations": 0, "errors": 0},
                           "not_scanned": {}, "cached_files": 0, "duration_s": 60.0}),
    ]  # fmt: skip


class Fleet:
    """The PCs, their keys and real reports, and the shared sticks and documents."""

    def __init__(self, root: Path, branches: int, pcs: int, rng: random.Random) -> None:
        self.rng = rng
        self.pcs: list[dict[str, Any]] = []
        specs = []
        for b in range(branches):
            for p in range(pcs):
                role = ROLES[0] if p % 5 < 3 else ROLES[1] if p % 5 == 3 else ROLES[2]
                specs.append((root, f"B{b:03d}", f"B{b:03d}-PC{p:02d}", role))
        # the real reports are made by worker processes (ledger fsyncs and jinja2 per PC)
        with ProcessPoolExecutor(os.cpu_count() or 2) as pool:
            pages = list(pool.map(_real_pc, specs, chunksize=8))
        for (_, branch, host, role), page in zip(specs, pages, strict=True):
            key = load_signing_key(root / "homes" / host / "keys", passphrase=None)
            body, _ = split_signed(page)
            prefix, rest = body.split(DATA_OPEN)
            self.pcs.append({
                "branch": branch, "host": host, "role": role, "key": key,
                "model": embedded_data(page), "prefix": prefix + DATA_OPEN,
                "suffix": rest[rest.index(b"</script>"):],
            })  # fmt: skip
        everyone = list(range(len(self.pcs)))
        self.sticks = {f"SN{i:04d}X": rng.sample(everyone, rng.randint(2, 4)) for i in range(30)}
        self.uuids = {f"{i:04X}-C0DE": rng.sample(everyone, 2) for i in range(20)}
        self.docs = {hashlib.sha256(f"doc{i}".encode()).hexdigest(): rng.sample(
            everyone, rng.randint(2, 10)) for i in range(60)}  # fmt: skip


def monthly_report(fleet: Fleet, i: int, month: int, year: int, chain: dict[int, Any]) -> bytes:
    """PC ``i``'s report for ``month``: its real report's data varied, signed with its key."""
    pc, rng = fleet.pcs[i], fleet.rng
    model = json.loads(json.dumps(pc["model"]))
    first, prev = chain.get(i, (1, "0" * 64))
    last = first + rng.randint(20, 400)
    last_hash = hashlib.sha256(f"{pc['host']}:{last}".encode()).hexdigest()
    chain[i] = (last + 1, last_hash)
    since = f"{year}-{month:02d}-01T08:00:00+08:00"
    until = f"{year}-{month:02d}-28T17:00:00+08:00"
    model.update(generated=until, period={"since": since, "until": until},
                 ledger_range={"first_seq": first, "last_seq": last, "prev_hash": prev,
                               "last_hash": last_hash})  # fmt: skip
    model["violations"] = [
        {"seq": first + k, "ts": since, "rule": r, "severity": s, "channel": c,
         "title": f"{r} 违规", "path": f"/home/user/桌面/文件{k}.docx", "member": None,
         "level": "secret", "basis": "", "remedy": ""}
        for k, (r, s, c) in enumerate(RULES) if rng.random() < 0.15
    ]  # fmt: skip
    model["media"] = [_medium(s, None, since, pc) for s, who in fleet.sticks.items()
                      if i in who and rng.random() < 0.3]  # fmt: skip
    model["media"] += [_medium(None, u, since, pc) for u, who in fleet.uuids.items()
                       if i in who and rng.random() < 0.3]  # fmt: skip
    for d, who in fleet.docs.items():
        if i in who and rng.random() < 0.5:
            model["findings"].append({**model["findings"][0], "sha256": d})
    score = round(rng.uniform(60, 100), 1)
    model["selfcheck"] = {"score": score, "verdict": "meets" if score >= 90 else
                          "largely_meets" if score >= 75 else "fails", "veto": None,
                          "grading": "", "automatic": []}  # fmt: skip
    body = pc["prefix"] + json_for_html(model).encode() + pc["suffix"]
    return sign_report(body, pc["key"])


def _medium(serial: str | None, fs_uuid: str | None, ts: str, pc: dict) -> dict[str, Any]:
    return {"seq": 1, "ts": ts, "event": "inserted", "host_role": pc["role"],
            "medium": {"serial": serial, "fs_uuid": fs_uuid, "vendor": "Kingston",
                       "model": "DT", "label": "U盘", "registered_role": None}}  # fmt: skip


def generate(root: Path, branches: int, pcs: int, months: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    t0 = time.perf_counter()
    fleet = Fleet(root, branches, pcs, rng)
    t_real = time.perf_counter() - t0
    roster = root / "roster"
    (roster / "keys").mkdir(parents=True)
    lines = ["branch,branch name,host,role,key"]
    for pc in fleet.pcs:
        src = root / "homes" / pc["host"] / "keys" / "secaudit.pub"
        (roster / "keys" / f"{pc['host']}.pub").write_bytes(src.read_bytes())
        lines.append(f"{pc['branch']},网点{pc['branch']},{pc['host']},{pc['role']},"
                     f"keys/{pc['host']}.pub")  # fmt: skip
    (roster / "roster.csv").write_bytes("\r\n".join(lines).encode("gbk"))
    counts = {"reports": 0, "withheld": 0, "tampered": 0, "resigned": 0, "conflict": 0}
    chain: dict[int, Any] = {}
    mail = root / "mail"
    mail.mkdir()
    for month in range(1, months + 1):
        by_branch: dict[str, list[tuple[str, bytes]]] = {}
        for i, pc in enumerate(fleet.pcs):
            data = monthly_report(fleet, i, month, 2026, chain)
            name = f"{pc['host']}-2026-{month:02d}.html"
            roll = rng.random()
            if roll < 0.01:
                counts["withheld"] += 1
                continue
            if roll < 0.013:
                flipped = bytearray(data)
                flipped[len(data) // 2] ^= 1
                data, counts["tampered"] = bytes(flipped), counts["tampered"] + 1
            elif roll < 0.015:
                other = fleet.pcs[(i + 1) % len(fleet.pcs)]["key"]
                data, counts["resigned"] = sign_report(split_signed(data)[0], other), counts[
                    "resigned"] + 1  # fmt: skip
            elif roll < 0.016:
                chain[i] = (chain[i][0] - 5, chain[i][1])  # the next report overlaps this one
                counts["conflict"] += 1
            by_branch.setdefault(pc["branch"], []).append((name, data))
            counts["reports"] += 1
        for branch, files in by_branch.items():
            with zipfile.ZipFile(mail / f"{branch}-2026-{month:02d}.zip", "w",
                                 zipfile.ZIP_DEFLATED, compresslevel=1) as zf:  # fmt: skip
                for name, data in files:
                    zf.writestr(f"{branch}/{name}", data)
    zips = sorted(mail.iterdir())
    late = {pc["branch"] for pc in fleet.pcs if rng.random() < 0.1 / pcs}
    order = [z for z in zips if z.name[:4] not in late]
    order += sorted((z for z in zips if z.name[:4] in late), key=lambda z: z.name[::-1])
    (root / "order.txt").write_text("\n".join(map(str, order)), encoding="utf-8")
    counts.update(pcs=len(fleet.pcs), real_reports_s=round(t_real, 1),
                  generate_s=round(time.perf_counter() - t0, 1))  # fmt: skip
    return counts


def hq_phase(root: Path) -> dict[str, Any]:
    """Roster import, ingest of every zip, the year's roll-up (in this process)."""
    from secaudit.hq.ingest import ingest
    from secaudit.hq.inputs import read_inputs
    from secaudit.hq.issue import issue_rollup
    from secaudit.hq.roster import import_roster
    from secaudit.hq.store import Store
    from secaudit.hq.window import between

    home = root / "hq"
    shutil.rmtree(home, ignore_errors=True)  # a fresh head office for every run
    config = load_config(home)
    paths = [Path(p) for p in (root / "order.txt").read_text(encoding="utf-8").splitlines()]
    out: dict[str, Any] = {}
    with Store.of_home(home) as store:
        t0 = time.perf_counter()
        roster = import_roster(store, root / "roster" / "roster.csv")
        out["roster_s"] = round(time.perf_counter() - t0, 2)
        out["roster_errors"] = len(roster.errors)
        t0 = time.perf_counter()
        status: dict[str, int] = {}
        for o in ingest(store, read_inputs(paths)):
            status[o.status] = status.get(o.status, 0) + 1
        ingest_s = time.perf_counter() - t0
        reasons = dict(store.db.execute("SELECT reason, count(*) FROM quarantine GROUP BY 1"))
        t0 = time.perf_counter()
        issued = issue_rollup(config, store, between("2026-01-01", "2027-01-01"),
                              out=root / "year.html")  # fmt: skip
        rollup_s = time.perf_counter() - t0
    total = sum(v for k, v in status.items() if k != "skipped")
    db = home / "hq.db"
    out.update(
        ingested=status, quarantine=reasons, ingest_s=round(ingest_s, 1),
        ingest_per_s=round(total / ingest_s, 1), rollup_s=round(rollup_s, 1),
        rollup_html_mb=round(issued.path.stat().st_size / 2**20, 1),
        totals=issued.model["totals"],
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        store_mb=round(sum(p.stat().st_size for p in home.glob("hq.db*")) / 2**20, 1),
        store_db=str(db),
    )  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the 120 branches")
    ap.add_argument("--pcs", type=int, default=25)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--workdir", type=Path, help="keep the fleet here (default: a temp dir)")
    ap.add_argument("--phase", choices=("all", "hq"), default="all",
                    help="hq: only ingest and roll up again, on the fleet kept in --workdir")
    args = ap.parse_args()
    if args.phase == "hq":
        print(json.dumps(hq_phase(args.workdir), ensure_ascii=False))
        return
    root = args.workdir or Path(tempfile.mkdtemp(prefix="secaudit-hq-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    branches = max(1, round(120 * args.scale))
    print(f"fleet: {branches} branches × {args.pcs} PCs × {args.months} months in {root}")
    gen = generate(root, branches, args.pcs, args.months, args.seed)
    print("generated:", json.dumps(gen, ensure_ascii=False))
    proc = subprocess.run(
        [sys.executable, __file__, "--phase", "hq", "--workdir", str(root)],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"},
    )  # fmt: skip
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    print("head office:", json.dumps(res, ensure_ascii=False, indent=1))
    print(f"ingest {res['ingest_per_s']} reports/s (target ≥ 100), year roll-up "
          f"{res['rollup_s']} s (target < 60), peak RSS {res['peak_rss_mb']} MB (target < 500), "
          f"store {res['store_mb']} MB")  # fmt: skip


if __name__ == "__main__":
    main()
