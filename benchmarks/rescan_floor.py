"""The floor under an unchanged rescan through a typer CLI: how fast can the whole command be?

    python benchmarks/rescan_floor.py [--keep DIR]

Issue 2 asks an unchanged rescan of the mixed corpus to be ≥ 20x faster than the cold scan, as
whole commands. This script times, on the same corpus and cache:

- ``secaudit scan`` cold (empty cache) and unchanged (all from the cache), as scan_speed.py does;
- a *minimal* rescan program: a one-command typer app that loads secaudit's config, reads the
  cache rows, walks the tree, decodes the cached results and writes the JSON of the files with
  findings — no policy, no violations, no scan bookkeeping. Nothing a real rescan could skip.

If even the minimal program is slower than cold/20, the target is out of reach for any CLI built
on CPython + typer with this cache, whatever the scanner does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_mixed import generate_mixed  # noqa: E402
from scan_speed import secaudit_cmd, timed  # noqa: E402

MINIMAL = '''
import json, os, sqlite3, sys
import typer

app = typer.Typer(add_completion=False)


@app.command()
def scan(paths: list[str], home: str = typer.Option(...), output: str = os.devnull) -> None:
    from secaudit.scan.cache import decode_result
    from secaudit.config import load_config
    from secaudit.scan.walk import WalkEntry, walk

    load_config(home)
    db = sqlite3.connect(os.path.join(home, "cache", "scan-cache.db"))
    rows = {r[0]: r[1:] for r in db.execute(
        "SELECT path, size, mtime_ns, inode, version, result FROM files")}
    files = []
    for entry in walk([os.path.abspath(p) for p in paths]):
        if isinstance(entry, WalkEntry):
            row = rows.get(entry.path)
            if row and row[:3] == (entry.size, entry.mtime_ns, entry.inode):
                result = decode_result(entry.path, entry.mtime_ns, row[4])
                if result.findings or result.errors:
                    files.append(result.to_json())
    with open(output, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"files": files}, ensure_ascii=False))
    print(len(rows), len(files), file=sys.stderr)


app()
'''


def best(cmd: list[str], runs: int = 5) -> float:
    return min(timed(cmd) for _ in range(runs))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--keep", type=Path, help="reuse/keep the corpus in this folder")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="secaudit-rescan-"))
    mixed = work / "mixed"
    if not mixed.exists():
        generate_mixed(mixed, a.files)
    home = Path(tempfile.mkdtemp(prefix="secaudit-rescan-home-"))
    program = home / "minimal_rescan.py"
    program.write_text(MINIMAL, encoding="utf-8")
    try:
        cmd = secaudit_cmd(home, mixed)
        colds = []
        for _ in range(2):
            shutil.rmtree(home / "cache", ignore_errors=True)
            colds.append(timed(cmd))
        cold = min(colds)
        rescan = best(cmd)
        minimal_cmd = [sys.executable, str(program), str(mixed), "--home", str(home)]
        check = subprocess.run(minimal_cmd, capture_output=True, text=True, check=True)
        rows, listed = (int(x) for x in check.stderr.split())
        if rows < a.files:
            sys.exit(f"the cache holds {rows} rows for {a.files} files: not a full rescan")
        minimal = best(minimal_cmd)
        bare = best([sys.executable, "-c", "import typer"])
        print(f"machine: {os.cpu_count()} cores; {a.files} files in {mixed}")
        print(f"  secaudit scan cold            {cold:.3f} s")
        print(f"  secaudit scan unchanged       {rescan:.3f} s  = {cold / rescan:.1f}x")
        print(f"  minimal typer rescan program  {minimal:.3f} s  = {cold / minimal:.1f}x "
              f"({rows} cache rows, {listed} files listed)")
        print(f"  python + import typer alone   {bare:.3f} s")
        print(f"  20x needs the whole rescan within {cold / 20:.3f} s")
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"  (benchmark ran {time.perf_counter() - t0:.0f} s)")
