"""Detection accuracy on the generated labelled corpus (issue 3).

Generates the corpus (tests/corpus/generate.py) into a temporary folder, runs every file through
``secaudit.extract.registry.extract_bytes`` and ``secaudit.detect.registry.detect``, and prints
per-level precision/recall/F1, marking F1, wrong-level rate, false positives on hard negatives,
info-type precision/recall/F1, and detection time against extraction time. It also times the
marking keyword pass with a compiled alternation vs pyahocorasick (str input).

    .venv/bin/python benchmarks/accuracy.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.corpus.evaluate import INFO_TYPES, LEVELS, run_corpus, score  # noqa: E402
from tests.corpus.generate import generate  # noqa: E402


def keyword_pass_timing(texts: list[str]) -> tuple[float, float]:
    """Seconds for one keyword pass over ``texts``: compiled ``re`` alternation vs Aho-Corasick."""
    import ahocorasick

    from secaudit.detect.markforms import MarkGrammar
    from secaudit.detect.vocabulary import Vocabulary

    vocab = Vocabulary.default()
    grammar = MarkGrammar(vocab)
    automaton = ahocorasick.Automaton()
    for word, level in vocab.all_words():
        automaton.add_word(word, (word, level))
    automaton.make_automaton()
    t0 = time.perf_counter()
    n_re = sum(1 for t in texts for _ in grammar.hit_re.finditer(t))
    t1 = time.perf_counter()
    n_ac = sum(1 for t in texts for _ in automaton.iter(t))
    t2 = time.perf_counter()
    assert n_re <= n_ac  # the automaton reports overlapping words too
    return t1 - t0, t2 - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="secaudit-accuracy-"))
    t0 = time.perf_counter()
    labels = generate(folder)
    gen_s = time.perf_counter() - t0
    res = run_corpus(folder, labels)
    s = score(res)
    print(
        f"corpus: {s['files']} files ({s['marked_files']} marked, "
        f"{s['hard_negatives']} hard negatives) generated in {gen_s:.1f}s in {folder}"
    )
    print(f"{'level':<16}{'P':>7}{'R':>7}{'F1':>7}{'n':>5}")
    for lv in LEVELS:
        p, r, f, n = s["per_level"][lv]
        print(f"{lv:<16}{p:7.3f}{r:7.3f}{f:7.3f}{n:5d}")
    p, r, f = s["marking"]
    print(f"marking overall  P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(f"wrong-level rate {s['wrong_level_rate']:.3%}")
    print(
        f"false positives on hard negatives: {len(s['hard_negative_fp'])} "
        f"of {s['hard_negatives']} {s['hard_negative_fp'] or ''}"
    )
    for typ in (*INFO_TYPES, "all"):
        p, r, f = s["info"][typ]
        print(f"info {typ:<15} P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(
        f"time: extraction {res.extract_seconds:.2f}s, detection {res.detect_seconds:.2f}s "
        f"({res.detect_seconds / max(res.extract_seconds, 1e-9):.0%} of extraction)"
    )
    texts = [c.text for o in res.outcomes for c in o.chunks]
    texts = texts * max(1, 2_000_000 // max(1, sum(map(len, texts))))
    t_re, t_ac = keyword_pass_timing(texts)
    mb = sum(len(t) for t in texts) / 1e6
    print(
        f"keyword pass over {mb:.1f}M chars (str): re alternation {t_re:.3f}s, "
        f"pyahocorasick {t_ac:.3f}s"
    )
    for m in s["mismatches"]:
        print("mismatch:", m)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
