"""Accuracy on a slice of the labelled corpus (every 4th file), through the real extractors.

The full corpus and the printed figures are ``benchmarks/accuracy.py``; this asserts the issue's
thresholds on a slice so that a regression in extraction or detection fails the suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.evaluate import run_corpus, score
from tests.corpus.generate import generate


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder: Path = tmp_path_factory.mktemp("corpus")
    labels = generate(folder, step=4)
    assert len(labels) >= 70
    return score(run_corpus(folder, labels))


def test_slice_covers_positives_and_hard_negatives(scored: dict[str, object]) -> None:
    assert scored["marked_files"] >= 25
    assert scored["hard_negatives"] >= 25


def test_marking_f1_and_wrong_level_rate(scored: dict[str, object]) -> None:
    _p, _r, f1 = scored["marking"]  # type: ignore[misc]
    assert f1 >= 0.99, scored["mismatches"]
    assert scored["wrong_level_rate"] <= 0.01, scored["mismatches"]


def test_no_false_positive_on_hard_negatives(scored: dict[str, object]) -> None:
    assert scored["hard_negative_fp"] == []


def test_info_type_f1(scored: dict[str, object]) -> None:
    _p, _r, f1 = scored["info"]["all"]  # type: ignore[index]
    assert f1 >= 0.98, scored["mismatches"]
