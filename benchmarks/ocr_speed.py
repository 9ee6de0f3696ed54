"""OCR pages/s of a real ``secaudit scan`` beside plain ``tesseract`` on the same pages.

    python benchmarks/ocr_speed.py [--scans 8] [--workers 2] [--repeat 2] [--keep DIR]
    python benchmarks/ocr_speed.py --page [--dpi 200] [--scan-dpi 200] [--size 10.5]

Tree mode (default) builds a folder of generated scans (:mod:`benchmarks.ocr_tree`: A4 scans
with bank text and ID numbers as JPEG files and image-only PDFs, phone photos of notices, photos
without text, logos, the same images again in other files) and, in the same run:

- ``secaudit scan --no-cache --no-ledger --workers N`` with a fresh home (cold: every image is
  judged), then again with the same home (the OCR verdicts of images without text are kept;
  ``--no-cache`` does not clear them);
- ``tesseract PAGE stdout -l chi_sim`` (tesseract's own defaults, one thread each, N at a time)
  on the pages that hold text — the limit for the same work;
- the same ``tesseract`` on every image and page of the tree — the cost of OCR'ing everything.

Each figure is the best of ``--repeat`` runs (the machine may be shared). Prints wall time,
pages/s and its ratio to tesseract's own time (target ≤ 1.3×), the CPU seconds of all processes
(secaudit, its workers, every tesseract; steadier than wall time on a loaded machine) and their
ratio, and how many ID numbers the scan found.

Page mode is the resolution check of one A4 notice rendered from a PDF (``--dpi``): seconds per
page and whether the marking and the ID number were read.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ocr_tree import Tree, a4_scan, build  # noqa: E402

ENV = dict(os.environ, OMP_THREAD_LIMIT="1")


Cost = tuple[float, float]
"""(wall seconds, CPU seconds of all child processes: user + system)."""


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _adopt_orphans() -> None:
    """Become the child subreaper (Linux ``prctl(PR_SET_CHILD_SUBREAPER)``): the scan's fork
    server and its workers, orphaned when the scan exits, are reaped here, so their CPU time (and
    tesseract's) is counted in ``RUSAGE_CHILDREN``."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)


def _reap() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def secaudit_scan(tree: Tree, home: Path, workers: int) -> tuple[Cost, dict]:  # type: ignore[type-arg]
    cmd = [sys.executable, "-m", "secaudit", "--home", str(home), "scan", "--no-cache",
           "--no-ledger", "--format", "json", "--workers", str(workers), str(tree.root)]
    start, cpu = time.perf_counter(), _children_cpu()
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=ENV)  # noqa: S603
    _reap()
    cost = (time.perf_counter() - start, _children_cpu() - cpu)
    return cost, json.loads(out.stdout)


def tesseract_on(images: list[Path], workers: int) -> Cost:
    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), "stdout", "-l", "chi_sim"],  # noqa: S607
                       capture_output=True, check=True, env=ENV)

    start, cpu = time.perf_counter(), _children_cpu()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - start, _children_cpu() - cpu


def _best(old: Cost | None, new: Cost) -> Cost:
    return new if old is None else (min(old[0], new[0]), min(old[1], new[1]))


def ids_found(doc: dict) -> int:  # type: ignore[type-arg]
    return sum(f.get("count", 0) for file in doc["files"] for f in file["findings"]
               if f.get("type") == "cn_resident_id")


def skipped(doc: dict) -> int:  # type: ignore[type-arg]
    return sum("no text-like content" in e["detail"] for file in doc["files"]
               for e in file["errors"])


def tree_mode(args: argparse.Namespace, base: Path) -> None:
    tree = build(base, args.scans)
    _adopt_orphans()
    pages, files = len(tree.pages), sum(1 for p in tree.root.rglob("*") if p.is_file())
    print(f"tree: {files} files, {pages} pages with text, {len(tree.everything)} images and "
          f"pages in all; {args.workers} workers, best of {args.repeat}")
    best: dict[str, Cost | None] = dict.fromkeys(("peer", "cold", "warm", "all"))
    loads = [os.getloadavg()[0]]
    for n in range(args.repeat):
        best["peer"] = _best(best["peer"], tesseract_on(tree.pages, args.workers))
        home = base / f"home{n}"
        cost, cold = secaudit_scan(tree, home, args.workers)
        best["cold"] = _best(best["cold"], cost)
        cost, warm = secaudit_scan(tree, home, args.workers)
        best["warm"] = _best(best["warm"], cost)
        best["all"] = _best(best["all"], tesseract_on(tree.everything, args.workers))
        loads.append(os.getloadavg()[0])
    peer = best["peer"]
    assert peer is not None
    rows = [("tesseract CLI, pages with text", "peer"),
            ("secaudit scan, first time", "cold"),
            ("secaudit scan again (--no-cache)", "warm"),
            ("tesseract CLI, every image", "all")]
    print(f"  {'':34} {'wall':>6}  {'pages/s':>7}  {'× tess.':>7}  {'CPU':>6}  {'× tess.':>7}")
    for label, key in rows:
        wall, cpu = best[key] or peer
        print(f"  {label:34} {wall:5.1f}s  {pages / wall:7.2f}  {wall / peer[0]:6.2f}×  "
              f"{cpu:5.1f}s  {cpu / peer[1]:6.2f}×")
    print(f"  load average (1 min) at the start and after each run: "
          f"{' '.join(f'{x:.1f}' for x in loads)}")
    print(f"  ID numbers found: cold {ids_found(cold)}/{pages}, again {ids_found(warm)}/{pages}; "
          f"images skipped as without text: {skipped(cold)} (cold), {skipped(warm)} (again)")


def page_mode(args: argparse.Namespace) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    import secaudit.extract.pdf.pdf_ocr as pdf_ocr
    from secaudit.extract.registry import extract_bytes
    from secaudit.limits import Limits
    from tests.corpus.numbers import resident_id

    rid = resident_id(random.Random(2024))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawImage(ImageReader(io.BytesIO(a4_scan(random.Random(1), rid))), 0, 0,
                  width=A4[0], height=A4[1])
    pdf.showPage()
    pdf.save()
    render = pdf_ocr.render_gray_pgm
    pdf_ocr.render_gray_pgm = lambda page, dpi=args.dpi: render(page, dpi)  # type: ignore[misc]
    start = time.perf_counter()
    result = extract_bytes(out.getvalue(), "scan.pdf", limits=Limits(ocr="auto"))
    seconds = time.perf_counter() - start
    lines = [c.text for c in result.chunks if c.ocr]
    print(f"render {args.dpi} dpi: {seconds:.2f} s; marking read: {'机密★10年' in lines}; "
          f"ID number read: {any(rid in line for line in lines)}; "
          f"errors: {[e.reason.value for e in result.errors]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", action="store_true", help="one-page resolution check")
    ap.add_argument("--dpi", type=int, default=200, help="page mode: render resolution")
    ap.add_argument("--scans", type=int, default=8, help="A4 scans in the tree")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="build the tree here and keep it")
    args = ap.parse_args()
    if args.page:
        page_mode(args)
        return
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        tree_mode(args, args.keep)
        return
    with tempfile.TemporaryDirectory(prefix="ocr-speed-") as tmp:
        tree_mode(args, Path(tmp))


if __name__ == "__main__":
    main()
