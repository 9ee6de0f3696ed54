"""Run extraction + detection over a generated corpus and score it against its labels.

Shared by ``benchmarks/accuracy.py`` (full corpus, printed report) and
``tests/detect/test_corpus.py`` (a slice, asserted thresholds).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from secaudit.detect.prefilter import prefilter_for
from secaudit.detect.registry import build_detectors, detect
from secaudit.extract.registry import extract_bytes
from secaudit.model import Finding, Level, TextChunk
from tests.corpus.generate import Label

INFO_TYPES = ("cn_resident_id", "bank_card", "cn_mobile", "cn_uscc")
LEVELS = tuple(lv.value for lv in Level if lv is not Level.NONE)


@dataclass
class Outcome:
    label: Label
    level: str
    info: dict[str, int]
    findings: list[Finding]
    errors: list[str]
    chunks: tuple[TextChunk, ...] = ()


@dataclass
class Results:
    outcomes: list[Outcome] = field(default_factory=list)
    extract_seconds: float = 0.0
    detect_seconds: float = 0.0


def run_corpus(folder: Path, labels: Sequence[Label]) -> Results:
    detectors = build_detectors()
    prefilter_for(detectors)  # compiled once per process (~0.1 s), as in a scan's worker
    res = Results()
    for label in labels:
        data = (folder / label.name).read_bytes()
        t0 = time.perf_counter()
        ex = extract_bytes(data, label.name)
        t1 = time.perf_counter()
        findings = detect(ex.chunks, detectors)
        res.detect_seconds += time.perf_counter() - t1
        res.extract_seconds += t1 - t0
        level = Level.highest(f.level for f in findings if f.kind == "marking").value
        info: dict[str, int] = {}
        for f in findings:
            if f.kind == "info_type" and f.type:
                info[f.type] = info.get(f.type, 0) + f.count
        errs = [f"{e.member}:{e.reason.value}:{e.detail}" for e in ex.errors]
        res.outcomes.append(Outcome(label, level, info, findings, errs, ex.chunks))
    return res


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(res: Results) -> dict[str, object]:
    """Per-level and overall marking P/R/F1, wrong-level rate, hard-negative FPs, info P/R/F1."""
    per_level = {}
    for lv in LEVELS:
        tp = sum(o.label.level == lv and o.level == lv for o in res.outcomes)
        fp = sum(o.label.level != lv and o.level == lv for o in res.outcomes)
        fn = sum(o.label.level == lv and o.level != lv for o in res.outcomes)
        per_level[lv] = (*_prf(tp, fp, fn), tp + fn)
    marked = [o for o in res.outcomes if o.label.level != "none"]
    tp = sum(o.level == o.label.level for o in marked)
    fp = sum(o.level != "none" and o.level != o.label.level for o in res.outcomes)
    fn = sum(o.level != o.label.level for o in marked)
    both = [o for o in marked if o.level != "none"]
    wrong = sum(o.level != o.label.level for o in both)
    hard = [o for o in res.outcomes if o.label.hard_negative]
    hard_fp = [o for o in hard if o.level != "none" or _info_excess(o)]
    info = {}
    for typ in (*INFO_TYPES, "all"):
        types = INFO_TYPES if typ == "all" else (typ,)
        itp = ifp = ifn = 0
        for o in res.outcomes:
            for t in types:
                exp, got = o.label.info.get(t, 0), o.info.get(t, 0)
                itp, ifp, ifn = (
                    itp + min(exp, got),
                    ifp + max(0, got - exp),
                    ifn + max(0, exp - got),
                )
        info[typ] = _prf(itp, ifp, ifn)
    return {
        "files": len(res.outcomes),
        "marked_files": len(marked),
        "hard_negatives": len(hard),
        "per_level": per_level,
        "marking": _prf(tp, fp, fn),
        "wrong_level_rate": wrong / len(marked) if marked else 0.0,
        "hard_negative_fp": [o.label.name for o in hard_fp],
        "info": info,
        "mismatches": [
            (o.label.name, o.label.level, o.level, o.label.info, o.info)
            for o in res.outcomes
            if o.level != o.label.level or _info_differs(o)
        ],
    }


def _info_excess(o: Outcome) -> bool:
    return any(o.info.get(t, 0) > o.label.info.get(t, 0) for t in INFO_TYPES)


def _info_differs(o: Outcome) -> bool:
    return any(o.info.get(t, 0) != o.label.info.get(t, 0) for t in INFO_TYPES)
