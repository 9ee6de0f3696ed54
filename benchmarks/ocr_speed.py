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

Each figure is the best of ``--repeat`` runs (the machine may be shared). Prints pages/s, the
ratio to tesseract's own time (target ≤ 1.3×) and how many ID numbers the scan found.

Page mode is the resolution check of one A4 notice rendered from a PDF (``--dpi``): seconds per
page and whether the marking and the ID number were read.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ocr_tree import Tree, a4_scan, build  # noqa: E402

ENV = dict(os.environ, OMP_THREAD_LIMIT="1")


def secaudit_scan(tree: Tree, home: Path, workers: int) -> tuple[float, dict]:  # type: ignore[type-arg]
    cmd = [sys.executable, "-m", "secaudit", "--home", str(home), "scan", "--no-cache",
           "--no-ledger", "--format", "json", "--workers", str(workers), str(tree.root)]
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=ENV)  # noqa: S603
    seconds = time.perf_counter() - start
    return seconds, json.loads(out.stdout)


def tesseract_on(images: list[Path], workers: int) -> float:
    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), "stdout", "-l", "chi_sim"],  # noqa: S607
                       capture_output=True, check=True, env=ENV)

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - start


def ids_found(doc: dict) -> int:  # type: ignore[type-arg]
    return sum(f.get("count", 0) for file in doc["files"] for f in file["findings"]
               if f.get("type") == "cn_resident_id")


def skipped(doc: dict) -> int:  # type: ignore[type-arg]
    return sum("no text-like content" in e["detail"] for file in doc["files"]
               for e in file["errors"])


def tree_mode(args: argparse.Namespace, base: Path) -> None:
    tree = build(base, args.scans)
    pages, files = len(tree.pages), sum(1 for p in tree.root.rglob("*") if p.is_file())
    print(f"tree: {files} files, {pages} pages with text, {len(tree.everything)} images and "
          f"pages in all; {args.workers} workers, best of {args.repeat}")
    best = {"peer": 1e9, "all": 1e9, "cold": 1e9, "warm": 1e9}
    for n in range(args.repeat):
        best["peer"] = min(best["peer"], tesseract_on(tree.pages, args.workers))
        home = base / f"home{n}"
        seconds, cold = secaudit_scan(tree, home, args.workers)
        best["cold"] = min(best["cold"], seconds)
        seconds, warm = secaudit_scan(tree, home, args.workers)
        best["warm"] = min(best["warm"], seconds)
        best["all"] = min(best["all"], tesseract_on(tree.everything, args.workers))
    rows = [("tesseract CLI, pages with text", "peer"),
            ("secaudit scan, first time", "cold"),
            ("secaudit scan again (--no-cache)", "warm"),
            ("tesseract CLI, every image", "all")]
    for label, key in rows:
        ratio = best[key] / best["peer"]
        print(f"  {label:34} {best[key]:6.1f} s  {pages / best[key]:5.2f} pages/s  "
              f"{ratio:4.2f}× tesseract's time")
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
