"""Scan speed: secaudit vs clamscan (mixed corpus) and ripgrep (plain-text and number trees).

    python benchmarks/scan_speed.py [--files 2000] [--text-files 10000] [--number-files 10000]
                                    [--rescan-files 20000] [--keep DIR] [--only mixed,text]

Trees: ``mixed`` (``gen_bank.py``: what a branch PC holds — statements with amounts and account
numbers in xlsx/docx/PDF with non-embedded CID fonts, mails with attachments, zips, legacy
Office, logs, HTML, Markdown, RTF, OFD, scans),
``text`` (30 KB Chinese prose), ``numbers`` (the same prose, every line ending in an 8-digit
amount, as ledgers and statements do), ``rescan`` (the mixed tree copied until it holds
``--rescan-files`` files, for the unchanged-rescan figure where start-up does not dominate).
``--generate-only`` writes the trees into ``--keep DIR`` and stops; ``--only`` runs only the named
trees (``mixed``, ``text``, ``numbers``, ``rescan``; comma-separated).

Prints files/s and MB/s for a cold scan and an unchanged rescan of both trees through the real
CLI (`secaudit scan --format json`, worker processes on all cores, incremental cache, OCR off as
with ``--no-ocr``), and in the
same run `clamscan -r` with a one-signature database on the mixed corpus and `rg -F -f keywords`
on the text tree. Needs Debian's clamav and ripgrep (`apt-get install clamav ripgrep`).
ripgrep's peer search on the number tree is one regex for the marking words and the number
candidates' shapes (``RG_NUMBERS``). Every tool's timed run finds the tree in the page cache
(``warm_page_cache`` before secaudit's cold scan, a warm-up run of rg; clamscan runs after
secaudit on the same tree).
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

from gen_bank import generate_bank  # noqa: E402
from gen_mixed import generate_number_tree, generate_text_tree  # noqa: E402

KEYWORDS = ["绝密", "机密", "秘密", "核心商密", "普通商密", "商密", "内部资料", "限内部使用"]
RG_NUMBERS = "|".join(KEYWORDS) + r"|[0-9]{11}|[0-9]{3,6}[ -][0-9]{4}|[0-9A-Z]{18}"


def tree_size(root: Path) -> tuple[int, int]:
    files = nbytes = 0
    for dirpath, _, names in os.walk(root):
        for n in names:
            files += 1
            nbytes += os.path.getsize(os.path.join(dirpath, n))
    return files, nbytes


def warm_page_cache(root: Path) -> None:
    """Read every file once, so a cold scan (no secaudit cache) starts, as its peers' timed runs
    do after their warm-up run, with the tree in the page cache: the figure is the scanner's,
    not the disk's."""
    for dirpath, _, names in os.walk(root):
        for n in names:
            with open(os.path.join(dirpath, n), "rb") as fh:
                while fh.read(1 << 20):
                    pass


def timed(cmd: list[str], ok: tuple[int, ...] = (0, 1)) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    dt = time.perf_counter() - t0
    if proc.returncode not in ok:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return dt


def line(name: str, files: int, nbytes: int, seconds: float) -> str:
    return (
        f"{name:<38} {seconds:8.2f} s {files / seconds:10.0f} files/s "
        f"{nbytes / 1e6 / seconds:8.1f} MB/s"
    )


def secaudit_cmd(home: Path, root: Path) -> list[str]:
    exe = shutil.which("secaudit", path=str(Path(sys.executable).parent)) or "secaudit"
    return [exe, "--home", str(home), "scan", "--no-ledger", "--format", "json",
            "--output", os.devnull, str(root)]


