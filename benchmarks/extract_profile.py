"""Per-format cost of extraction (and detection) on the mixed benchmark corpus, in one process.

    python benchmarks/extract_profile.py [CORPUS] [--rounds 3] [--profile EXT] [--detect]
                                         [--ext docx,xlsx]

CORPUS defaults to a fresh ``gen_mixed`` corpus of 2,000 files (``scan_speed.py --keep DIR``
leaves one in ``DIR/mixed``). Every file is read once into memory, then run through
``secaudit.extract.registry.extract_bytes`` ``--rounds`` times; the best round's CPU time per file
is printed per extension (ms/file), so the figure is not the page cache's or the scheduler's.
``--detect`` adds the worker's whole cost (``secaudit.scan.analyze.analyze``: read, sha256, extract,
detect) and each detector's own cost on the extracted chunks (ms/file per detector).
``--profile EXT`` prints the cProfile of that extension's files (top 25 by own time): of the
extraction, or with ``--detect`` of the whole worker.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def load(root: Path) -> dict[str, list[tuple[str, bytes]]]:
    by_ext: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for dirpath, _, names in os.walk(root):
        for n in sorted(names):
            path = os.path.join(dirpath, n)
            by_ext[n.rsplit(".", 1)[-1].lower()].append((path, Path(path).read_bytes()))
    return dict(sorted(by_ext.items()))


def best_cpu(fn, files, rounds: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        for path, data in files:
            fn(path, data)
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    from secaudit.detect.registry import build_detectors
    from secaudit.extract.registry import extract_bytes
    from secaudit.limits import Limits
    from secaudit.policy import load_policy
    from secaudit.scan.analyze import Task, analyze

    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", metavar="EXT")
    ap.add_argument("--detect", action="store_true")
    ap.add_argument("--ext", help="only these extensions, comma-separated (docx,xlsx)")
    a = ap.parse_args()
    root = a.corpus
    if root is None:
        from gen_mixed import generate_mixed

        root = Path(tempfile.mkdtemp(prefix="secaudit-prof-")) / "mixed"
        generate_mixed(root, 2000)
    corpus = load(root)
    if a.ext:
        corpus = {k: v for k, v in corpus.items() if k in a.ext.split(",")}
    limits = Limits()
    detectors = build_detectors(load_policy().vocabulary)

    def extract(path: str, data: bytes) -> None:
        extract_bytes(data, os.path.basename(path), limits=limits)

    def worker(path: str, data: bytes) -> None:
        analyze(Task(path=path, size=len(data)), limits, detectors)

    def per_detector(files: list[tuple[str, bytes]]) -> list[float]:
        chunks = [extract_bytes(d, os.path.basename(p), limits=limits).chunks for p, d in files]
        best = [float("inf")] * len(detectors)
        for _ in range(a.rounds):
            for i, det in enumerate(detectors):
                t0 = time.process_time()
                for c in chunks:
                    list(det.analyze(c))
                best[i] = min(best[i], time.process_time() - t0)
        return best

    for files in corpus.values():  # warm imports and caches
        for path, data in files[:3]:
            extract(path, data)
            worker(path, data)
    if a.profile:
        prof = cProfile.Profile()
        prof.enable()
        for path, data in corpus[a.profile]:
            (worker if a.detect else extract)(path, data)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    head = f"{'ext':<6}{'files':>6}{'KB/file':>9}{'extract ms/file':>17}"
    names = [type(d).__name__.removesuffix("Detector").lower() for d in detectors]
    cols = f"{'worker ms/file':>16}" + "".join(f"{n:>11}" for n in names)
    print(head + (cols if a.detect else ""))
    total_x = total_w = 0.0
    for ext, files in corpus.items():
        kb = sum(len(d) for _, d in files) / len(files) / 1024
        x = best_cpu(extract, files, a.rounds)
        total_x += x
        row = f"{ext:<6}{len(files):>6}{kb:>9.1f}{x / len(files) * 1000:>17.2f}"
        if a.detect:
            w = best_cpu(worker, files, a.rounds)
            total_w += w
            row += f"{w / len(files) * 1000:>16.2f}"
            row += "".join(f"{d / len(files) * 1000:>11.2f}" for d in per_detector(files))
        print(row)
    n = sum(len(f) for f in corpus.values())
    tail = f"{'all':<6}{n:>6}{'':>9}{total_x / n * 1000:>17.2f}"
    print(tail + (f"{total_w / n * 1000:>16.2f}" if a.detect else ""))
    print(f"total CPU: extract {total_x:.2f} s" + (f", worker {total_w:.2f} s" if a.detect else ""))


if __name__ == "__main__":
    main()
