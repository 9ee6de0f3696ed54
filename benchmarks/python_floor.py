"""The floor under any CPython scanner on the plain-text tree: read + decode only, no detection.

    python benchmarks/python_floor.py [--keep DIR]

Issue 2 asks the text tree (10,000 × 30 KB) at ≥ 0.2× ripgrep's files/s. This script measures
what the interpreter costs before a single detector runs, so the gap can be judged honestly:

- per file, one process: open + read, UTF-8 decode (what every str detector needs), SHA-256
  (the evidence hash the scan contract carries);
- the whole tree read + decoded by a pool of processes, one per core (fork, batches of 100);
- the start-up of ``python -c pass`` and of ``import secaudit.cli``;
- ``rg -F -f keywords`` on the same tree (page cache warm), and the files/s ratio each of the
  above would reach if it were the whole scan.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_mixed import generate_text_tree  # noqa: E402
from scan_speed import KEYWORDS, timed  # noqa: E402


def files_of(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*") if p.is_file())


def read_decode(paths: list[str]) -> int:
    n = 0
    for p in paths:
        with open(p, "rb") as fh:
            n += len(fh.read().decode("utf-8", "replace"))
    return n


def per_file(paths: list[str]) -> dict[str, float]:
    t0 = time.perf_counter()
    blobs = []
    for p in paths:
        with open(p, "rb") as fh:
            blobs.append(fh.read())
    t1 = time.perf_counter()
    for b in blobs:
        b.decode("utf-8")
    t2 = time.perf_counter()
    for b in blobs:
        hashlib.sha256(b).digest()
    t3 = time.perf_counter()
    n = len(paths)
    return {"read": (t1 - t0) / n, "decode": (t2 - t1) / n, "sha256": (t3 - t2) / n}


def pool_read_decode(paths: list[str]) -> float:
    batches = [paths[i : i + 100] for i in range(0, len(paths), 100)]
    t0 = time.perf_counter()
    with get_context("fork").Pool(os.cpu_count() or 1) as pool:
        sum(pool.imap_unordered(read_decode, batches))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--text-files", type=int, default=10000)
    ap.add_argument("--keep", type=Path, help="reuse/keep the corpus in this folder")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="secaudit-floor-"))
    text = work / "text"
    if not text.exists():
        generate_text_tree(text, a.text_files)
    paths = files_of(text)
    read_decode(paths)  # page cache warm, as for rg
    costs = per_file(paths)
    pool = pool_read_decode(paths)
    bare = timed([sys.executable, "-c", "pass"])
    cli = timed([sys.executable, "-c", "import secaudit.cli"])
    n = len(paths)
    print(f"machine: {os.cpu_count()} cores; {n} files in {text}")
    for k, v in costs.items():
        print(f"  {k:<8} {v * 1e6:7.1f} µs/file (one process)")
    print(f"  read+decode, {os.cpu_count()} processes: {pool:.3f} s ({n / pool:,.0f} files/s)")
    print(f"  start-up: python {bare:.3f} s, import secaudit.cli {cli:.3f} s")
    if shutil.which("rg"):
        kw = work / "keywords.txt"
        kw.write_text("\n".join(KEYWORDS) + "\n", encoding="utf-8")
        cmd = ["rg", "-F", "-c", "-f", str(kw), str(text)]
        timed(cmd)
        rg = min(timed(cmd) for _ in range(3))
        print(f"  rg -F -f keywords: {rg:.3f} s ({n / rg:,.0f} files/s)")
        floor = pool + cli
        print(f"  floor (read+decode on all cores + CLI start-up) {floor:.3f} s "
              f"= {rg / floor:.2f}x rg; 0.2x rg needs the whole scan within {rg / 0.2:.3f} s")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