def library_scan(home: Path, root: Path) -> tuple[float, float]:
    """Cold and unchanged-rescan times of ``Scanner.scan`` in one process (no start-up cost)."""
    from secaudit.config import load_config
    from secaudit.context import ScanContext
    from secaudit.policy import load_policy
    from secaudit.scan.scanner import Scanner

    shutil.rmtree(home / "cache", ignore_errors=True)
    with Scanner(load_config(home), load_policy()) as scanner:
        scanner.scan([root], ScanContext())  # start the worker processes once (not timed twice)
        shutil.rmtree(home / "cache", ignore_errors=True)
    with Scanner(load_config(home), load_policy()) as scanner:
        t0 = time.perf_counter()
        scanner.scan([root], ScanContext())
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        scanner.scan([root], ScanContext())
        warm = time.perf_counter() - t0
    return cold, warm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--text-files", type=int, default=10000)
    ap.add_argument("--number-files", type=int, default=10000)
    ap.add_argument("--rescan-files", type=int, default=20000)
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--keep", type=Path, help="reuse/keep the corpus in this folder")
    ap.add_argument("--only", help="run only these trees: mixed,text,numbers,rescan")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="secaudit-bench-"))
    mixed, text, numbers, rescan = (work / n for n in ("mixed", "text", "numbers", "rescan"))
    if not mixed.exists():
        generate_bank(mixed, a.files)
    if not text.exists():
        generate_text_tree(text, a.text_files)
    if not numbers.exists() and a.number_files:
        generate_number_tree(numbers, a.number_files)
    if not rescan.exists() and a.rescan_files:
        for copy in range(-(-a.rescan_files // a.files)):
            shutil.copytree(mixed, rescan / f"copy{copy:02d}")
    if a.generate_only:
        print(f"trees written under {work}")
        return
    home = Path(tempfile.mkdtemp(prefix="secaudit-bench-home-"))
    # OCR off (as `--no-ocr`): the peers read no pictures either; OCR speed is ocr_speed.py's
    (home / "config.toml").write_text('[scan]\nocr = "off"\n', encoding="utf-8")
    print(f"machine: {os.cpu_count()} cores; corpus in {work}")
    out = []
    colds: dict[str, float] = {}
    trees = [("mixed corpus", mixed), ("text tree", text), ("number tree", numbers),
             ("rescan tree", rescan)]
    if a.only:
        keys = dict(zip(("mixed", "text", "numbers", "rescan"), trees, strict=True))
        unknown = set(a.only.split(",")) - set(keys)
        if unknown:
            sys.exit(f"--only: unknown tree(s) {', '.join(sorted(unknown))}")
        trees = [t for k, t in keys.items() if k in a.only.split(",")]
    for label, root in trees:
        if not root.exists():
            continue
        files, nbytes = tree_size(root)
        print(f"{label}: {files} files, {nbytes / 1e6:.1f} MB")
        shutil.rmtree(home / "cache", ignore_errors=True)
        warm_page_cache(root)
        cold = timed(secaudit_cmd(home, root))
        warm = timed(secaudit_cmd(home, root))
        colds[label] = files / cold
        out.append(line(f"secaudit cold ({label})", files, nbytes, cold))
        out.append(line(f"secaudit unchanged rescan ({label})", files, nbytes, warm))
        out.append(f"{'':<38} rescan speed-up {cold / warm:.1f}x (whole command)")
        if label == "rescan tree":
            continue  # its figure is the whole command's
        lib_cold, lib_warm = library_scan(home, root)
        out.append(line(f"library Scanner.scan cold ({label})", files, nbytes, lib_cold))
        out.append(line(f"library Scanner.scan rescan ({label})", files, nbytes, lib_warm))
        out.append(f"{'':<38} rescan speed-up {lib_cold / lib_warm:.1f}x (in one process)")
        if label == "mixed corpus" and shutil.which("clamscan"):
            db = home / "onesig.ndb"
            db.write_text("Secaudit.Bench.Marker:0:*:5345434155444954424e4348\n")
            clam = timed(["clamscan", "-r", "--quiet", "-d", str(db), str(root)])
            out.append(line("clamscan -r, 1 signature (mixed)", files, nbytes, clam))
            out.append(f"{'':<38} secaudit/clamscan speed {clam / cold:.2f}x")
        if label == "text tree" and shutil.which("rg"):
            kw = home / "keywords.txt"
            kw.write_text("\n".join(KEYWORDS) + "\n", encoding="utf-8")
            rg_cmd = ["rg", "-F", "-c", "-f", str(kw), str(root)]
            timed(rg_cmd)  # warm the page cache equally
            rg = timed(rg_cmd)
            out.append(line("rg -F -f keywords (text)", files, nbytes, rg))
            out.append(f"{'':<38} secaudit/rg files/s {rg / cold:.2f}x")
        if label == "number tree" and shutil.which("rg"):
            rg_cmd = ["rg", "-c", "-e", RG_NUMBERS, str(root)]
            timed(rg_cmd)
            rg = timed(rg_cmd)
            out.append(line("rg -e words|number shapes (numbers)", files, nbytes, rg))
            out.append(f"{'':<38} secaudit/rg files/s {rg / cold:.2f}x")
            if "text tree" in colds:
                ratio = colds["text tree"] / colds[label]
                out.append(f"{'':<38} numbers cost {ratio:.2f}x the plain prose (files/s)")
    print("\n".join(out))
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
