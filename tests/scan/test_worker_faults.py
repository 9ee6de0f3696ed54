"""A file that hangs or kills its worker in the middle of a batch of small files.

Workers send a batch's results back together, so when one dies, the files before the culprit
may be done but not yet sent: the culprit alone gets the error record (found from the worker's
progress array, not from the messages), the others are read again, none twice, none lost.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from secaudit.config import load_config
from secaudit.context import ScanContext
from secaudit.policy import load_policy
from secaudit.scan import workers
from secaudit.scan.scanner import Scanner

from . import faultyworker


def _tree(tmp_path: Path, culprit: str) -> Path:
    root = tmp_path / "t"
    root.mkdir()
    for prefix in ("a", "z"):  # sorted before and after the culprit: one batch of 21 files
        for i in range(10):
            (root / f"{prefix}{i:02d}.txt").write_text(f"秘密★1年\n第{i}号通知", encoding="utf-8")
    (root / culprit).write_text("机密★5年\n正文", encoding="utf-8")
    return root


def _scan(root: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:  # type: ignore[type-arg]
    (home / "config.toml").write_text("[scan]\nfile_timeout = 1.0\n", encoding="utf-8")
    monkeypatch.setattr(workers, "worker_main", faultyworker.worker_main)
    with Scanner(load_config(home), load_policy(), workers=1, use_cache=False) as sc:
        run = sc.scan([root], ScanContext(), list_all=True)
    names = Counter(Path(r.path).name for r in run.results)
    assert set(names.values()) == {1}, names  # every file once: none lost, none twice
    return {Path(r.path).name: r for r in run.results}  # type: ignore[misc]


def _others_read(by_name: dict, culprit: str) -> None:  # type: ignore[type-arg]
    others = [r for name, r in by_name.items() if name != culprit]
    assert len(others) == 20
    assert all(r.classification.value == "confidential" and not r.errors for r in others)


def test_a_hang_mid_batch_times_out_that_file_only(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_name = _scan(_tree(tmp_path, "hang.txt"), home, monkeypatch)
    assert [e.reason.value for e in by_name["hang.txt"].errors] == ["timeout"]
    _others_read(by_name, "hang.txt")


def test_a_crash_mid_batch_costs_that_file_only(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_name = _scan(_tree(tmp_path, "crash.txt"), home, monkeypatch)
    errors = [(e.reason.value, e.detail) for e in by_name["crash.txt"].errors]
    assert errors == [("corrupt", "parser crashed")]
    _others_read(by_name, "crash.txt")


def test_a_batch_of_small_files_comes_back_in_one_message(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[int] = []
    real = workers.WorkerPool._received

    def spy(self: workers.WorkerPool, w: object, message: object) -> object:
        if isinstance(message, list):
            messages.append(len(message))
        return real(self, w, message)  # type: ignore[arg-type]

    monkeypatch.setattr(workers.WorkerPool, "_received", spy)
    root = _tree(tmp_path, "b.txt")
    with Scanner(load_config(home), load_policy(), workers=1, use_cache=False) as sc:
        run = sc.scan([root], ScanContext(), list_all=True)
    assert len(run.results) == 21
    assert messages == [21]


def test_a_task_crosses_to_a_worker_with_every_field() -> None:
    import pickle

    from secaudit.scan.analyze import Task

    task = Task("/m/机密.txt", 12, 3, b"abc", "机密.txt", "/m", "机密.txt", 7, 9, 100, 12)
    assert pickle.loads(pickle.dumps(task)) == task  # noqa: S301 - our own bytes
    assert pickle.loads(pickle.dumps(Task("/a", 1))) == Task("/a", 1)  # noqa: S301
